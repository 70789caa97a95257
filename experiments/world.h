// World: one experiment made runnable — the event loop, the dependencies (each wrapped by its
// faults), the resilience components, the API and the clients, wired as the file says — and
// the metrics it records. Data flows one way: the world never reads monitoring/.
//
//   World world(experiment);           // experiment already validated by the loader
//   world.run_until(world.end());      // or in slices, for progress and interruption
//   const sim::Metrics& m = world.metrics();
//
// Single-threaded; independent worlds may run on different threads (sweeps).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "experiments/experiment_config.h"
#include "sim/event_loop.h"
#include "sim/metrics.h"

namespace faultline::experiments {

class World {
 public:
  explicit World(const Experiment& experiment);
  ~World();
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  // Runs the simulation up to `t` (at most end()); per-second metrics close as time passes.
  void run_until(Instant t);
  // Records the end-of-run state (breakers' states, unfinished requests). Call once, last.
  void finish();

  Instant now() const { return loop_.now(); }
  Instant end() const { return end_; }
  std::uint64_t events() const { return loop_.events_processed(); }
  const sim::Metrics& metrics() const { return *metrics_; }

  // Breaker snapshot for health reports: state, failure count, health, per breaker in the
  // metrics' order.
  struct BreakerView {
    std::string name, type, state, health;
    std::uint64_t failure_count = 0;
  };
  std::vector<BreakerView> breakers() const;

 private:
  struct Parts;
  void tick();

  const Experiment& experiment_;
  sim::EventLoop loop_;
  std::unique_ptr<sim::Metrics> metrics_;
  std::unique_ptr<Parts> parts_;
  Instant end_{};
  bool finished_ = false;
};

}  // namespace faultline::experiments

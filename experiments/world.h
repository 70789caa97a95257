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
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "experiments/experiment_config.h"
#include "sim/event_loop.h"
#include "sim/metrics.h"

namespace faultline::sim {
class ApiModel;
class Dependency;
class RequestSink;
}  // namespace faultline::sim

namespace faultline::experiments {

// Live mode (live/live_session.h) runs the same world on the wall clock, with three parts
// swapped: the dependencies are HTTP clients (the faults are applied by the fault proxies in
// front of them, not in the world), the clients reach the API over HTTP through `sink`, and
// the API, when the world serves one, only answers (the clients record the outcomes).
struct LiveWiring {
  std::function<sim::Dependency*(std::size_t index)> dependency;
  std::function<sim::RequestSink*(sim::EventLoop& loop, sim::Metrics& metrics)> sink;
  bool serve_api = true;  // false with --target: the load goes to the user's service
};

class World {
 public:
  explicit World(const Experiment& experiment, const LiveWiring* live = nullptr);
  ~World();
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  // Runs every event before `t` (at most end()); each virtual second [s, s+1) is closed in the
  // metrics before any event at s+1 runs, so an answer at exactly 32 s counts in second 32.
  void run_until(Instant t);
  // Records the end-of-run state (breakers' states at end()), then drains: the requests in
  // flight get their outcomes (answers, client timeouts, or "no answer" when the drain's time
  // is up; docs/monitoring.md, "Outcomes"). Call once, last.
  void finish();

  // Live mode: runs every event before the wall instant `t`, past end() too (the drain, in
  // real time: breaker transitions after end() are not recorded, as in the simulated drain).
  void advance_live(Instant t);
  sim::EventLoop& loop() { return loop_; }
  sim::ApiModel* api();  // null in live mode with serve_api = false

  // The instant the run has been measured up to (exclusive).
  Instant now() const { return measured_until_; }
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
  void drain();

  const Experiment& experiment_;
  sim::EventLoop loop_;
  std::unique_ptr<sim::Metrics> metrics_;
  std::unique_ptr<Parts> parts_;
  Instant end_{};
  Instant measured_until_{};
  Instant next_boundary_ = std::chrono::seconds(1);
  bool finished_ = false;
  bool draining_ = false;
  bool live_ = false;
};

}  // namespace faultline::experiments

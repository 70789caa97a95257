// FaultyDependency: wraps a sim::Dependency and applies the faults that target it; it
// overrides only what a fault breaks (LevelDB's FaultInjectionTestEnv pattern). With no fault
// active a call passes straight through.
//
//   FaultyDependency faulty(loop, real_db, {outage_at_120s}, metrics);
//   faulty.arm();   // schedules capacity changes at the fault windows' edges
//
// Composition of overlapping faults on one call: outage / flapping-down refuse at once;
// otherwise hang holds the call forever; otherwise latency faults add their draws after the
// server answers (on the wire, like Toxiproxy's latency toxic), slowdowns multiply the
// server's service time, error faults turn a success into an error after the normal latency.
// Capacity faults set the server's concurrency to the smallest active value and restore it
// when they end; calls already in service finish normally. A call's fate is decided when it
// starts: a fault that ends while it is in flight does not rescue it (a hung call stays hung
// until its caller's timeout), and one that starts does not break it. The draws come from
// the call's key (CallOptions::key; forwarded to the server with it), else in call order.
// Single-threaded.
#pragma once

#include <cstdint>
#include <vector>

#include "faults/fault.h"
#include "sim/dependency.h"
#include "sim/event_loop.h"
#include "sim/metrics.h"

namespace faultline::faults {

class FaultyDependency final : public sim::Dependency {
 public:
  // `faults` are those targeting this dependency; `draws[i]` are faults[i]'s (fault_draws).
  FaultyDependency(sim::EventLoop& loop, sim::Dependency& inner, std::vector<Fault> faults,
                   std::vector<sim::CallDraws> draws, sim::Metrics& metrics);

  // Schedules the capacity changes; call once before the run.
  void arm();

  using sim::Dependency::call;
  sim::CallId call(Done done, const sim::CallOptions& options) override;
  void abandon(sim::CallId id) override;
  int concurrency() const override { return inner_.concurrency(); }
  void set_concurrency(int concurrency) override { inner_.set_concurrency(concurrency); }
  int busy() const override { return inner_.busy(); }

 private:
  struct Pending {
    Done done;
    sim::CallId inner = 0;
    TimerId timer = kNoTimer;
    Duration add{};
    std::uint32_t generation = 1;
    bool in_use = false;
    bool inner_live = false;
    bool fail = false;
  };

  std::uint32_t acquire();
  void release(std::uint32_t index);
  sim::CallId id_of(std::uint32_t index) const {
    return (static_cast<sim::CallId>(pending_[index].generation) << 32) | index;
  }
  void deliver(std::uint32_t index, sim::CallStatus status);
  void update_capacity();

  sim::EventLoop& loop_;
  sim::Dependency& inner_;
  std::vector<Fault> faults_;
  std::vector<sim::CallDraws> draws_;
  sim::Metrics& metrics_;
  int base_concurrency_ = 0;
  std::vector<Pending> pending_;
  std::vector<std::uint32_t> free_;
};

}  // namespace faultline::faults

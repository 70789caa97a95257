// WallClockDriver: runs a World (experiments/world.h) on the wall clock. The world's event
// loop keeps its integer virtual time, slaved to resilience::AsioScheduler: a timer wakes at
// the loop's next event (or the next second boundary, which closes a second of metrics), and
// every input from a socket first advances the world to the wall instant, then runs.
//
//   WallClockDriver driver(scheduler);                // before the world: its parts hold it
//   driver.start(world);                              // wall t = 0 is now
//   client.request(..., [&](auto& r) { driver.deliver([&] { on_answer(r); }); });
//
// So the API model, the step runner and every resilience component run unchanged: the same
// code the simulator runs, with virtual time following the wall clock. An event runs at or
// after its instant and sees now() = its instant (a late wake shows as lag, never as a
// shifted schedule). Threading: the io_context's thread.
#pragma once

#include <cstdint>
#include <utility>

#include "resilience/clock.h"

namespace faultline::experiments {
class World;
}

namespace faultline::live {

class WallClockDriver {
 public:
  explicit WallClockDriver(Scheduler& wall) : wall_(wall) {}
  WallClockDriver(const WallClockDriver&) = delete;
  WallClockDriver& operator=(const WallClockDriver&) = delete;

  void start(experiments::World& world);
  void stop();  // no wake-up left armed
  // Wall time since start().
  Instant wall_now() const { return wall_.now() - t0_; }
  // Advances the world to the wall instant, runs `f` there, then re-arms the wake-up.
  template <typename F>
  void deliver(F&& f) {
    advance();
    std::forward<F>(f)();
    arm();
  }
  std::uint64_t wakes() const { return wakes_; }

 private:
  void advance();
  void arm();
  void on_wake();

  Scheduler& wall_;
  experiments::World* world_ = nullptr;
  Instant t0_{};
  TimerId timer_ = kNoTimer;
  Instant armed_at_ = Instant::max();
  bool running_ = false;
  std::uint64_t wakes_ = 0;
};

}  // namespace faultline::live

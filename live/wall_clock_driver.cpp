#include "live/wall_clock_driver.h"

#include <algorithm>

#include "experiments/world.h"

namespace faultline::live {

void WallClockDriver::start(experiments::World& world) {
  world_ = &world;
  t0_ = wall_.now();
  running_ = true;
  arm();
}

void WallClockDriver::stop() {
  running_ = false;
  if (timer_ != kNoTimer) wall_.cancel(timer_);
  timer_ = kNoTimer;
  armed_at_ = Instant::max();
}

void WallClockDriver::advance() {
  if (!running_) return;
  // +1 ns: World::advance_live runs the events strictly before its argument, and an event due
  // at exactly the wall instant is due now.
  world_->advance_live(wall_now() + std::chrono::nanoseconds(1));
}

void WallClockDriver::arm() {
  if (!running_) return;
  // The next second boundary too: the world closes a second of metrics (busy workers, breaker
  // states) when it runs past it, so it must run then even if no event is due.
  const Instant now = wall_now();
  const Instant boundary = (now / std::chrono::seconds(1) + 1) * std::chrono::seconds(1);
  const Instant next = std::min(world_->loop().next_event_hint(), boundary);
  if (timer_ != kNoTimer && armed_at_ <= next) return;
  if (timer_ != kNoTimer) wall_.cancel(timer_);
  armed_at_ = next;
  timer_ = wall_.schedule_after(next - now, [this] { on_wake(); });
}

void WallClockDriver::on_wake() {
  timer_ = kNoTimer;
  armed_at_ = Instant::max();
  ++wakes_;
  advance();
  arm();
}

}  // namespace faultline::live

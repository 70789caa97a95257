#include "resilience/timeout.h"

#include <utility>

namespace faultline::resilience {

void Timeout::arm(Duration delay, Scheduler::Callback on_timeout) {
  disarm();
  timed_out_ = false;
  on_timeout_ = std::move(on_timeout);
  timer_ = scheduler_.schedule_after(delay, [this, race = ++race_] {
    if (race != race_ || timer_ == kNoTimer) return;
    timer_ = kNoTimer;
    timed_out_ = true;
    Scheduler::Callback cb = std::move(on_timeout_);
    on_timeout_ = nullptr;
    cb();  // last: the callback may destroy this Timeout
  });
}

bool Timeout::finish() {
  if (timer_ == kNoTimer) return false;
  scheduler_.cancel(timer_);
  timer_ = kNoTimer;
  on_timeout_ = nullptr;
  return true;
}

bool Timeout::disarm() { return finish(); }

}  // namespace faultline::resilience

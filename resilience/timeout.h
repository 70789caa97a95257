// Timeout: races an asynchronous operation against a Scheduler timer so that exactly one of
// {completion, timeout} is delivered.
//
//   Timeout t(scheduler);
//   t.arm(millis(2000), [this] { answer(504); });   // runs unless finish() comes first
//   ... when the operation answers: if (t.finish()) answer(200);   // false: it timed out
//
// No allocation; not copyable or movable (the timer refers to it); destroying it disarms.
// Single-threaded.
#pragma once

#include <cstdint>

#include "resilience/clock.h"

namespace faultline::resilience {

class Timeout {
 public:
  explicit Timeout(Scheduler& scheduler) : scheduler_(scheduler) {}
  ~Timeout() { disarm(); }
  Timeout(const Timeout&) = delete;
  Timeout& operator=(const Timeout&) = delete;

  // Starts the race: `on_timeout` runs at now + delay unless finish() or disarm() comes
  // first. Re-arming disarms the previous race without delivering it.
  void arm(Duration delay, Scheduler::Callback on_timeout);
  // The operation completed: returns true iff it beat the timer (which is then cancelled);
  // false if the timeout was already delivered, or nothing is armed.
  bool finish();
  // Abandons the race, delivering nothing. Returns true iff it was armed.
  bool disarm();

  bool armed() const { return timer_ != kNoTimer; }
  bool timed_out() const { return timed_out_; }

 private:
  Scheduler& scheduler_;
  Scheduler::Callback on_timeout_;
  TimerId timer_ = kNoTimer;
  std::uint64_t race_ = 0;
  bool timed_out_ = false;
};

}  // namespace faultline::resilience

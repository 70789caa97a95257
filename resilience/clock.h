// The only view of time the resilience components have: a monotonic clock and a scheduler of
// cancellable one-shot timers. The simulator implements it in virtual time
// (sim::EventLoop), Boost.Asio in real time (resilience::AsioScheduler).
//
//   TimerId t = scheduler.schedule_after(std::chrono::seconds(2), [this] { on_timeout(); });
//   scheduler.cancel(t);   // cheap: timeouts are cancelled far more often than they fire
//
// Components take a Scheduler& and never read a system clock or sleep. Single-threaded: a
// component and its scheduler live on one thread (the event loop or one io_context strand).
#pragma once

#include <chrono>
#include <cstdint>

#include "resilience/inplace_function.h"

namespace faultline {

// Durations and instants are integer nanoseconds; an Instant counts from the clock's epoch
// (the start of the simulation, or of the real-time adapter).
using Duration = std::chrono::nanoseconds;
using Instant = std::chrono::nanoseconds;

// Identifies a scheduled timer. 0 is never a valid id.
using TimerId = std::uint64_t;
inline constexpr TimerId kNoTimer = 0;

class Clock {
 public:
  virtual ~Clock() = default;
  // Returns the current instant; never decreases.
  virtual Instant now() const = 0;
};

class Scheduler : public Clock {
 public:
  // 48 bytes holds `this` plus a few ids; larger state belongs in the component.
  using Callback = InplaceFunction<void(), 48>;

  // Runs `cb` once, `delay` from now (a negative delay counts as zero). Timers due at the
  // same instant run in the order they were scheduled.
  virtual TimerId schedule_after(Duration delay, Callback cb) = 0;
  // Prevents a pending timer from running. Returns false if it already ran or was cancelled.
  virtual bool cancel(TimerId id) = 0;
};

// Converts a count of milliseconds (as written in experiment files) to a Duration.
constexpr Duration millis(std::int64_t ms) { return std::chrono::milliseconds(ms); }
// Seconds as a double, for reports.
constexpr double to_seconds(Duration d) { return static_cast<double>(d.count()) / 1e9; }
constexpr double to_millis(Duration d) { return static_cast<double>(d.count()) / 1e6; }

}  // namespace faultline

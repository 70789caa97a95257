// CircuitBreaker: the guide's breaker (CLOSED -> OPEN -> HALF_OPEN -> CLOSED), with a
// permission-style API like resilience4j: ask before the call, report its outcome after.
//
//   if (!breaker.try_acquire()) return answer(503);
//   const auto epoch = breaker.epoch();    // optional: lets late outcomes be recognised
//   ... breaker.on_success(elapsed, epoch);  or  breaker.on_failure(elapsed, epoch);
//
// O(1) per call, no allocation on the call path. Single-threaded (see clock.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "resilience/circuit_breaker_config.h"
#include "resilience/clock.h"
#include "resilience/inplace_function.h"
#include "resilience/time_bucket_ring.h"

namespace faultline::resilience {

class CircuitBreaker {
 public:
  using State = BreakerState;
  using Listener = InplaceFunction<void(const Transition&), 48>;
  // Identifies the stretch between two transitions; see on_success().
  using Epoch = std::uint64_t;
  static constexpr Epoch kCurrentEpoch = ~Epoch{0};

  struct Counters {
    std::uint64_t admitted = 0;             // try_acquire() returned true
    std::uint64_t rejected = 0;             // try_acquire() returned false
    std::uint64_t admitted_while_open = 0;  // an invariant: stays 0
    std::uint64_t successes = 0;            // reported successes (slow ones excluded)
    std::uint64_t failures = 0;             // reported failures, slow successes included
    std::uint64_t slow_calls = 0;           // successes slower than slow_call_threshold
    std::uint64_t stale_outcomes = 0;       // outcomes ignored for state (see on_success)
    std::uint64_t released = 0;             // release() calls
    std::uint64_t transitions = 0;
  };

  CircuitBreaker(Scheduler& scheduler, CircuitBreakerConfig config);
  ~CircuitBreaker();
  CircuitBreaker(const CircuitBreaker&) = delete;
  CircuitBreaker& operator=(const CircuitBreaker&) = delete;

  // Returns true iff the call may proceed: CLOSED, or HALF_OPEN with a trial permit left. An
  // OPEN breaker whose recovery timeout has elapsed becomes HALF_OPEN here, at this instant.
  bool try_acquire();

  // The current epoch; read it right after a successful try_acquire() to tag the call.
  Epoch epoch() const { return epoch_; }

  // Report the outcome of an admitted call. An outcome tagged with an older epoch was admitted
  // before the last transition: it is counted but does not affect the state, the window or
  // the trial permits (resilience4j does the same for outcomes arriving while OPEN). Untagged
  // outcomes (kCurrentEpoch) are attributed to the current state: CLOSED records them, OPEN
  // ignores them, HALF_OPEN treats them as trial outcomes only while a trial is in flight.
  void on_success(Duration elapsed, Epoch admitted_in = kCurrentEpoch);
  void on_failure(Duration elapsed, Epoch admitted_in = kCurrentEpoch);
  // An admitted call ended without an outcome (cancelled): frees its HALF_OPEN trial permit.
  void release(Epoch admitted_in = kCurrentEpoch);

  // The state a call would find now: an OPEN breaker whose recovery timeout has elapsed
  // reports HALF_OPEN even before the lazy transition is recorded (unless forced open).
  State state() const;
  // unhealthy: OPEN; degraded: HALF_OPEN, or CLOSED with a window failure rate above half of
  // expected_failure_rate (when that rule is on, whatever minimum_calls) or at least half of
  // failure_threshold consecutive failures; healthy otherwise.
  HealthStatus health_status() const;
  // Failures in the monitoring window now (CLOSED outcomes; the window empties on closing).
  std::int64_t failure_count() const;
  std::int64_t calls_in_window() const;
  int consecutive_failures() const { return consecutive_failures_; }

  // Listeners run synchronously after each transition, in the order they were added.
  void add_listener(Listener listener);

  // Opens the breaker until reset(): no recovery timeout applies ("forced open").
  void force_open();
  // Closes the breaker and empties the window and the consecutive-failure count ("reset").
  void reset();

  const Counters& counters() const { return counters_; }
  const CircuitBreakerConfig& config() const { return config_; }
  Instant opened_at() const { return opened_at_; }

 private:
  struct WindowCounts {
    std::int64_t calls = 0;
    std::int64_t failures = 0;
    WindowCounts& operator+=(const WindowCounts& o) {
      calls += o.calls;
      failures += o.failures;
      return *this;
    }
    WindowCounts& operator-=(const WindowCounts& o) {
      calls -= o.calls;
      failures -= o.failures;
      return *this;
    }
  };

  bool admit();
  void on_outcome(bool failure, Epoch admitted_in);
  void record_closed(bool failure, Instant now);
  bool recovery_due(Instant now) const;
  void transition(State to, Instant now, std::string reason);
  void on_recovery_timer(Epoch armed_in);
  bool rate_exceeded(const WindowCounts& w, std::int64_t scale_numerator) const;

  Scheduler& scheduler_;
  CircuitBreakerConfig config_;
  std::int64_t rate_ppm_;  // expected_failure_rate in parts per million: exact comparisons
  State state_ = State::kClosed;
  Epoch epoch_ = 0;
  bool forced_ = false;
  Instant opened_at_{};
  int consecutive_failures_ = 0;
  int trials_in_flight_ = 0;
  int trial_successes_ = 0;
  TimerId recovery_timer_ = kNoTimer;
  TimeBucketRing<WindowCounts> window_;
  std::vector<Listener> listeners_;
  Counters counters_;
};

}  // namespace faultline::resilience

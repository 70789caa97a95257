// RetryBudget (Finagle/Envoy style): retries may be at most `ratio` x the requests of the last
// `window`, plus `min_per_s` x the window's seconds, so a failing dependency sees a bounded
// extra load instead of max_attempts x the traffic.
//
//   RetryBudget budget(clock, RetryBudgetConfig{});   // 20 % + 10/s over 10 s (Finagle's)
//   budget.on_request();                          // every first attempt deposits
//   if (budget.try_retry()) schedule_retry();     // every retry withdraws, or is denied
//
// Fixed-point token arithmetic on a ring of time buckets: exact, O(1), no allocation per call.
// Single-threaded.
#pragma once

#include <chrono>
#include <cstdint>

#include "resilience/clock.h"
#include "resilience/time_bucket_ring.h"

namespace faultline::resilience {

struct RetryBudgetConfig {
  double ratio = 0.2;     // retries per request (0.2: one retry for five requests)
  double min_per_s = 10;  // retries always allowed, per second of the window
  Duration window = std::chrono::seconds(10);
  int buckets = 10;  // the window slides in window / buckets steps
};

class RetryBudget {
 public:
  struct Counters {
    std::uint64_t requests = 0;
    std::uint64_t retries_allowed = 0;
    std::uint64_t retries_denied = 0;
  };

  RetryBudget(const Clock& clock, RetryBudgetConfig config);

  // A request (first attempt) was sent: deposits `ratio` of a retry.
  void on_request();
  // Returns true iff a retry fits in the budget now, and withdraws it.
  bool try_retry();
  // Whole retries the budget would allow now.
  std::int64_t available() const;

  const Counters& counters() const { return counters_; }
  const RetryBudgetConfig& config() const { return config_; }

 private:
  // One retry is kScale units; a deposit is ratio x kScale units; the reserve is
  // min_per_s x window-seconds x kScale units.
  static constexpr std::int64_t kScale = 1'000'000;

  const Clock& clock_;
  RetryBudgetConfig config_;
  std::int64_t deposit_;
  std::int64_t reserve_;
  TimeBucketRing<std::int64_t> balance_;  // deposits minus withdrawals in the window
  Counters counters_;
};

}  // namespace faultline::resilience

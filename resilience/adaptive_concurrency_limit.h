// AdaptiveConcurrencyLimit: an AIMD concurrency limit in the style of Netflix's
// concurrency-limits: +1 after `limit` successes under load (one step per limit's worth of
// calls, like TCP's +1 per window), x backoff_ratio on a drop, a timeout, or a success
// slower than latency_threshold; kept within [min_limit, max_limit].
//
//   if (!limit.try_acquire()) return answer(503);
//   ... limit.on_success(rtt);  or  limit.on_dropped(rtt);  or  limit.release();
//
// Integer arithmetic, O(1), no allocation. Single-threaded.
#pragma once

#include <cstdint>
#include <optional>

#include "resilience/clock.h"

namespace faultline::resilience {

struct AdaptiveLimitConfig {
  int initial_limit = 20;
  int min_limit = 1;
  int max_limit = 200;
  double backoff_ratio = 0.9;                 // to 1/1000
  std::optional<Duration> latency_threshold;  // a slower success counts as a drop
};

class AdaptiveConcurrencyLimit {
 public:
  struct Counters {
    std::uint64_t admitted = 0;
    std::uint64_t rejected = 0;
    std::uint64_t increases = 0;
    std::uint64_t decreases = 0;
  };

  AdaptiveConcurrencyLimit(const Clock& clock, AdaptiveLimitConfig config);

  // Returns true iff fewer than limit() calls are in flight (and counts the call in).
  bool try_acquire();
  // The call succeeded after `rtt`. Counts toward an increase only when at least half the
  // limit was in use (an idle service proves nothing about a higher limit).
  void on_success(Duration rtt);
  // The call was dropped, timed out or overloaded after `rtt`. Decreases the limit unless the
  // call started before the last decrease: one decrease per congestion episode, not one per
  // call that was already in flight when it began.
  void on_dropped(Duration rtt);
  // The call ended without a sample (cancelled).
  void release();

  int limit() const { return limit_; }
  int in_flight() const { return in_flight_; }
  const Counters& counters() const { return counters_; }

 private:
  void decrease(Instant now, Duration rtt);

  const Clock& clock_;
  AdaptiveLimitConfig config_;
  std::int64_t ratio_milli_;
  int limit_;
  int in_flight_ = 0;
  int successes_ = 0;  // toward the next +1
  std::optional<Instant> last_decrease_;
  Counters counters_;
};

}  // namespace faultline::resilience

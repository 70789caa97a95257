// RateLimiter: a token bucket of `burst` tokens refilled at `rate_per_s`, computed from
// Clock::now() on each call (no timer). Over the limit the API answers 429.
//
//   RateLimiter limiter(clock, RateLimiterConfig{100, 20});   // 100/s, bursts of 20
//   if (!limiter.try_acquire()) return answer(429);
//
// Fixed-point arithmetic (1 token = 10^12 units, the rate in thousandths of a token per
// second) so that every run gives the same decisions. Starts full. Single-threaded.
#pragma once

#include <cstdint>

#include "resilience/clock.h"

namespace faultline::resilience {

struct RateLimiterConfig {
  double rate_per_s = 100;  // tokens added per second, to 1/1000 of a token
  double burst = 100;       // bucket size in tokens, to 1/1000 of a token
};

class RateLimiter {
 public:
  struct Counters {
    std::uint64_t allowed = 0;
    std::uint64_t limited = 0;
  };

  RateLimiter(const Clock& clock, RateLimiterConfig config);

  // Takes `tokens` if the bucket holds them now; otherwise takes nothing and returns false.
  bool try_acquire(std::int64_t tokens = 1);
  // Tokens in the bucket now, in thousandths (exact): 1500 = 1.5 tokens.
  std::int64_t available_milli() const;
  // How long until `tokens` are available (zero if they are; Duration::max() if never).
  Duration time_until(std::int64_t tokens = 1) const;

  const Counters& counters() const { return counters_; }
  const RateLimiterConfig& config() const { return config_; }

 private:
  static constexpr std::int64_t kUnitsPerToken = 1'000'000'000'000;  // 10^12
  std::int64_t level_at(Instant now) const;

  const Clock& clock_;
  RateLimiterConfig config_;
  std::int64_t rate_;      // units per nanosecond = thousandths of a token per second
  std::int64_t capacity_;  // units
  std::int64_t level_;     // units at `updated_`
  Instant updated_;
  Counters counters_;
};

}  // namespace faultline::resilience

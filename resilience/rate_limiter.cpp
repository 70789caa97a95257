#include "resilience/rate_limiter.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace faultline::resilience {
namespace {

// 1 token = 10^12 units and 1 s = 10^9 ns, so r tokens/s is exactly 1000 x r units per ns.
constexpr std::int64_t kMilli = 1000;
// Keeps capacity (burst x 10^12) inside 64 bits.
constexpr double kMaxBurst = 9'000'000;

}  // namespace

RateLimiter::RateLimiter(const Clock& clock, RateLimiterConfig config)
    : clock_(clock),
      config_(config),
      rate_(std::llround(std::clamp(config.rate_per_s, 0.0, 1e12) * kMilli)),
      capacity_(std::llround(std::clamp(config.burst, 0.0, kMaxBurst) * kMilli) *
                (kUnitsPerToken / kMilli)),
      level_(capacity_),
      updated_(clock.now()) {}

std::int64_t RateLimiter::level_at(Instant now) const {
  const std::int64_t elapsed = std::max<std::int64_t>(0, (now - updated_).count());
  if (rate_ == 0) return level_;
  const std::int64_t missing = capacity_ - level_;
  // Compare before multiplying: a long idle period would overflow elapsed x rate.
  if (elapsed >= missing / rate_ + 1) return capacity_;
  return std::min(capacity_, level_ + elapsed * rate_);
}

bool RateLimiter::try_acquire(std::int64_t tokens) {
  const Instant now = clock_.now();
  level_ = level_at(now);
  updated_ = now;
  const std::int64_t need = tokens > capacity_ / kUnitsPerToken
                                ? std::numeric_limits<std::int64_t>::max()
                                : tokens * kUnitsPerToken;
  if (level_ >= need) {
    level_ -= need;
    ++counters_.allowed;
    return true;
  }
  ++counters_.limited;
  return false;
}

std::int64_t RateLimiter::available_milli() const {
  return level_at(clock_.now()) / (kUnitsPerToken / kMilli);
}

Duration RateLimiter::time_until(std::int64_t tokens) const {
  if (tokens > capacity_ / kUnitsPerToken) return Duration::max();
  const std::int64_t need = tokens * kUnitsPerToken;
  const std::int64_t level = level_at(clock_.now());
  if (level >= need) return Duration::zero();
  if (rate_ == 0) return Duration::max();
  return Duration((need - level + rate_ - 1) / rate_);  // round up: available at that instant
}

}  // namespace faultline::resilience

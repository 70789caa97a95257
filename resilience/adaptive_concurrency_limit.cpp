#include "resilience/adaptive_concurrency_limit.h"

#include <algorithm>
#include <cmath>

namespace faultline::resilience {

AdaptiveConcurrencyLimit::AdaptiveConcurrencyLimit(const Clock& clock, AdaptiveLimitConfig config)
    : clock_(clock),
      config_(config),
      ratio_milli_(std::llround(std::clamp(config.backoff_ratio, 0.0, 1.0) * 1000)) {
  config_.min_limit = std::max(1, config_.min_limit);
  config_.max_limit = std::max(config_.min_limit, config_.max_limit);
  limit_ = std::clamp(config_.initial_limit, config_.min_limit, config_.max_limit);
}

bool AdaptiveConcurrencyLimit::try_acquire() {
  if (in_flight_ >= limit_) {
    ++counters_.rejected;
    return false;
  }
  ++in_flight_;
  ++counters_.admitted;
  return true;
}

void AdaptiveConcurrencyLimit::on_success(Duration rtt) {
  if (config_.latency_threshold.has_value() && rtt > *config_.latency_threshold) {
    on_dropped(rtt);
    return;
  }
  const bool under_load = in_flight_ * 2 >= limit_;
  if (in_flight_ > 0) --in_flight_;
  if (!under_load) return;
  if (++successes_ >= limit_) {
    successes_ = 0;
    if (limit_ < config_.max_limit) {
      ++limit_;
      ++counters_.increases;
    }
  }
}

void AdaptiveConcurrencyLimit::on_dropped(Duration rtt) {
  if (in_flight_ > 0) --in_flight_;
  decrease(clock_.now(), rtt);
}

void AdaptiveConcurrencyLimit::release() {
  if (in_flight_ > 0) --in_flight_;
}

void AdaptiveConcurrencyLimit::decrease(Instant now, Duration rtt) {
  if (last_decrease_.has_value() && now - rtt < *last_decrease_) return;
  last_decrease_ = now;
  successes_ = 0;
  // floor(limit x ratio), and always at least one step down so small limits still shrink.
  const auto scaled = static_cast<int>(limit_ * ratio_milli_ / 1000);
  const int next = std::max(config_.min_limit, std::min(scaled, limit_ - 1));
  if (next != limit_) {
    limit_ = next;
    ++counters_.decreases;
  }
}

}  // namespace faultline::resilience

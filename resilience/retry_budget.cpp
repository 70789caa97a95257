#include "resilience/retry_budget.h"

#include <algorithm>
#include <cmath>

namespace faultline::resilience {

RetryBudget::RetryBudget(const Clock& clock, RetryBudgetConfig config)
    : clock_(clock),
      config_(config),
      deposit_(std::llround(std::max(0.0, config.ratio) * kScale)),
      reserve_(std::llround(std::max(0.0, config.min_per_s) * to_seconds(config.window) * kScale)),
      balance_(config.window, config.buckets) {}

void RetryBudget::on_request() {
  ++counters_.requests;
  balance_.add(clock_.now(), deposit_);
}

bool RetryBudget::try_retry() {
  const Instant now = clock_.now();
  if (reserve_ + balance_.total(now) >= kScale) {
    balance_.add(now, -kScale);
    ++counters_.retries_allowed;
    return true;
  }
  ++counters_.retries_denied;
  return false;
}

std::int64_t RetryBudget::available() const {
  return std::max<std::int64_t>(0, (reserve_ + balance_.total_at(clock_.now())) / kScale);
}

}  // namespace faultline::resilience

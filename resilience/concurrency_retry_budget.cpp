#include "resilience/concurrency_retry_budget.h"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace faultline::resilience {

ConcurrencyRetryBudget::ConcurrencyRetryBudget(ConcurrencyRetryBudgetConfig config)
    : config_(config), percent_milli_(std::llround(std::max(0.0, config.budget_percent) * 1000.0)) {
  config_.min_retry_concurrency = std::max(0, config_.min_retry_concurrency);
}

void ConcurrencyRetryBudget::on_request_start() {
  ++counters_.requests;
  ++active_requests_;
}

void ConcurrencyRetryBudget::on_request_end() {
  assert(active_requests_ > 0);
  --active_requests_;
}

bool ConcurrencyRetryBudget::try_retry() {
  if (active_retries_ < limit()) {
    ++active_retries_;
    ++counters_.retries_allowed;
    return true;
  }
  ++counters_.retries_denied;
  return false;
}

void ConcurrencyRetryBudget::on_retry_end() {
  assert(active_retries_ > 0);
  --active_retries_;
}

// Envoy truncates budget_percent / 100 x active to an integer; so do we, in thousandths of a
// percent: floor(percent_milli x active / 100'000).
std::int64_t ConcurrencyRetryBudget::limit() const {
  const std::int64_t share = percent_milli_ * active_requests_ / 100'000;
  return std::max<std::int64_t>(config_.min_retry_concurrency, share);
}

}  // namespace faultline::resilience

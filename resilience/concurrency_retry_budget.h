// ConcurrencyRetryBudget (Envoy's retry_budget): a retry may start only while the retries in
// progress are fewer than max(min_retry_concurrency, budget_percent % of the requests in
// progress). Unlike RetryBudget (Finagle's token bucket over a time window) it has no memory:
// it bounds how much of the load *now* is retries, so it needs no clock.
//
//   ConcurrencyRetryBudget budget({.budget_percent = 20, .min_retry_concurrency = 3});
//   budget.on_request_start();  ...  budget.on_request_end();   // every attempt in flight
//   if (budget.try_retry()) schedule_retry();  ...  budget.on_retry_end();   // once per grant
//
// Integer arithmetic (percent in thousandths), O(1), no allocation. Single-threaded.
#pragma once

#include <cstdint>

namespace faultline::resilience {

struct ConcurrencyRetryBudgetConfig {
  double budget_percent = 20;     // Envoy's default: retries up to 20 % of active requests...
  int min_retry_concurrency = 3;  // ...but never fewer than 3 at once (Envoy's default)
};

class ConcurrencyRetryBudget {
 public:
  struct Counters {
    std::uint64_t requests = 0;  // on_request_start() calls
    std::uint64_t retries_allowed = 0;
    std::uint64_t retries_denied = 0;
  };

  explicit ConcurrencyRetryBudget(ConcurrencyRetryBudgetConfig config);

  // A request to the guarded dependency is in progress (first attempts and retries alike).
  void on_request_start();
  void on_request_end();
  // Returns true iff active_retries() < limit(); a granted retry stays active until
  // on_retry_end() (Envoy: from the retry decision, through its backoff, to its outcome).
  bool try_retry();
  void on_retry_end();

  // max(min_retry_concurrency, floor(budget_percent / 100 x active_requests())).
  std::int64_t limit() const;
  std::int64_t active_requests() const { return active_requests_; }
  std::int64_t active_retries() const { return active_retries_; }
  const Counters& counters() const { return counters_; }
  const ConcurrencyRetryBudgetConfig& config() const { return config_; }

 private:
  ConcurrencyRetryBudgetConfig config_;
  std::int64_t percent_milli_;  // budget_percent x 1000, so limit() is exact
  std::int64_t active_requests_ = 0;
  std::int64_t active_retries_ = 0;
  Counters counters_;
};

}  // namespace faultline::resilience

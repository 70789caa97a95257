// ConcurrencyRetryBudget (Envoy's retry_budget): a retry starts only while active retries are
// below max(min_retry_concurrency, floor(budget_percent % x active requests)).
#include "resilience/concurrency_retry_budget.h"

#include <gtest/gtest.h>

namespace faultline::resilience {
namespace {

void start_requests(ConcurrencyRetryBudget& b, int n) {
  for (int i = 0; i < n; ++i) b.on_request_start();
}

TEST(ConcurrencyRetryBudgetTest, MinRetryConcurrencyAllowsThatManyRetriesWhateverTheLoad) {
  ConcurrencyRetryBudget b({});  // Envoy's defaults: 20 %, at least 3
  EXPECT_EQ(b.limit(), 3);       // no request in progress: the floor
  EXPECT_TRUE(b.try_retry());
  EXPECT_TRUE(b.try_retry());
  EXPECT_TRUE(b.try_retry());
  EXPECT_FALSE(b.try_retry());  // 3 active retries reach the cap
  b.on_retry_end();
  EXPECT_TRUE(b.try_retry());  // one settled: one more may start
  EXPECT_EQ(b.counters().retries_allowed, 4u);
  EXPECT_EQ(b.counters().retries_denied, 1u);
  EXPECT_EQ(b.active_retries(), 3);
}

TEST(ConcurrencyRetryBudgetTest, TheShareOfActiveRequestsIsTruncatedAndCapsTheRetries) {
  ConcurrencyRetryBudget b({.budget_percent = 20, .min_retry_concurrency = 3});
  start_requests(b, 24);  // 20 % of 24 = 4.8: 4
  EXPECT_EQ(b.limit(), 4);
  for (int i = 0; i < 4; ++i) EXPECT_TRUE(b.try_retry());
  EXPECT_FALSE(b.try_retry());
  b.on_request_start();  // 25 requests: 5
  EXPECT_EQ(b.limit(), 5);
  EXPECT_TRUE(b.try_retry());
  EXPECT_FALSE(b.try_retry());
  for (int i = 0; i < 10; ++i) b.on_request_end();  // 15 requests: 3, the floor
  EXPECT_EQ(b.limit(), 3);
  EXPECT_FALSE(b.try_retry());  // 5 active retries stay; none may start until 2 settle
  EXPECT_EQ(b.counters().requests, 25u);
}

TEST(ConcurrencyRetryBudgetTest, FractionalPercentIsExactAndZeroFloorDeniesWhenIdle) {
  ConcurrencyRetryBudget b({.budget_percent = 12.5, .min_retry_concurrency = 0});
  EXPECT_FALSE(b.try_retry());  // nothing in progress, no floor
  start_requests(b, 39);        // 4.875: 4
  EXPECT_EQ(b.limit(), 4);
  b.on_request_start();  // 40 x 12.5 % = 5 exactly
  EXPECT_EQ(b.limit(), 5);
}

}  // namespace
}  // namespace faultline::resilience

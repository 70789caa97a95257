#include "resilience/rate_limiter.h"

#include <gtest/gtest.h>

#include "tests/resilience/manual_scheduler.h"

namespace faultline::resilience {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::ManualScheduler;

TEST(RateLimiterTest, BurstThenOneTokenPerTenthOfASecond) {
  ManualScheduler s;
  RateLimiter r(s, RateLimiterConfig{10, 5});
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(r.try_acquire()) << i;
  EXPECT_FALSE(r.try_acquire());
  EXPECT_EQ(r.available_milli(), 0);
  EXPECT_EQ(r.time_until(), milliseconds(100));
  s.advance_to(milliseconds(100) - Duration(1));
  EXPECT_EQ(r.available_milli(), 999);  // 0.99999999 tokens
  EXPECT_FALSE(r.try_acquire());
  s.advance_to(milliseconds(100));
  EXPECT_EQ(r.available_milli(), 1000);
  EXPECT_TRUE(r.try_acquire());
  EXPECT_FALSE(r.try_acquire());
  s.advance_to(milliseconds(350));  // 2.5 tokens
  EXPECT_EQ(r.available_milli(), 2500);
  EXPECT_TRUE(r.try_acquire(2));
  EXPECT_FALSE(r.try_acquire());
  EXPECT_EQ(r.time_until(), milliseconds(50));
  EXPECT_EQ(r.counters().allowed, 7u);
  EXPECT_EQ(r.counters().limited, 4u);
}

TEST(RateLimiterTest, FractionalRateAndLongIdleFillToTheBurstOnly) {
  ManualScheduler s;
  RateLimiter r(s, RateLimiterConfig{0.5, 2});
  EXPECT_TRUE(r.try_acquire(2));
  s.advance_to(seconds(2) - Duration(1));
  EXPECT_FALSE(r.try_acquire());
  s.advance_to(seconds(2));
  EXPECT_TRUE(r.try_acquire());
  s.advance_to(hours(24 * 365));  // a year idle: no overflow, just full
  EXPECT_EQ(r.available_milli(), 2000);
  EXPECT_FALSE(r.try_acquire(3));  // more than the bucket holds: never
  EXPECT_EQ(r.time_until(3), Duration::max());
}

}  // namespace
}  // namespace faultline::resilience

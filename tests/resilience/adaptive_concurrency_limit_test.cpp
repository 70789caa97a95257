#include "resilience/adaptive_concurrency_limit.h"

#include <gtest/gtest.h>

#include "tests/resilience/manual_scheduler.h"

namespace faultline::resilience {
namespace {

using std::chrono::milliseconds;
using testing::ManualScheduler;

AdaptiveLimitConfig config() {
  AdaptiveLimitConfig c;
  c.initial_limit = 10;
  c.min_limit = 2;
  c.max_limit = 12;
  c.backoff_ratio = 0.5;
  c.latency_threshold = milliseconds(500);
  return c;
}

TEST(AdaptiveConcurrencyLimitTest, GrowsByOnePerLimitSuccessesUnderLoadUpToMax) {
  ManualScheduler s;
  AdaptiveConcurrencyLimit a(s, config());
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(a.try_acquire());
  EXPECT_FALSE(a.try_acquire());
  // Keep it full: each success is replaced by a new call.
  auto success_and_refill = [&] {
    a.on_success(milliseconds(10));
    while (a.try_acquire()) {
    }
  };
  for (int i = 0; i < 9; ++i) success_and_refill();
  EXPECT_EQ(a.limit(), 10);
  success_and_refill();  // the 10th success
  EXPECT_EQ(a.limit(), 11);
  EXPECT_EQ(a.in_flight(), 11);
  for (int i = 0; i < 11; ++i) success_and_refill();
  EXPECT_EQ(a.limit(), 12);
  for (int i = 0; i < 50; ++i) success_and_refill();
  EXPECT_EQ(a.limit(), 12);
  EXPECT_EQ(a.counters().increases, 2u);
}

TEST(AdaptiveConcurrencyLimitTest, IdleSuccessesDoNotRaiseTheLimit) {
  ManualScheduler s;
  AdaptiveConcurrencyLimit a(s, config());
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(a.try_acquire());
    a.on_success(milliseconds(10));  // one call at a time: 1 x 2 < 10
  }
  EXPECT_EQ(a.limit(), 10);
}

TEST(AdaptiveConcurrencyLimitTest, DecreasesOncePerEpisodeDownToTheMinimum) {
  ManualScheduler s;
  AdaptiveConcurrencyLimit a(s, config());
  for (int i = 0; i < 6; ++i) ASSERT_TRUE(a.try_acquire());
  s.advance_to(milliseconds(1000));
  a.on_dropped(milliseconds(1000));  // started at 0: 10 -> 5
  EXPECT_EQ(a.limit(), 5);
  a.on_dropped(milliseconds(1000));  // also started at 0, before that decrease: ignored
  EXPECT_EQ(a.limit(), 5);
  s.advance_to(milliseconds(1200));
  a.on_dropped(milliseconds(100));  // started at 1100, after it: 5 -> 2
  EXPECT_EQ(a.limit(), 2);
  s.advance_to(milliseconds(1400));
  a.on_success(milliseconds(150));  // started at 1250, slow: a drop; floor(1) -> min 2
  EXPECT_EQ(a.limit(), 2);
  EXPECT_EQ(a.counters().decreases, 2u);
  EXPECT_EQ(a.in_flight(), 2);
  a.release();
  a.release();
  EXPECT_EQ(a.in_flight(), 0);
}

}  // namespace
}  // namespace faultline::resilience

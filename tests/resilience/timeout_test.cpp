#include "resilience/timeout.h"

#include <gtest/gtest.h>

#include "tests/resilience/manual_scheduler.h"

namespace faultline::resilience {
namespace {

using std::chrono::milliseconds;
using testing::ManualScheduler;

TEST(TimeoutTest, CompletionBeforeTheDeadlineWinsAndCancelsTheTimer) {
  ManualScheduler s;
  Timeout t(s);
  int timeouts = 0;
  t.arm(milliseconds(2000), [&] { ++timeouts; });
  s.advance_to(milliseconds(1999));
  EXPECT_TRUE(t.finish());
  EXPECT_FALSE(t.finish());  // exactly one delivery
  EXPECT_EQ(s.pending(), 0u);
  s.advance_to(milliseconds(5000));
  EXPECT_EQ(timeouts, 0);
  EXPECT_FALSE(t.timed_out());
}

TEST(TimeoutTest, TimeoutAtTheDeadlineWinsAndLateCompletionIsRefused) {
  ManualScheduler s;
  Timeout t(s);
  Instant fired_at{-1};
  t.arm(milliseconds(2000), [&] { fired_at = s.now(); });
  s.advance_to(milliseconds(2000) - Duration(1));
  EXPECT_EQ(fired_at, Instant{-1});
  s.advance_to(milliseconds(2000));
  EXPECT_EQ(fired_at, milliseconds(2000));
  EXPECT_TRUE(t.timed_out());
  EXPECT_FALSE(t.finish());
}

TEST(TimeoutTest, RearmingAndDestructionDeliverNothingFromTheOldRace) {
  ManualScheduler s;
  int first = 0;
  int second = 0;
  {
    Timeout t(s);
    t.arm(milliseconds(10), [&] { ++first; });
    t.arm(milliseconds(20), [&] { ++second; });
    s.advance_to(milliseconds(15));
    EXPECT_EQ(first, 0);
    EXPECT_EQ(s.pending(), 1u);
  }
  EXPECT_EQ(s.pending(), 0u);  // destroyed: disarmed
  s.advance_to(milliseconds(30));
  EXPECT_EQ(second, 0);
}

}  // namespace
}  // namespace faultline::resilience

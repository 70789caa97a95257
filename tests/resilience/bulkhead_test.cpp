#include "resilience/bulkhead.h"

#include <gtest/gtest.h>

#include <vector>

#include "tests/resilience/manual_scheduler.h"

namespace faultline::resilience {
namespace {

using std::chrono::milliseconds;
using testing::ManualScheduler;
using Decision = Bulkhead::Decision;

BulkheadConfig config(int concurrent, int queue, std::optional<Duration> max_wait) {
  BulkheadConfig c;
  c.max_concurrent = concurrent;
  c.max_queue = queue;
  c.max_wait = max_wait;
  return c;
}

TEST(BulkheadTest, AdmitsUpToTheLimitQueuesThenRejects) {
  ManualScheduler s;
  Bulkhead b(s, config(2, 1, milliseconds(100)));
  std::vector<std::pair<Instant, bool>> c_result;
  EXPECT_EQ(b.acquire([](bool) {}).decision, Decision::kAdmitted);
  EXPECT_EQ(b.acquire([](bool) {}).decision, Decision::kAdmitted);
  EXPECT_EQ(b.acquire([&](bool ok) { c_result.emplace_back(s.now(), ok); }).decision,
            Decision::kQueued);
  EXPECT_EQ(b.acquire([](bool) {}).decision, Decision::kRejected);
  EXPECT_FALSE(b.try_acquire());  // someone waits: no jumping the queue
  s.advance_to(milliseconds(50));
  b.release();  // the waiter gets the slot now
  ASSERT_EQ(c_result.size(), 1u);
  EXPECT_EQ(c_result[0], std::make_pair(Instant{milliseconds(50)}, true));
  EXPECT_EQ(b.in_use(), 2);
  EXPECT_EQ(b.queued(), 0);
  EXPECT_EQ(b.counters().admitted, 3u);
  EXPECT_EQ(b.counters().rejected, 2u);
}

TEST(BulkheadTest, AWaiterLeavesExactlyAtMaxWait) {
  ManualScheduler s;
  Bulkhead b(s, config(1, 2, milliseconds(100)));
  ASSERT_TRUE(b.try_acquire());
  s.advance_to(milliseconds(60));
  Instant turned_away_at{-1};
  ASSERT_EQ(b.acquire([&](bool ok) {
               if (!ok) turned_away_at = s.now();
             }).decision,
            Decision::kQueued);
  s.advance_to(milliseconds(160) - Duration(1));
  EXPECT_EQ(turned_away_at, Instant{-1});
  s.advance_to(milliseconds(160));
  EXPECT_EQ(turned_away_at, milliseconds(160));
  EXPECT_EQ(b.counters().wait_timeouts, 1u);
  EXPECT_EQ(b.queued(), 0);
  b.release();
  EXPECT_EQ(b.in_use(), 0);
}

// A slot freed at the very instant a waiter's max wait expires: same-instant events run in
// scheduling order, so the release (scheduled before the waiter queued) hands it the slot and
// its wait timer never fires; a release scheduled after the timer finds the queue empty.
TEST(BulkheadTest, ASlotFreedAtTheMaxWaitInstantGoesToTheWaiterOnlyIfItsEventRunsFirst) {
  for (const bool release_first : {true, false}) {
    ManualScheduler s;
    Bulkhead b(s, config(1, 1, milliseconds(100)));
    ASSERT_TRUE(b.try_acquire());
    if (release_first) s.schedule_after(milliseconds(100), [&] { b.release(); });
    std::vector<std::pair<Instant, bool>> got;
    ASSERT_EQ(b.acquire([&](bool ok) { got.emplace_back(s.now(), ok); }).decision,
              Decision::kQueued);
    if (!release_first) s.schedule_after(milliseconds(100), [&] { b.release(); });
    s.advance_to(milliseconds(100));
    ASSERT_EQ(got.size(), 1u) << release_first;
    EXPECT_EQ(got[0], std::make_pair(Instant{milliseconds(100)}, release_first));
    EXPECT_EQ(b.counters().wait_timeouts, release_first ? 0u : 1u);
    EXPECT_EQ(b.in_use(), release_first ? 1 : 0);
    EXPECT_EQ(s.pending(), 0u);
  }
}

TEST(BulkheadTest, QueueIsFifoAndCancelledWaitersAreSkipped) {
  ManualScheduler s;
  Bulkhead b(s, config(1, 3, std::nullopt));
  ASSERT_TRUE(b.try_acquire());
  std::vector<int> order;
  b.acquire([&](bool) { order.push_back(1); });
  const auto second = b.acquire([&](bool) { order.push_back(2); });
  b.acquire([&](bool) { order.push_back(3); });
  EXPECT_TRUE(b.cancel(second.wait));
  EXPECT_FALSE(b.cancel(second.wait));
  // The cancelled slot is reused by a new waiter; it must come last, not in 2's place.
  b.acquire([&](bool) { order.push_back(4); });
  for (int i = 0; i < 3; ++i) b.release();
  EXPECT_EQ(order, (std::vector<int>{1, 3, 4}));
  EXPECT_EQ(b.counters().cancelled, 1u);
  EXPECT_EQ(s.pending(), 0u);
}

TEST(BulkheadTest, WithoutAQueueAFullBulkheadRejectsAtOnce) {
  ManualScheduler s;
  Bulkhead b(s, config(1, 0, std::nullopt));
  EXPECT_TRUE(b.try_acquire());
  EXPECT_EQ(b.acquire([](bool) {}).decision, Decision::kRejected);
  b.release();
  EXPECT_TRUE(b.try_acquire());
}

}  // namespace
}  // namespace faultline::resilience

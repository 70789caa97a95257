// DeadlineLane: expiries at exactly push + delay, in push order, skipping tokens that stopped
// waiting, behind one timer at a time.
#include "sim/deadline_lane.h"

#include <set>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

namespace faultline::sim {
namespace {

using std::chrono::milliseconds;

struct Waiters {
  EventLoop* loop = nullptr;
  std::set<std::uint64_t> waiting;
  std::vector<std::pair<std::uint64_t, Instant>> expired;
  DeadlineLane* lane = nullptr;
  bool push_on_expiry = false;

  static bool live(void* self, std::uint64_t t) { return static_cast<Waiters*>(self)->waiting.count(t) > 0; }
  static void expire(void* self, std::uint64_t t) {
    auto& w = *static_cast<Waiters*>(self);
    w.waiting.erase(t);
    w.expired.emplace_back(t, w.loop->now());
    if (w.push_on_expiry) {
      w.waiting.insert(t + 100);
      w.lane->push(t + 100);
    }
  }
};

class DeadlineLaneTest : public ::testing::Test {
 protected:
  DeadlineLaneTest() : lane_(loop_, milliseconds(1000), {&w_, &Waiters::live, &Waiters::expire}) {
    w_.loop = &loop_;
    w_.lane = &lane_;
  }
  void push_at(Instant t, std::uint64_t token) {
    loop_.schedule_at(t, [this, token] {
      w_.waiting.insert(token);
      lane_.push(token);
    });
  }
  EventLoop loop_;
  Waiters w_;
  DeadlineLane lane_;
};

TEST_F(DeadlineLaneTest, ExpiresEachAtExactlyPushPlusDelayInOrder) {
  push_at(Instant(milliseconds(0)), 1);
  push_at(Instant(milliseconds(0)), 2);  // same instant: after 1
  push_at(Instant(milliseconds(250)), 3);
  loop_.run();
  EXPECT_EQ(w_.expired, (std::vector<std::pair<std::uint64_t, Instant>>{
                            {1, Instant(milliseconds(1000))}, {2, Instant(milliseconds(1000))}, {3, Instant(milliseconds(1250))}}));
  EXPECT_EQ(lane_.size(), 0u);
}

TEST_F(DeadlineLaneTest, ATokenThatStoppedWaitingNeverExpiresAndCostsNoEvent) {
  push_at(Instant(milliseconds(0)), 1);
  push_at(Instant(milliseconds(100)), 2);
  push_at(Instant(milliseconds(200)), 3);
  loop_.schedule_at(Instant(milliseconds(50)), [this] { w_.waiting.erase(1); });
  loop_.schedule_at(Instant(milliseconds(150)), [this] { w_.waiting.erase(2); });
  loop_.run_until(Instant(milliseconds(300)));
  EXPECT_EQ(loop_.pending(), 1u) << "one timer for the whole lane";
  loop_.run();
  EXPECT_EQ(w_.expired, (std::vector<std::pair<std::uint64_t, Instant>>{{3, Instant(milliseconds(1200))}}));
  // The timer armed for token 1 fired at 1 s, dropped 1 and 2, and was re-armed for 3 only.
  EXPECT_EQ(loop_.events_processed(), 3u + 2u + 2u);  // 3 pushes, 2 erases, 2 timer events
}

TEST_F(DeadlineLaneTest, APushDuringAnExpiryGetsAWholeDelay) {
  w_.push_on_expiry = true;
  push_at(Instant(milliseconds(0)), 1);
  loop_.run_until(Instant(milliseconds(3500)));
  EXPECT_EQ(w_.expired, (std::vector<std::pair<std::uint64_t, Instant>>{
                            {1, Instant(milliseconds(1000))}, {101, Instant(milliseconds(2000))}, {201, Instant(milliseconds(3000))}}));
}

TEST_F(DeadlineLaneTest, NothingWaitingMeansNoTimer) {
  push_at(Instant(milliseconds(0)), 1);
  loop_.schedule_at(Instant(milliseconds(10)), [this] { w_.waiting.erase(1); });
  loop_.run();
  EXPECT_TRUE(w_.expired.empty());
  EXPECT_EQ(loop_.pending(), 0u);
}

}  // namespace
}  // namespace faultline::sim

#include "resilience/asio_scheduler.h"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "resilience/circuit_breaker.h"

namespace faultline::resilience {
namespace {

using std::chrono::milliseconds;
using State = BreakerState;

TEST(AsioSchedulerTest, RunsTimersInOrderAndCancelledOnesNever) {
  boost::asio::io_context io;
  AsioScheduler s(io);
  std::vector<int> order;
  std::vector<Instant> at;
  s.schedule_after(milliseconds(20), [&] {
    order.push_back(3);
    at.push_back(s.now());
  });
  s.schedule_after(milliseconds(5), [&] {
    order.push_back(1);
    at.push_back(s.now());
  });
  const TimerId dropped = s.schedule_after(milliseconds(10), [&] { order.push_back(99); });
  s.schedule_after(milliseconds(5), [&] {
    order.push_back(2);
    at.push_back(s.now());
  });
  EXPECT_TRUE(s.cancel(dropped));
  EXPECT_FALSE(s.cancel(dropped));
  io.run();  // returns when no timer is left
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3}));
  EXPECT_GE(at[0], milliseconds(5));
  EXPECT_GE(at[2], milliseconds(20));
  EXPECT_LE(at[0], at[1]);
  EXPECT_EQ(s.pending(), 0u);
}

// The outage scenario in real time: threshold 5, recovery 50 ms, a call every 2 ms, the
// dependency down from 20 ms to 200 ms. Exact instants depend on the machine, so the test
// checks the order of transitions and lower bounds, with generous upper slack.
TEST(AsioSchedulerTest, BreakerOutageScenarioInRealTime) {
  boost::asio::io_context io;
  AsioScheduler s(io);
  CircuitBreakerConfig c;
  c.failure_threshold = 5;
  c.recovery_timeout = milliseconds(50);
  CircuitBreaker breaker(s, c);
  struct Seen {
    Instant at;
    State from;
    State to;
    std::string reason;
  };
  std::vector<Seen> seen;
  breaker.add_listener([&](const Transition& t) {
    seen.push_back({t.at, t.from, t.to, t.reason});
  });
  int calls_while_open = 0;
  const Instant outage_start = milliseconds(20);
  const Instant outage_end = milliseconds(200);
  const Instant stop = milliseconds(320);

  std::function<void()> tick = [&] {
    if (s.now() >= stop) return;
    if (breaker.try_acquire()) {
      if (breaker.state() == State::kOpen) ++calls_while_open;
      const Instant now = s.now();
      const auto epoch = breaker.epoch();
      if (now >= outage_start && now < outage_end) {
        breaker.on_failure(Duration::zero(), epoch);
      } else {
        breaker.on_success(Duration::zero(), epoch);
      }
    }
    s.schedule_after(milliseconds(2), [&tick] { tick(); });
  };
  s.schedule_after(Duration::zero(), [&tick] { tick(); });
  const auto wall_start = std::chrono::steady_clock::now();
  io.run();
  EXPECT_LT(std::chrono::steady_clock::now() - wall_start, std::chrono::seconds(1));

  ASSERT_GE(seen.size(), 5u);
  EXPECT_EQ(seen[0].to, State::kOpen);
  EXPECT_EQ(seen[0].reason, "5 consecutive failures");
  EXPECT_GE(seen[0].at, outage_start);
  // OPEN -> HALF_OPEN -> (OPEN again while the outage lasts | CLOSED after it).
  Instant opened = seen[0].at;
  for (std::size_t i = 1; i + 1 < seen.size(); i += 2) {
    SCOPED_TRACE(i);
    EXPECT_EQ(seen[i].from, State::kOpen);
    EXPECT_EQ(seen[i].to, State::kHalfOpen);
    EXPECT_GE(seen[i].at, opened + milliseconds(50));  // never before the recovery timeout
    EXPECT_LT(seen[i].at, opened + milliseconds(50) + milliseconds(200));
    EXPECT_LT(seen[i + 1].at - seen[i].at, milliseconds(5));  // the trial answers at once
    if (seen[i + 1].to == State::kOpen) {
      EXPECT_LT(seen[i + 1].at, outage_end);
      opened = seen[i + 1].at;
    } else {
      EXPECT_GE(seen[i + 1].at, outage_end);
      EXPECT_EQ(seen[i + 1].reason, "trial call succeeded");
      EXPECT_EQ(i + 2, seen.size());  // closed for good
    }
  }
  EXPECT_EQ(seen.back().to, State::kClosed);
  EXPECT_EQ(calls_while_open, 0);
  EXPECT_EQ(breaker.counters().admitted_while_open, 0u);
}

TEST(AsioSchedulerTest, AutomaticTransitionFiresOnTheAsioTimer) {
  boost::asio::io_context io;
  AsioScheduler s(io);
  CircuitBreakerConfig c;
  c.failure_threshold = 1;
  c.recovery_timeout = milliseconds(30);
  c.automatic_transition = true;
  CircuitBreaker breaker(s, c);
  Instant half_open_at{-1};
  breaker.add_listener([&](const Transition& t) {
    if (t.to == State::kHalfOpen) half_open_at = t.at;
  });
  ASSERT_TRUE(breaker.try_acquire());
  breaker.on_failure(Duration::zero());
  const Instant opened = breaker.opened_at();
  io.run();
  EXPECT_GE(half_open_at, opened + milliseconds(30));
  EXPECT_LT(half_open_at, opened + milliseconds(500));
}

}  // namespace
}  // namespace faultline::resilience

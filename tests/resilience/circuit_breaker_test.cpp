#include "resilience/circuit_breaker.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/resilience/manual_scheduler.h"

namespace faultline::resilience {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::ManualScheduler;
using State = BreakerState;

struct Recorded {
  Instant at;
  State from;
  State to;
  std::string reason;
};

std::vector<Recorded>* record(CircuitBreaker& b, std::vector<Recorded>& out) {
  b.add_listener([&out](const Transition& t) { out.push_back({t.at, t.from, t.to, t.reason}); });
  return &out;
}

// One admitted call that answers at once, tagged with its epoch.
void call_fails(CircuitBreaker& b) {
  ASSERT_TRUE(b.try_acquire());
  b.on_failure(Duration::zero(), b.epoch());
}
void call_succeeds(CircuitBreaker& b, Duration elapsed = Duration::zero()) {
  ASSERT_TRUE(b.try_acquire());
  b.on_success(elapsed, b.epoch());
}

// The guide's outage: threshold 5, recovery 30 s, the dependency down from 60 s to 120 s, one
// call every 20 ms (50 rps), each answered at once.
class OutageScenario : public ::testing::Test {
 protected:
  static constexpr Duration kPeriod = milliseconds(20);
  static constexpr Instant kOutageStart = seconds(60);
  static constexpr Instant kOutageEnd = seconds(120);

  OutageScenario() : breaker_(scheduler_, config()) {
    record(breaker_, transitions_);
    schedule_next_call();
  }

  static CircuitBreakerConfig config() {
    CircuitBreakerConfig c;
    c.failure_threshold = 5;
    c.recovery_timeout = seconds(30);
    return c;
  }

  void schedule_next_call() {
    scheduler_.schedule_after(kPeriod, [this] {
      call();
      schedule_next_call();
    });
  }

  void call() {
    if (!breaker_.try_acquire()) return;
    ++dependency_calls_;
    if (breaker_.state() == State::kOpen) ++calls_while_open_;
    const Instant now = scheduler_.now();
    if (now >= kOutageStart && now < kOutageEnd) {
      breaker_.on_failure(Duration::zero(), breaker_.epoch());
    } else {
      breaker_.on_success(Duration::zero(), breaker_.epoch());
    }
  }

  ManualScheduler scheduler_;
  CircuitBreaker breaker_;
  std::vector<Recorded> transitions_;
  int dependency_calls_ = 0;
  int calls_while_open_ = 0;
};

TEST_F(OutageScenario, OpensAtFifthFailureProbesEveryRecoveryAndClosesAfterTheOutage) {
  // Calls at 60.000 .. 60.080 s fail; the 5th failure opens the breaker at that instant.
  scheduler_.advance_to(milliseconds(60079));
  EXPECT_EQ(breaker_.state(), State::kClosed);
  EXPECT_EQ(breaker_.consecutive_failures(), 4);
  scheduler_.advance_to(milliseconds(60080));
  ASSERT_EQ(transitions_.size(), 1u);
  EXPECT_EQ(transitions_[0].at, milliseconds(60080));
  EXPECT_EQ(transitions_[0].to, State::kOpen);
  EXPECT_EQ(transitions_[0].reason, "5 consecutive failures");
  EXPECT_EQ(breaker_.health_status(), HealthStatus::kUnhealthy);

  // Both sides of the recovery timeout: still OPEN 1 ms before, HALF_OPEN (as a query) at it.
  scheduler_.advance_to(milliseconds(90079));
  EXPECT_EQ(breaker_.state(), State::kOpen);
  const std::uint64_t rejected_before = breaker_.counters().rejected;
  EXPECT_EQ(rejected_before, 1499u);  // every call from 60.100 to 90.060 s
  scheduler_.advance_to(milliseconds(90080) - Duration(1));
  EXPECT_EQ(breaker_.state(), State::kOpen);

  // The call at 90.080 finds it HALF_OPEN; its trial fails: OPEN again, same instant.
  scheduler_.advance_to(milliseconds(90080));
  ASSERT_EQ(transitions_.size(), 3u);
  EXPECT_EQ(transitions_[1].at, milliseconds(90080));
  EXPECT_EQ(transitions_[1].to, State::kHalfOpen);
  EXPECT_EQ(transitions_[1].reason, "recovery timeout elapsed");
  EXPECT_EQ(transitions_[2].at, milliseconds(90080));
  EXPECT_EQ(transitions_[2].to, State::kOpen);
  EXPECT_EQ(transitions_[2].reason, "trial call failed");

  // The next trial (120.080 s) is after the outage: it succeeds and closes the breaker.
  scheduler_.advance_to(milliseconds(120079));
  EXPECT_EQ(breaker_.state(), State::kOpen);
  scheduler_.advance_to(milliseconds(120080));
  ASSERT_EQ(transitions_.size(), 5u);
  EXPECT_EQ(transitions_[3].to, State::kHalfOpen);
  EXPECT_EQ(transitions_[4].at, milliseconds(120080));
  EXPECT_EQ(transitions_[4].from, State::kHalfOpen);
  EXPECT_EQ(transitions_[4].to, State::kClosed);
  EXPECT_EQ(transitions_[4].reason, "trial call succeeded");
  EXPECT_EQ(breaker_.failure_count(), 0);  // the window restarts when it closes
  EXPECT_EQ(breaker_.health_status(), HealthStatus::kHealthy);

  scheduler_.advance_to(seconds(180));
  EXPECT_EQ(transitions_.size(), 5u);
  EXPECT_EQ(calls_while_open_, 0);
  EXPECT_EQ(breaker_.counters().admitted_while_open, 0u);
  // 9000 calls in 180 s; from 60.100 to 120.060 s only the trial at 90.080 s got through.
  EXPECT_EQ(breaker_.counters().rejected, 2998u);
  EXPECT_EQ(dependency_calls_, 9000 - 2998);
  EXPECT_EQ(breaker_.counters().failures, 6u);
}

TEST(CircuitBreakerTest, AutomaticTransitionMovesToHalfOpenExactlyAtRecoveryWithoutCalls) {
  ManualScheduler s;
  CircuitBreakerConfig c;
  c.failure_threshold = 2;
  c.recovery_timeout = seconds(30);
  c.automatic_transition = true;
  CircuitBreaker b(s, c);
  std::vector<Recorded> t;
  record(b, t);
  s.advance_to(seconds(5));
  call_fails(b);
  call_fails(b);
  ASSERT_EQ(t.size(), 1u);
  s.advance_to(seconds(35) - Duration(1));
  EXPECT_EQ(t.size(), 1u);
  s.advance_to(seconds(35));
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t[1].at, seconds(35));
  EXPECT_EQ(t[1].to, State::kHalfOpen);
  EXPECT_EQ(s.pending(), 0u);
  // A success closes it; no timer is left behind.
  ASSERT_TRUE(b.try_acquire());
  EXPECT_FALSE(b.try_acquire());  // one trial permit
  b.on_success(milliseconds(3));
  EXPECT_EQ(b.state(), State::kClosed);
  EXPECT_EQ(s.pending(), 0u);
}

// Lazy recovery (no timer): a call 1 ns before opened_at + recovery_timeout is rejected and
// changes nothing; the call at exactly that instant is admitted as the trial and records the
// transition at its own instant. (gobreaker and resilience4j are still OPEN at that instant.)
TEST(CircuitBreakerTest, ACallExactlyAtRecoveryIsTheTrialOneNanosecondBeforeIsRejected) {
  ManualScheduler s;
  CircuitBreakerConfig c;
  c.failure_threshold = 1;
  c.recovery_timeout = seconds(30);
  CircuitBreaker b(s, c);
  std::vector<Recorded> t;
  record(b, t);
  s.advance_to(seconds(5));
  call_fails(b);
  ASSERT_EQ(b.opened_at(), seconds(5));
  s.advance_to(seconds(35) - Duration(1));
  EXPECT_FALSE(b.try_acquire());
  EXPECT_EQ(t.size(), 1u);
  s.advance_to(seconds(35));
  EXPECT_TRUE(b.try_acquire());
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t[1].at, seconds(35));
  EXPECT_EQ(t[1].to, State::kHalfOpen);
  EXPECT_FALSE(b.try_acquire());  // one trial permit (half_open_max_calls = 1)
  EXPECT_EQ(b.counters().rejected, 2u);
}

TEST(CircuitBreakerTest, HalfOpenNeedsEveryTrialToSucceedAndReleaseFreesAPermit) {
  ManualScheduler s;
  CircuitBreakerConfig c;
  c.failure_threshold = 1;
  c.recovery_timeout = seconds(10);
  c.half_open_max_calls = 3;
  CircuitBreaker b(s, c);
  std::vector<Recorded> t;
  record(b, t);
  call_fails(b);
  s.advance_to(seconds(10));
  ASSERT_TRUE(b.try_acquire());
  const auto e = b.epoch();
  ASSERT_TRUE(b.try_acquire());
  ASSERT_TRUE(b.try_acquire());
  EXPECT_FALSE(b.try_acquire());
  b.release(e);  // a cancelled trial gives its permit back
  ASSERT_TRUE(b.try_acquire());
  b.on_success(Duration::zero(), e);
  b.on_success(Duration::zero(), e);
  EXPECT_EQ(b.state(), State::kHalfOpen);
  b.on_success(Duration::zero(), e);
  EXPECT_EQ(b.state(), State::kClosed);
  EXPECT_EQ(t.back().reason, "3 trial calls succeeded");
}

TEST(CircuitBreakerTest, LateOutcomesOfCallsAdmittedBeforeATransitionDoNotChangeState) {
  ManualScheduler s;
  CircuitBreakerConfig c;
  c.failure_threshold = 2;
  c.recovery_timeout = seconds(10);
  CircuitBreaker b(s, c);
  ASSERT_TRUE(b.try_acquire());
  const auto slow_call = b.epoch();  // admitted while CLOSED, answers much later
  call_fails(b);
  call_fails(b);
  ASSERT_EQ(b.state(), State::kOpen);

  // Arriving while OPEN: counted, ignored for state.
  s.advance_to(seconds(1));
  b.on_success(seconds(1), slow_call);
  EXPECT_EQ(b.state(), State::kOpen);
  EXPECT_EQ(b.counters().stale_outcomes, 1u);

  // Arriving while HALF_OPEN with a trial in flight: not taken for the trial's outcome.
  s.advance_to(seconds(10));
  ASSERT_TRUE(b.try_acquire());
  const auto trial = b.epoch();
  b.on_success(seconds(10), slow_call);
  EXPECT_EQ(b.state(), State::kHalfOpen);
  EXPECT_FALSE(b.try_acquire());  // the trial permit is still taken
  b.on_failure(Duration::zero(), trial);
  EXPECT_EQ(b.state(), State::kOpen);
  EXPECT_EQ(b.counters().stale_outcomes, 2u);
  EXPECT_EQ(b.counters().successes, 2u);
}

TEST(CircuitBreakerTest, SlowSuccessCountsAsFailure) {
  ManualScheduler s;
  CircuitBreakerConfig c;
  c.failure_threshold = 2;
  c.slow_call_threshold = milliseconds(500);
  CircuitBreaker b(s, c);
  call_succeeds(b, milliseconds(500));  // at the threshold: fast enough
  call_succeeds(b, milliseconds(501));
  call_succeeds(b, milliseconds(900));
  EXPECT_EQ(b.state(), State::kOpen);
  EXPECT_EQ(b.counters().slow_calls, 2u);
  EXPECT_EQ(b.counters().successes, 1u);
  EXPECT_EQ(b.counters().failures, 2u);
}

// Failure-rate rule: threshold rule off, 10 %, minimum 20 calls, 10 s window.
struct RateCase {
  const char* name;
  std::string outcomes;  // one char per call, 1 ms apart: 'S' success, 'F' failure
  int minimum_calls;
  int opens_at_call;  // 1-based; 0: stays CLOSED
  const char* reason;
};

class FailureRateTest : public ::testing::TestWithParam<RateCase> {};

TEST_P(FailureRateTest, OpensOnlyAboveTheRateWithEnoughCalls) {
  const RateCase& rc = GetParam();
  ManualScheduler s;
  CircuitBreakerConfig c;
  c.failure_threshold = 0;
  c.expected_failure_rate = 10;
  c.minimum_calls = rc.minimum_calls;
  c.monitoring_window = seconds(10);
  c.window_buckets = 10;
  CircuitBreaker b(s, c);
  std::vector<Recorded> t;
  record(b, t);
  int opened_at_call = 0;
  for (std::size_t i = 0; i < rc.outcomes.size(); ++i) {
    s.advance_by(milliseconds(1));
    if (!b.try_acquire()) break;
    if (rc.outcomes[i] == 'F') {
      b.on_failure(Duration::zero());
    } else {
      b.on_success(Duration::zero());
    }
    if (opened_at_call == 0 && b.state() == State::kOpen) opened_at_call = static_cast<int>(i) + 1;
  }
  EXPECT_EQ(opened_at_call, rc.opens_at_call);
  if (rc.opens_at_call != 0) {
    ASSERT_EQ(t.size(), 1u);
    EXPECT_EQ(t[0].reason, rc.reason);
    EXPECT_EQ(t[0].at, milliseconds(rc.opens_at_call));
  }
}

INSTANTIATE_TEST_SUITE_P(
    Edges, FailureRateTest,
    ::testing::Values(RateCase{"below_minimum", std::string(16, 'S') + "FFF", 20, 0, ""},
                      RateCase{"exactly_the_rate", std::string(18, 'S') + "FF", 20, 0, ""},
                      RateCase{"above_at_minimum", std::string(17, 'S') + "FFF", 20, 20,
                               "failure rate 15% > 10% over 20 calls"},
                      RateCase{"success_completes_minimum", std::string(16, 'S') + "FFFS", 20, 20,
                               "failure rate 15% > 10% over 20 calls"},
                      RateCase{"diluted_by_earlier_successes", std::string(36, 'S') + "FFFFF", 20,
                               41, "failure rate 12.2% > 10% over 41 calls"},
                      RateCase{"minimum_one", "F", 1, 1, "failure rate 100% > 10% over 1 calls"}),
    [](const auto& info) { return std::string(info.param.name); });

// The porting note of docs/resilience.md: resilience4j and Polly open at a rate >= T; a
// threshold just below T opens here at the same call (2 failures of 20 for T = 10 %).
TEST(CircuitBreakerTest, ARateJustBelowTheThresholdOpensWhereAtLeastWouldHave) {
  ManualScheduler s;
  CircuitBreakerConfig c;
  c.failure_threshold = 0;
  c.expected_failure_rate = 9.99;
  c.minimum_calls = 20;
  CircuitBreaker b(s, c);
  std::vector<Recorded> t;
  record(b, t);
  for (int i = 0; i < 18; ++i) call_succeeds(b);
  call_fails(b);
  EXPECT_EQ(b.state(), State::kClosed);
  call_fails(b);
  EXPECT_EQ(b.state(), State::kOpen);
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].reason, "failure rate 10% > 9.99% over 20 calls");
}

// The rate rule with rate_comparison kAtLeast (resilience4j, Polly, Envoy): threshold rule off,
// 10 %, minimum 20 calls.
CircuitBreakerConfig at_least(double rate, int minimum_calls) {
  CircuitBreakerConfig c;
  c.failure_threshold = 0;
  c.expected_failure_rate = rate;
  c.minimum_calls = minimum_calls;
  c.rate_comparison = RateComparison::kAtLeast;
  return c;
}

// 2 failures of 20 at 10 % open at the 20th call (kAbove needs a 3rd: FailureRateTest).
TEST(CircuitBreakerTest, AtLeastOpensAtExactlyTheRate) {
  ManualScheduler s;
  CircuitBreaker b(s, at_least(10, 20));
  std::vector<Recorded> t;
  record(b, t);
  for (int i = 0; i < 18; ++i) call_succeeds(b);
  call_fails(b);
  EXPECT_EQ(b.state(), State::kClosed);  // 1 of 19, and under minimum_calls
  call_fails(b);
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].reason, "failure rate 10% >= 10% over 20 calls");
}

// Health is degraded from exactly half the rate with kAtLeast, strictly above it with kAbove.
TEST(CircuitBreakerTest, AtLeastIsDegradedFromExactlyHalfTheRate) {
  ManualScheduler s;
  CircuitBreakerConfig c = at_least(10, 100);
  CircuitBreaker b(s, c);
  c.rate_comparison = RateComparison::kAbove;
  CircuitBreaker above(s, c);
  for (CircuitBreaker* x : {&b, &above}) {
    for (int i = 0; i < 19; ++i) call_succeeds(*x);
    call_fails(*x);  // 1 of 20: 5 %
  }
  EXPECT_EQ(b.health_status(), HealthStatus::kDegraded);
  EXPECT_EQ(above.health_status(), HealthStatus::kHealthy);
}

// At 100 %, kAtLeast opens only when every call in the window failed; kAbove never opens.
TEST(CircuitBreakerTest, AtLeastAHundredPercentOpensOnAWindowOfFailuresOnly) {
  ManualScheduler s;
  CircuitBreakerConfig c = at_least(100, 3);
  CircuitBreaker b(s, c);
  call_fails(b);
  call_succeeds(b);
  call_fails(b);
  call_fails(b);
  EXPECT_EQ(b.state(), State::kClosed);  // 3 of 4
  CircuitBreaker all(s, c);
  call_fails(all);
  call_fails(all);
  EXPECT_EQ(all.state(), State::kClosed);  // under minimum_calls
  call_fails(all);
  EXPECT_EQ(all.state(), State::kOpen);  // 3 of 3
  c.rate_comparison = RateComparison::kAbove;
  CircuitBreaker never(s, c);
  for (int i = 0; i < 5; ++i) call_fails(never);
  EXPECT_EQ(never.state(), State::kClosed);
  EXPECT_EQ(never.health_status(), HealthStatus::kHealthy);  // both rules off
}

TEST(CircuitBreakerTest, FailuresOlderThanTheWindowDoNotCount) {
  ManualScheduler s;
  CircuitBreakerConfig c;
  c.failure_threshold = 0;
  c.minimum_calls = 5;
  c.monitoring_window = seconds(10);
  c.window_buckets = 10;
  CircuitBreaker b(s, c);
  for (int i = 0; i < 3; ++i) {  // 3 failures of 4 calls: under minimum_calls
    call_fails(b);
  }
  call_succeeds(b);
  EXPECT_EQ(b.failure_count(), 3);
  EXPECT_EQ(b.health_status(), HealthStatus::kDegraded);
  s.advance_to(seconds(10));  // bucket 0 leaves the window
  EXPECT_EQ(b.failure_count(), 0);
  call_succeeds(b);
  EXPECT_EQ(b.state(), State::kClosed);
  EXPECT_EQ(b.calls_in_window(), 1);
  EXPECT_EQ(b.health_status(), HealthStatus::kHealthy);
}

TEST(CircuitBreakerTest, HealthIsDegradedFromHalfTheConsecutiveThreshold) {
  ManualScheduler s;
  CircuitBreakerConfig c;
  c.failure_threshold = 6;
  c.expected_failure_rate = 100;  // rate rule off: only the consecutive half counts here
  CircuitBreaker b(s, c);
  for (int i = 0; i < 2; ++i) {
    call_fails(b);
  }
  EXPECT_EQ(b.health_status(), HealthStatus::kHealthy);
  call_fails(b);
  EXPECT_EQ(b.health_status(), HealthStatus::kDegraded);
}

TEST(CircuitBreakerTest, ForceOpenHoldsUntilResetAndNamesTheReasons) {
  ManualScheduler s;
  CircuitBreakerConfig c;
  c.recovery_timeout = seconds(1);
  c.automatic_transition = true;
  CircuitBreaker b(s, c);
  std::vector<Recorded> t;
  record(b, t);
  b.force_open();
  EXPECT_EQ(s.pending(), 0u);  // no recovery timer for a forced breaker
  s.advance_to(seconds(100));
  EXPECT_EQ(b.state(), State::kOpen);
  EXPECT_FALSE(b.try_acquire());
  b.reset();
  EXPECT_EQ(b.state(), State::kClosed);
  EXPECT_TRUE(b.try_acquire());
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t[0].reason, "forced open");
  EXPECT_EQ(t[1].reason, "reset");
  EXPECT_EQ(t[1].at, seconds(100));
}

TEST(CircuitBreakerTest, StateNames) {
  EXPECT_STREQ(to_string(State::kClosed), "CLOSED");
  EXPECT_STREQ(to_string(State::kOpen), "OPEN");
  EXPECT_STREQ(to_string(State::kHalfOpen), "HALF_OPEN");
  EXPECT_STREQ(to_string(HealthStatus::kDegraded), "degraded");
}

}  // namespace
}  // namespace faultline::resilience

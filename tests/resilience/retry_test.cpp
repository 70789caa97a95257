#include "resilience/retry.h"

#include <gtest/gtest.h>

#include <vector>

#include "tests/resilience/manual_scheduler.h"

namespace faultline::resilience {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::ManualScheduler;

RetryPolicy policy(Backoff backoff, Jitter jitter, int max_attempts = 6) {
  RetryPolicy p;
  p.max_attempts = max_attempts;
  p.backoff = backoff;
  p.base = milliseconds(100);
  p.max = milliseconds(1000);
  p.jitter = jitter;
  return p;
}

struct BackoffCase {
  const char* name;
  Backoff backoff;
  Jitter jitter;
  std::vector<Duration> expected;  // after attempts 1, 2, ...
};

class BackoffTest : public ::testing::TestWithParam<BackoffCase> {};

// The draws are scripted; each case feeds the previous wait back, as a caller does.
TEST_P(BackoffTest, SequenceMatchesTheDefinition) {
  const BackoffCase& c = GetParam();
  const std::vector<double> draws = {0.5, 0.25, 0.75, 0.9, 0.5, 0.0};
  const RetryPolicy p = policy(c.backoff, c.jitter);
  Duration previous{};
  std::vector<Duration> got;
  for (std::size_t i = 0; i < c.expected.size(); ++i) {
    previous = p.next_delay(static_cast<int>(i) + 1, previous, draws[i]);
    got.push_back(previous);
  }
  EXPECT_EQ(got, c.expected);
}

INSTANTIATE_TEST_SUITE_P(
    Jitters, BackoffTest,
    ::testing::Values(
        // min(1 s, 100 ms x 2^(n-1))
        BackoffCase{"exponential_none",
                    Backoff::kExponential,
                    Jitter::kNone,
                    {milliseconds(100), milliseconds(200), milliseconds(400), milliseconds(800),
                     milliseconds(1000), milliseconds(1000)}},
        // u x temp
        BackoffCase{"exponential_full",
                    Backoff::kExponential,
                    Jitter::kFull,
                    {milliseconds(50), milliseconds(50), milliseconds(300), milliseconds(720),
                     milliseconds(500), milliseconds(0)}},
        // temp/2 + u x temp/2
        BackoffCase{"exponential_equal",
                    Backoff::kExponential,
                    Jitter::kEqual,
                    {milliseconds(75), milliseconds(125), milliseconds(350), milliseconds(760),
                     milliseconds(750), milliseconds(500)}},
        // min(1 s, 100 ms + u x (3 x previous - 100 ms)), previous starting at 100 ms
        BackoffCase{"decorrelated",
                    Backoff::kExponential,
                    Jitter::kDecorrelated,
                    {milliseconds(200), milliseconds(225), microseconds(531250), milliseconds(1000),
                     milliseconds(1000), milliseconds(100)}},
        BackoffCase{"constant_none",
                    Backoff::kConstant,
                    Jitter::kNone,
                    {milliseconds(100), milliseconds(100), milliseconds(100)}},
        BackoffCase{"constant_full",
                    Backoff::kConstant,
                    Jitter::kFull,
                    {milliseconds(50), milliseconds(25), milliseconds(75)}}),
    [](const auto& info) { return std::string(info.param.name); });

// A dependency that answers each attempt after 1 ms with a scripted result.
struct FakeCall {
  ManualScheduler& s;
  std::vector<AttemptResult> script;
  std::vector<Instant> attempts_at;
  void operator()(int attempt, Retry::AttemptDone done) {
    attempts_at.push_back(s.now());
    const AttemptResult r = script[static_cast<std::size_t>(attempt - 1)];
    s.schedule_after(milliseconds(1), [done, r] { done(r); });
  }
};

TEST(RetryTest, RetriesUntilSuccessAtTheBackoffInstants) {
  ManualScheduler s;
  FakeCall call{
      s,
      {AttemptResult::kRetryableFailure, AttemptResult::kRetryableFailure, AttemptResult::kSuccess},
      {}};
  Retry retry(s, policy(Backoff::kExponential, Jitter::kNone, 3), nullptr);
  RetryOutcome outcome;
  Instant done_at{};
  retry.run([&call](int n, Retry::AttemptDone d) { call(n, d); },
            [&](const RetryOutcome& o) {
              outcome = o;
              done_at = s.now();
            });
  s.run_until_idle();
  // 0: attempt 1, fails at 1 ms; +100 ms: attempt 2 at 101 ms; +200 ms: attempt 3 at 302 ms.
  EXPECT_EQ(call.attempts_at,
            (std::vector<Instant>{Instant{}, milliseconds(101), milliseconds(302)}));
  EXPECT_TRUE(outcome.ok);
  EXPECT_EQ(outcome.attempts, 3);
  EXPECT_EQ(done_at, milliseconds(303));
  EXPECT_FALSE(retry.running());
}

TEST(RetryTest, StopsAtMaxAttemptsAndOnPermanentFailure) {
  ManualScheduler s;
  FakeCall exhausted{s, {AttemptResult::kRetryableFailure, AttemptResult::kRetryableFailure}, {}};
  Retry r1(s, policy(Backoff::kConstant, Jitter::kNone, 2), nullptr);
  RetryOutcome o1;
  r1.run([&](int n, Retry::AttemptDone d) { exhausted(n, d); },
         [&](const RetryOutcome& o) { o1 = o; });
  FakeCall permanent{s, {AttemptResult::kPermanentFailure}, {}};
  Retry r2(s, policy(Backoff::kConstant, Jitter::kNone, 5), nullptr);
  RetryOutcome o2;
  r2.run([&](int n, Retry::AttemptDone d) { permanent(n, d); },
         [&](const RetryOutcome& o) { o2 = o; });
  s.run_until_idle();
  EXPECT_FALSE(o1.ok);
  EXPECT_EQ(o1.attempts, 2);
  EXPECT_FALSE(o2.ok);
  EXPECT_EQ(o2.attempts, 1);
}

TEST(RetryTest, CancelDuringBackoffDeliversNothing) {
  ManualScheduler s;
  FakeCall call{s, {AttemptResult::kRetryableFailure, AttemptResult::kSuccess}, {}};
  Retry retry(s, policy(Backoff::kConstant, Jitter::kNone, 3), nullptr);
  bool called = false;
  retry.run([&](int n, Retry::AttemptDone d) { call(n, d); },
            [&](const RetryOutcome&) { called = true; });
  s.advance_to(milliseconds(50));  // in the 100 ms backoff
  EXPECT_TRUE(retry.cancel());
  EXPECT_EQ(s.pending(), 0u);
  s.run_until_idle();
  EXPECT_FALSE(called);
  EXPECT_EQ(call.attempts_at.size(), 1u);
}

TEST(RetryTest, JitterDrawsComeFromTheCallersSource) {
  ManualScheduler s;
  FakeCall call{s, {AttemptResult::kRetryableFailure, AttemptResult::kSuccess}, {}};
  int draws = 0;
  Retry retry(s, policy(Backoff::kExponential, Jitter::kFull, 3), [&draws] {
    ++draws;
    return 0.5;
  });
  retry.run([&](int n, Retry::AttemptDone d) { call(n, d); }, [](const RetryOutcome&) {});
  s.run_until_idle();
  EXPECT_EQ(draws, 1);
  EXPECT_EQ(call.attempts_at.back(), milliseconds(51));  // fails at 1 ms, waits 50 ms
}

// Full outage: 100 requests, one every 10 ms, each wanting 2 retries. The budget holds
// 0.1 x 100 requests + 1/s x 10 s = 20 retries, all inside one window: exactly 20 happen.
TEST(RetryTest, UnderAFullOutageRetriesStayWithinTheBudget) {
  ManualScheduler s;
  RetryBudgetConfig bc;
  bc.ratio = 0.1;
  bc.min_per_s = 1;
  bc.window = seconds(10);
  RetryBudget budget(s, bc);
  std::vector<std::unique_ptr<Retry>> retries;
  int dependency_calls = 0;
  int failed = 0;
  int budget_denied = 0;
  for (int i = 0; i < 100; ++i) {
    s.advance_to(milliseconds(10 * i));
    auto& r = retries.emplace_back(
        std::make_unique<Retry>(s, policy(Backoff::kConstant, Jitter::kNone, 3), nullptr, &budget));
    r->run(
        [&](int, Retry::AttemptDone d) {
          ++dependency_calls;
          s.schedule_after(milliseconds(1), [d] { d(AttemptResult::kRetryableFailure); });
        },
        [&](const RetryOutcome& o) {
          failed += o.ok ? 0 : 1;
          budget_denied += o.budget_denied ? 1 : 0;
        });
  }
  s.run_until_idle();
  EXPECT_EQ(budget.counters().requests, 100u);
  EXPECT_EQ(budget.counters().retries_allowed, 20u);
  EXPECT_EQ(dependency_calls, 120);
  EXPECT_EQ(failed, 100);
  // Every denial ends a request; the other requests stopped at max_attempts.
  EXPECT_EQ(budget_denied, static_cast<int>(budget.counters().retries_denied));
  EXPECT_EQ(budget.available(), 0);
}

}  // namespace
}  // namespace faultline::resilience

#include "monitoring/checks.h"

#include <cmath>

#include <gtest/gtest.h>

#include "monitoring/sli.h"
#include "sim/status.h"
#include "scripted_run.h"

namespace faultline::monitoring {
namespace {

using experiments::ExpectKind;
using experiments::Expectation;
using testing::ScriptedRun;
using testing::Second;
using testing::transition;

// content-generation (ai_service) behind openai; fault 0 = outage from 120 s for 180 s;
// fault 1 = to the end of the run (600 s).
class ChecksTest : public ::testing::Test {
 protected:
  ChecksTest() {
    auto e = testing::basic_experiment(std::chrono::seconds(600));
    e.breakers["content-generation"] = testing::breaker("content-generation", "ai_service");
    e.dependencies.push_back(testing::dependency("openai"));
    experiments::FaultConfig f0;
    f0.target = "openai";
    f0.start = std::chrono::seconds(120);
    f0.duration = std::chrono::seconds(180);
    experiments::FaultConfig f1;
    f1.target = "openai";
    f1.start = std::chrono::seconds(500);
    e.faults = {f0, f1};
    e.slo.availability = 99.0;
    run_ = std::make_unique<ScriptedRun>(e);
    run_->seconds(10, Second{.ok = 99, .failed = 1, .latency = millis(200)});
  }

  sim::BreakerMetrics& breaker() { return run_->metrics().breakers()[0]; }

  CheckResult check(Expectation x) {
    const RunOutcome o = run_->outcome();
    return check_expectation(o, x, compute_slis(o));
  }

  static Expectation opens(double within_s, int fault) {
    Expectation x;
    x.kind = ExpectKind::kOpensWithin;
    x.breaker = "content-generation";
    x.within = Duration(std::llround(within_s * 1e9));
    x.fault = fault;
    x.pointer = "/expect/0";
    return x;
  }
  static Expectation closes(double within_s, int fault) {
    Expectation x = opens(within_s, fault);
    x.kind = ExpectKind::kClosesWithin;
    return x;
  }
  static Expectation breaker_kind(ExpectKind kind, std::int64_t limit = 0) {
    Expectation x;
    x.kind = kind;
    x.breaker = "content-generation";
    x.limit = limit;
    return x;
  }

  std::unique_ptr<ScriptedRun> run_;
};

TEST_F(ChecksTest, OpensWithinPasses) {
  breaker().transitions = {transition(121.4, "CLOSED", "OPEN", "5 consecutive failures")};
  const CheckResult c = check(opens(15, 0));
  EXPECT_EQ(c.name, "breaker content-generation opens within 15 s of fault 0");
  EXPECT_TRUE(c.passed);
  EXPECT_EQ(c.detail, "opened at 121.400 s, 1.400 s after fault 0 started");
  EXPECT_EQ(c.pointer, "/expect/0");
}

TEST_F(ChecksTest, OpensWithinEdgeIsInclusive) {
  breaker().transitions = {transition(135, "CLOSED", "OPEN")};
  EXPECT_TRUE(check(opens(15, 0)).passed);
  breaker().transitions = {transition(135.001, "CLOSED", "OPEN")};
  const CheckResult late = check(opens(15, 0));
  EXPECT_FALSE(late.passed);
  EXPECT_EQ(late.detail, "opened at 135.001 s, 15.001 s after fault 0 started (limit 15 s)");
}

TEST_F(ChecksTest, OpensWithinIgnoresOpeningsBeforeTheFault) {
  breaker().transitions = {transition(100, "CLOSED", "OPEN"), transition(160, "OPEN", "HALF_OPEN")};
  const CheckResult c = check(opens(15, 0));
  EXPECT_FALSE(c.passed);
  EXPECT_EQ(c.detail, "did not open after fault 0 started at 120.000 s; it was already OPEN then");
}

TEST_F(ChecksTest, OpensWithinCountsHalfOpenToOpen) {
  breaker().transitions = {transition(100, "CLOSED", "OPEN"), transition(119, "OPEN", "HALF_OPEN"),
                           transition(122.5, "HALF_OPEN", "OPEN")};
  const CheckResult c = check(opens(15, 0));
  EXPECT_TRUE(c.passed);
  EXPECT_EQ(c.detail, "opened at 122.500 s, 2.500 s after fault 0 started");
}

TEST_F(ChecksTest, OpensWithinNeverOpened) {
  const CheckResult c = check(opens(15, 0));
  EXPECT_FALSE(c.passed);
  EXPECT_EQ(c.detail, "did not open after fault 0 started at 120.000 s");
}

TEST_F(ChecksTest, UnknownFaultAndBreaker) {
  EXPECT_EQ(check(opens(15, 7)).detail, "no fault 7 (the experiment has 2)");
  Expectation x = opens(15, 0);
  x.breaker = "nope";
  const CheckResult c = check(x);
  EXPECT_FALSE(c.passed);
  EXPECT_EQ(c.detail, "no breaker named 'nope'");
}

TEST_F(ChecksTest, ClosesWithinPassesAndFails) {
  breaker().transitions = {transition(121.4, "CLOSED", "OPEN"), transition(330, "OPEN", "HALF_OPEN"),
                           transition(361, "HALF_OPEN", "CLOSED")};
  CheckResult c = check(closes(90, 0));
  EXPECT_EQ(c.name, "breaker content-generation closes within 90 s of the end of fault 0");
  EXPECT_TRUE(c.passed);
  EXPECT_EQ(c.detail, "closed at 361.000 s, 61.000 s after fault 0 ended at 300.000 s");
  c = check(closes(61, 0));
  EXPECT_TRUE(c.passed);
  c = check(closes(60.999, 0));
  EXPECT_FALSE(c.passed);
  EXPECT_EQ(c.detail, "closed at 361.000 s, 61.000 s after fault 0 ended at 300.000 s (limit 60.999 s)");
}

TEST_F(ChecksTest, ClosesWithinNeverClosed) {
  breaker().transitions = {transition(121.4, "CLOSED", "OPEN")};
  const CheckResult c = check(closes(90, 0));
  EXPECT_FALSE(c.passed);
  EXPECT_EQ(c.detail, "did not close after fault 0 ended at 300.000 s (state at the end: OPEN)");
}

TEST_F(ChecksTest, ClosesWithinAlreadyClosed) {
  breaker().transitions = {transition(121.4, "CLOSED", "OPEN"), transition(200, "HALF_OPEN", "CLOSED")};
  const CheckResult c = check(closes(90, 0));
  EXPECT_TRUE(c.passed);
  EXPECT_EQ(c.detail, "already CLOSED when fault 0 ended at 300.000 s");
}

TEST_F(ChecksTest, FaultWithoutDurationEndsWithTheRun) {
  breaker().transitions = {transition(500.5, "CLOSED", "OPEN")};
  EXPECT_TRUE(check(opens(1, 1)).passed);
  const CheckResult c = check(closes(90, 1));
  EXPECT_FALSE(c.passed);
  EXPECT_EQ(c.detail, "did not close after fault 1 ended at 600.000 s (state at the end: OPEN)");
}

TEST_F(ChecksTest, NeverOpens) {
  CheckResult c = check(breaker_kind(ExpectKind::kNeverOpens));
  EXPECT_EQ(c.name, "breaker content-generation never opens");
  EXPECT_TRUE(c.passed);
  EXPECT_EQ(c.detail, "never opened");
  breaker().transitions = {transition(121.4, "CLOSED", "OPEN"), transition(181.4, "OPEN", "HALF_OPEN"),
                           transition(181.5, "HALF_OPEN", "OPEN")};
  c = check(breaker_kind(ExpectKind::kNeverOpens));
  EXPECT_FALSE(c.passed);
  EXPECT_EQ(c.detail, "opened 2 times, first at 121.400 s");
}

TEST_F(ChecksTest, MaxOpenTransitions) {
  breaker().transitions = {transition(10, "CLOSED", "OPEN"), transition(40, "OPEN", "HALF_OPEN"),
                           transition(50, "HALF_OPEN", "OPEN"), transition(80, "OPEN", "HALF_OPEN"),
                           transition(90, "HALF_OPEN", "OPEN")};
  CheckResult c = check(breaker_kind(ExpectKind::kMaxOpenTransitions, 2));
  EXPECT_EQ(c.name, "breaker content-generation has at most 2 open transitions");
  EXPECT_FALSE(c.passed);
  EXPECT_EQ(c.detail, "3 open transitions (at 10.000 s, 50.000 s, 90.000 s), limit 2");
  c = check(breaker_kind(ExpectKind::kMaxOpenTransitions, 3));
  EXPECT_TRUE(c.passed);
  breaker().transitions.clear();
  EXPECT_EQ(check(breaker_kind(ExpectKind::kMaxOpenTransitions, 0)).detail, "0 open transitions, limit 0");
}

TEST_F(ChecksTest, MaxCallsWhileOpen) {
  breaker().rejected = 1234;
  CheckResult c = check(breaker_kind(ExpectKind::kMaxCallsWhileOpen, 0));
  EXPECT_EQ(c.name, "breaker content-generation has at most 0 calls while OPEN");
  EXPECT_TRUE(c.passed);
  EXPECT_EQ(c.detail, "0 calls reached the dependency while OPEN (limit 0); 1234 rejected");
  breaker().calls_while_open = 1;
  c = check(breaker_kind(ExpectKind::kMaxCallsWhileOpen, 0));
  EXPECT_FALSE(c.passed);
  EXPECT_EQ(c.detail, "1 call reached the dependency while OPEN (limit 0); 1234 rejected");
}

TEST_F(ChecksTest, SliBounds) {
  // 10 s of 99 successes + 1 failure: availability exactly 99 %.
  Expectation x;
  x.kind = ExpectKind::kSli;
  x.sli = "availability";
  x.at_least = 99.0;
  CheckResult c = check(x);
  EXPECT_EQ(c.name, "sli availability at least 99");
  EXPECT_TRUE(c.passed);  // the bound is inclusive
  EXPECT_EQ(c.detail, "availability 99.000 %");
  x.at_least = 99.5;
  c = check(x);
  EXPECT_FALSE(c.passed);
  EXPECT_EQ(c.detail, "availability 99.000 % is below 99.5 %");

  Expectation p95;
  p95.kind = ExpectKind::kSli;
  p95.sli = "latency_p95_ms";
  p95.at_most = 100;
  c = check(p95);
  EXPECT_EQ(c.name, "sli latency_p95_ms at most 100");
  EXPECT_FALSE(c.passed);
  EXPECT_EQ(c.detail.substr(0, 15), "latency_p95_ms ");
  EXPECT_NE(c.detail.find(" ms is above 100 ms"), std::string::npos) << c.detail;
  p95.sli = "latency_p95";
  p95.at_most = 1000;
  EXPECT_TRUE(check(p95).passed);

  Expectation both;
  both.kind = ExpectKind::kSli;
  both.sli = "error_rate";
  both.at_least = 0.5;
  both.at_most = 1;
  c = check(both);
  EXPECT_EQ(c.name, "sli error_rate at least 0.5 and at most 1");
  EXPECT_TRUE(c.passed);

  Expectation bad;
  bad.kind = ExpectKind::kSli;
  bad.sli = "cpu";
  c = check(bad);
  EXPECT_FALSE(c.passed);
  EXPECT_NE(c.detail.find("unknown SLI 'cpu'"), std::string::npos);
}

// An sli item judged over part of the run (the extension's from_s / to_s and during_fault):
// only the requests issued in the window count, and the check names its window.
TEST(WindowedSliChecks, JudgeOnlyTheRequestsIssuedInTheWindow) {
  using std::chrono::seconds;
  auto e = testing::basic_experiment(seconds(30));
  experiments::FaultConfig f0;
  f0.target = "api";
  f0.start = seconds(10);
  f0.duration = seconds(10);
  e.faults = {f0};
  const auto sli = [](std::string name, std::optional<double> at_least, std::optional<double> at_most,
                      Instant from, Instant to, int fault) {
    Expectation x;
    x.kind = ExpectKind::kSli;
    x.sli = std::move(name);
    x.at_least = at_least;
    x.at_most = at_most;
    x.window = std::make_pair(from, to);
    x.during_fault = fault;
    return x;
  };
  e.expect = {sli("availability", 60, std::nullopt, seconds(10), seconds(20), 0),
              sli("availability", 99.9, std::nullopt, seconds(20), seconds(30), -1),
              sli("latency_p99_ms", std::nullopt, 250, seconds(10), seconds(20), 0),
              sli("throughput_rps", 10, std::nullopt, seconds(5), seconds(15), -1)};
  ScriptedRun run(e);
  run.seconds(10, Second{.ok = 10});                                                     // [0, 10)
  run.seconds(10, Second{.ok = 5, .failed = 5, .failed_latency = millis(300)});          // [10, 20)
  run.seconds(10, Second{.ok = 10});                                                     // [20, 30)
  const RunOutcome o = run.outcome();
  const auto slis = compute_slis(o);

  CheckResult c = check_expectation(o, e.expect[0], slis);
  EXPECT_EQ(c.name, "sli availability at least 60 during fault 0");
  EXPECT_FALSE(c.passed);
  EXPECT_EQ(c.detail, "availability 50.000 % (100 requests issued from 10.000 s to 20.000 s) is below 60 %");

  c = check_expectation(o, e.expect[1], slis);
  EXPECT_EQ(c.name, "sli availability at least 99.9 from 20 s to 30 s");
  EXPECT_TRUE(c.passed) << c.detail;
  EXPECT_EQ(c.detail, "availability 100.000 % (100 requests issued from 20.000 s to 30.000 s)");

  c = check_expectation(o, e.expect[2], slis);
  EXPECT_FALSE(c.passed) << "half the window's answers took 300 ms";
  EXPECT_NE(c.detail.find("latency_p99_ms 300.000 ms"), std::string::npos) << c.detail;

  c = check_expectation(o, e.expect[3], slis);
  EXPECT_TRUE(c.passed) << "100 requests in 10 s";
  EXPECT_EQ(c.detail, "throughput_rps 10.000 rps (100 requests issued from 5.000 s to 15.000 s)");

  // The whole run's availability (250 of 300) is what the plain item sees.
  EXPECT_NEAR(slis[0].current, 250.0 / 3.0, 1e-9);
}

TEST_F(ChecksTest, DependencyMaxCalls) {
  run_->metrics().dependencies()[0].calls = 157;
  Expectation x;
  x.kind = ExpectKind::kDependencyMaxCalls;
  x.dependency = "openai";
  x.limit = 100;
  CheckResult c = check(x);
  EXPECT_EQ(c.name, "dependency openai gets at most 100 calls");
  EXPECT_FALSE(c.passed);
  EXPECT_EQ(c.detail, "157 calls, limit 100");
  x.limit = 157;
  c = check(x);
  EXPECT_TRUE(c.passed);
  x.dependency = "redis";
  EXPECT_EQ(check(x).detail, "no dependency named 'redis'");
}

// live --target: breakers and dependency calls are the user's service's, unobserved. A
// breaker that nobody watched "never opens" only vacuously: such items fail as not
// evaluated, with the reason; SLI items (measured at the client) are still judged.
TEST_F(ChecksTest, BreakerAndDependencyItemsOfAnUnobservedRunAreNotEvaluated) {
  Expectation calls;
  calls.kind = ExpectKind::kDependencyMaxCalls;
  calls.dependency = "openai";
  calls.limit = 100;
  Expectation sli;
  sli.kind = ExpectKind::kSli;
  sli.sli = "availability";
  sli.at_least = 90.0;
  RunOutcome o = run_->outcome();
  o.unobserved = "no data in live --target run";
  const auto slis = compute_slis(o);
  for (const Expectation& x : {breaker_kind(ExpectKind::kNeverOpens), breaker_kind(ExpectKind::kMaxOpenTransitions, 3),
                               breaker_kind(ExpectKind::kMaxCallsWhileOpen, 0), opens(15, 0), closes(90, 0), calls}) {
    // Each of these passes on the same (empty) records when they count as observed.
    EXPECT_TRUE(check_expectation(run_->outcome(), x, slis).passed || x.kind == ExpectKind::kOpensWithin) << check_name(x);
    const CheckResult c = check_expectation(o, x, slis);
    EXPECT_FALSE(c.passed) << c.name;
    EXPECT_FALSE(c.evaluated) << c.name;
    EXPECT_EQ(c.detail, "not evaluated: no data in live --target run") << c.name;
    EXPECT_EQ(c.name, check_name(x));
  }
  const CheckResult s = check_expectation(o, sli, slis);
  EXPECT_TRUE(s.passed);
  EXPECT_TRUE(s.evaluated);
}

TEST(SloGateChecks, OneCheckPerTargetedSli) {
  experiments::SloConfig slo;
  slo.availability = 99.9;
  slo.latency_p95_ms = 500;
  slo.error_rate = 0.1;
  std::vector<SliResult> slis = {
      {"availability", 99.7, 99.9, "%", SliStatus::kAtRisk, Trend::kStable},
      {"latency_p95", 800, 500, "ms", SliStatus::kBreaching, Trend::kStable},
      {"latency_p99", 900, std::nullopt, "ms", SliStatus::kMeeting, Trend::kStable},
      {"error_rate", 0.05, 0.1, "%", SliStatus::kMeeting, Trend::kStable},
  };
  auto checks = slo_gate_checks(slo, slis);
  ASSERT_EQ(checks.size(), 3u);
  EXPECT_EQ(checks[0].name, "slo availability");
  EXPECT_TRUE(checks[0].passed);
  EXPECT_EQ(checks[0].sli, "availability");
  EXPECT_EQ(checks[0].detail, "warning: 99.700 % is at risk (target >= 99.9 %, breaching below 99.5 %)");
  EXPECT_EQ(checks[1].name, "slo latency_p95");
  EXPECT_FALSE(checks[1].passed);
  EXPECT_EQ(checks[1].detail, "800.000 ms breaches the target <= 500 ms (at risk up to 750 ms)");
  EXPECT_TRUE(checks[2].passed);
  EXPECT_EQ(checks[2].detail, "0.050 % meets the target <= 0.1 %");
  slo.gate = false;
  EXPECT_TRUE(slo_gate_checks(slo, slis).empty());
}

}  // namespace
}  // namespace faultline::monitoring

namespace faultline::monitoring {
namespace {

// "every request answered": absent when every request got an answer; otherwise it fails unless
// load.max_no_answer_percent allows the share — with or without the SLO gate.
TEST(AnswerCheck, AbsentWhenEveryRequestWasAnswered) {
  auto e = testing::basic_experiment(std::chrono::seconds(10));
  testing::ScriptedRun run(e);
  run.seconds(5, testing::Second{.ok = 10, .failed = 1, .status = 504});
  EXPECT_FALSE(answer_check(run.outcome()).has_value());
}

TEST(AnswerCheck, FailsOnAnyRequestWithoutAnAnswerUnlessTheFileAllowsTheShare) {
  auto e = testing::basic_experiment(std::chrono::seconds(10));
  e.slo.gate = false;
  testing::ScriptedRun run(e);
  run.seconds(1, testing::Second{.ok = 97, .failed = 2, .status = sim::kStatusClientTimeout});
  run.seconds(1, testing::Second{.ok = 0, .failed = 1, .status = sim::kStatusNoAnswer});
  const auto c = answer_check(run.outcome());
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->name, "every request answered");
  EXPECT_FALSE(c->passed);
  EXPECT_EQ(c->detail,
            "3 of 100 requests (3.000 %) got no answer: 2 client timeouts (499), 1 unanswered when the drain "
            "ended (0); above 0 % (load.max_no_answer_percent)");
  run.experiment().load.max_no_answer_percent = 3;  // exactly the share: allowed
  EXPECT_TRUE(answer_check(run.outcome())->passed);
  run.experiment().load.max_no_answer_percent = 2.999;
  EXPECT_FALSE(answer_check(run.outcome())->passed);
}

}  // namespace
}  // namespace faultline::monitoring

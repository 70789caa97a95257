#include "monitoring/evaluate.h"

#include <gtest/gtest.h>

#include "scripted_run.h"

namespace faultline::monitoring {
namespace {

using std::chrono::seconds;
using testing::ScriptedRun;
using testing::Second;

experiments::Experiment gated(bool gate) {
  auto e = testing::basic_experiment(seconds(60));
  e.breakers["openai"] = testing::breaker("openai", "ai_service");
  e.slo.availability = 99.9;
  e.slo.gate = gate;
  experiments::Expectation x;
  x.kind = experiments::ExpectKind::kMaxOpenTransitions;
  x.breaker = "openai";
  x.limit = 1;
  e.expect = {x};
  return e;
}

TEST(Evaluate, ExpectThenGateChecksAndVerdict) {
  ScriptedRun run(gated(true));
  run.seconds(60, Second{.ok = 99, .failed = 1});  // 99 %: breaching 99.9
  const Evaluation e = evaluate(run.outcome());
  ASSERT_EQ(e.slis.size(), 5u);
  ASSERT_EQ(e.checks.size(), 2u);
  EXPECT_EQ(e.checks[0].name, "breaker openai has at most 1 open transitions");
  EXPECT_TRUE(e.checks[0].passed);
  EXPECT_EQ(e.checks[1].name, "slo availability");
  EXPECT_FALSE(e.checks[1].passed);
  EXPECT_FALSE(e.passed);
}

TEST(Evaluate, UngatedBreachPasses) {
  ScriptedRun run(gated(false));
  run.seconds(60, Second{.ok = 99, .failed = 1});
  const Evaluation e = evaluate(run.outcome());
  EXPECT_EQ(e.slis[0].status, SliStatus::kBreaching);
  EXPECT_EQ(e.checks.size(), 1u);
  EXPECT_TRUE(e.passed);
}

TEST(Evaluate, DefaultAlertsAreEvaluated) {
  ScriptedRun run(gated(false));
  using S = sim::BreakerSecondState;
  run.seconds(10, Second{.ok = 10});
  run.seconds(5, Second{.ok = 10, .breakers = {S::kOpen}});
  run.seconds(45, Second{.ok = 10});
  const Evaluation e = evaluate(run.outcome());
  ASSERT_EQ(e.alerts.size(), 1u);
  EXPECT_EQ(e.alerts[0].name, "CircuitBreakerOpen");
  EXPECT_DOUBLE_EQ(e.alerts[0].fired_at_s, 11);
  EXPECT_DOUBLE_EQ(*e.alerts[0].resolved_at_s, 16);
}

}  // namespace
}  // namespace faultline::monitoring

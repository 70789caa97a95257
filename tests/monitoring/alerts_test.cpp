#include "monitoring/alerts.h"

#include <gtest/gtest.h>

#include "experiments/alert_rules.h"
#include "scripted_run.h"

namespace faultline::monitoring {
namespace {

using experiments::AlertRule;
using std::chrono::seconds;
using testing::ScriptedRun;
using testing::Second;

AlertRule make_rule(std::string name, std::string sli, int window_s, std::optional<double> above, int for_s) {
  AlertRule r;
  r.name = std::move(name);
  r.sli = std::move(sli);
  r.window = seconds(window_s);
  r.above = above;
  r.for_duration = seconds(for_s);
  r.severity = "critical";
  return r;
}

// --- the `for:` state machine on a scripted condition ---

TEST(AlertEvents, PendingThenFiringThenResolved) {
  // Row s is evaluated at instant s + 1. True on rows 5..14.
  std::vector<bool> cond(30, false);
  for (int i = 5; i < 15; ++i) cond[i] = true;
  const auto events = alert_events(make_rule("A", "error_rate", 10, 1, 4), cond);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].name, "A");
  EXPECT_EQ(events[0].severity, "critical");
  EXPECT_DOUBLE_EQ(events[0].pending_at_s, 6);
  EXPECT_DOUBLE_EQ(events[0].fired_at_s, 10);  // held from 6 to 10: for 4 s
  ASSERT_TRUE(events[0].resolved_at_s.has_value());
  EXPECT_DOUBLE_EQ(*events[0].resolved_at_s, 16);
}

TEST(AlertEvents, PendingDroppedWhenTheConditionStopsEarly) {
  // Holds at instants 6..9 (3 s after pending): one second short of for 4 s.
  std::vector<bool> cond(30, false);
  for (int i = 5; i < 9; ++i) cond[i] = true;
  EXPECT_TRUE(alert_events(make_rule("A", "error_rate", 10, 1, 4), cond).empty());
  cond[9] = true;  // now holds at 6..10: fires at 10
  const auto events = alert_events(make_rule("A", "error_rate", 10, 1, 4), cond);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_DOUBLE_EQ(events[0].fired_at_s, 10);
  EXPECT_DOUBLE_EQ(*events[0].resolved_at_s, 11);
}

TEST(AlertEvents, ForZeroFiresAtOnceAndRefires) {
  std::vector<bool> cond = {false, true, true, false, true, true};
  const auto events = alert_events(make_rule("B", "breaker_open", 1, 0, 0), cond);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_DOUBLE_EQ(events[0].pending_at_s, 2);
  EXPECT_DOUBLE_EQ(events[0].fired_at_s, 2);
  EXPECT_DOUBLE_EQ(*events[0].resolved_at_s, 4);
  EXPECT_DOUBLE_EQ(events[1].fired_at_s, 5);
  EXPECT_FALSE(events[1].resolved_at_s.has_value());  // still firing at the end
}

// --- rules over a scripted timeline ---

TEST(Alerts, DefaultHighErrorRateInstants) {
  // 100 answers a second; rows 100..399 have 20 errors (20 %). Before row 299 the 300 s window
  // holds the rows so far: at row s the rate is 20 (s - 99) / 100 (s + 1), above 5 % from row
  // 133 (680 / 13400), instant 134. It fires 120 s later (254) and resolves when the full
  // window holds 75 error rows (1500 / 30000 = 5 %, not above): [325, 624], instant 625.
  ScriptedRun run(testing::basic_experiment(seconds(700)));
  run.seconds(100, Second{.ok = 100});
  run.seconds(300, Second{.ok = 80, .failed = 20});
  run.seconds(300, Second{.ok = 100});
  const auto rules = experiments::default_alert_rules();
  const auto events = evaluate_alerts(run.outcome(), rules);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].name, "HighErrorRate");
  EXPECT_EQ(events[0].severity, "critical");
  EXPECT_DOUBLE_EQ(events[0].pending_at_s, 134);
  EXPECT_DOUBLE_EQ(events[0].fired_at_s, 254);
  EXPECT_DOUBLE_EQ(*events[0].resolved_at_s, 625);

  const auto values = alert_values(run.outcome(), rules[0]);
  EXPECT_DOUBLE_EQ(values[132], 100.0 * 660 / 13300);
  EXPECT_DOUBLE_EQ(values[133], 100.0 * 680 / 13400);
  EXPECT_DOUBLE_EQ(values[623], 100.0 * 1520 / 30000);
  EXPECT_DOUBLE_EQ(values[624], 5.0);
}

TEST(Alerts, LatencyOverItsOwnWindow) {
  // Window 10 s: rows 50..149 are slow (900 ms). The window's P95 is slow while it holds at
  // least one slow row of ten (10 % > 5 %): rows 50..158, instants 51..159.
  auto e = testing::basic_experiment(seconds(200));
  e.has_alerts = true;
  e.alerts = {make_rule("SlowP95", "latency_p95_ms", 10, 500, 30)};
  ScriptedRun run(e);
  ASSERT_EQ(run.metrics().layout().latency_windows, std::vector<Duration>{seconds(10)});
  run.seconds(50, Second{.ok = 20, .latency = millis(100)});
  run.seconds(100, Second{.ok = 20, .latency = millis(900)});
  run.seconds(50, Second{.ok = 20, .latency = millis(100)});
  const auto events = evaluate_alerts(run.outcome(), e.alerts);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_DOUBLE_EQ(events[0].pending_at_s, 51);
  EXPECT_DOUBLE_EQ(events[0].fired_at_s, 81);
  EXPECT_DOUBLE_EQ(*events[0].resolved_at_s, 160);
}

TEST(Alerts, CircuitBreakerOpenDefault) {
  auto e = testing::basic_experiment(seconds(60));
  e.breakers["postgres"] = testing::breaker("postgres", "database");
  e.breakers["openai"] = testing::breaker("openai", "ai_service");
  ScriptedRun run(e);
  using S = sim::BreakerSecondState;
  run.seconds(20, Second{.ok = 10});
  run.seconds(10, Second{.ok = 10, .breakers = {S::kClosed, S::kOpen}});  // "postgres" is second
  run.seconds(5, Second{.ok = 10, .breakers = {S::kClosed, S::kHalfOpen}});
  run.seconds(25, Second{.ok = 10});
  const auto events = evaluate_alerts(run.outcome(), experiments::default_alert_rules());
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].name, "CircuitBreakerOpen");
  EXPECT_DOUBLE_EQ(events[0].pending_at_s, 21);
  EXPECT_DOUBLE_EQ(events[0].fired_at_s, 21);
  EXPECT_DOUBLE_EQ(*events[0].resolved_at_s, 31);  // HALF_OPEN is not OPEN

  // One named breaker only.
  AlertRule only = make_rule("OpenAIOpen", "breaker_open:openai", 1, std::nullopt, 0);
  EXPECT_TRUE(evaluate_alerts(run.outcome(), {only}).empty());
  only.sli = "breaker_open:postgres";
  EXPECT_EQ(evaluate_alerts(run.outcome(), {only}).size(), 1u);
}

TEST(Alerts, WorkerUtilisationAndBelowRules) {
  auto e = testing::basic_experiment(seconds(30));
  e.api.workers = 10;
  ScriptedRun run(e);
  run.seconds(10, Second{.ok = 5, .busy_workers = 5});
  run.seconds(10, Second{.ok = 0, .busy_workers = 9});
  run.seconds(10, Second{.ok = 5, .busy_workers = 2});
  AlertRule cpu = make_rule("HighCpu", "worker_utilisation", 2, 80, 0);
  auto events = evaluate_alerts(run.outcome(), {cpu});
  // Mean over 2 s: row 10 = (5 + 9) / 2 = 7 -> 70 %; row 11 = 90 %: instant 12. Row 20 = (9 + 2) / 2 -> 55 %.
  ASSERT_EQ(events.size(), 1u);
  EXPECT_DOUBLE_EQ(events[0].fired_at_s, 12);
  EXPECT_DOUBLE_EQ(*events[0].resolved_at_s, 21);

  AlertRule idle = make_rule("NoTraffic", "throughput_rps", 1, std::nullopt, 3);
  idle.below = 1;
  events = evaluate_alerts(run.outcome(), {idle});
  ASSERT_EQ(events.size(), 1u);
  EXPECT_DOUBLE_EQ(events[0].pending_at_s, 11);
  EXPECT_DOUBLE_EQ(events[0].fired_at_s, 14);
  EXPECT_DOUBLE_EQ(*events[0].resolved_at_s, 21);
}

TEST(Alerts, WarmupSecondsAreNotEvaluated) {
  auto e = testing::basic_experiment(seconds(20));
  e.warmup = seconds(10);
  e.has_alerts = true;
  e.alerts = {make_rule("Err", "error_rate", 1, 5, 0)};
  ScriptedRun run(e);
  run.seconds(5, Second{.ok = 0, .failed = 10});
  run.seconds(15, Second{.ok = 10});
  EXPECT_TRUE(evaluate_alerts(run.outcome(), e.alerts).empty());
}

TEST(Alerts, OrderedByFiringInstant) {
  auto e = testing::basic_experiment(seconds(20));
  e.breakers["b"] = testing::breaker("b", "cache");
  ScriptedRun run(e);
  using S = sim::BreakerSecondState;
  run.seconds(5, Second{.ok = 10});
  run.seconds(5, Second{.ok = 0, .failed = 10, .breakers = {S::kOpen}});
  run.seconds(10, Second{.ok = 10});
  const std::vector<AlertRule> rules = {make_rule("Late", "error_rate", 1, 5, 2),
                                        make_rule("Early", "breaker_open", 1, std::nullopt, 0)};
  const auto events = evaluate_alerts(run.outcome(), rules);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].name, "Early");
  EXPECT_DOUBLE_EQ(events[0].fired_at_s, 6);
  EXPECT_EQ(events[1].name, "Late");
  EXPECT_DOUBLE_EQ(events[1].fired_at_s, 8);
}

}  // namespace
}  // namespace faultline::monitoring

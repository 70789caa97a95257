// experiments/alert_rules (the effective rules) and the error-budget burn alerts built on them.
#include "experiments/alert_rules.h"

#include <gtest/gtest.h>

#include "monitoring/alerts.h"
#include "scripted_run.h"

namespace faultline::monitoring {
namespace {

using experiments::AlertRule;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;
using testing::ScriptedRun;
using testing::Second;

TEST(AlertRules, DefaultsAreTheGuidesRules) {
  const auto rules = experiments::default_alert_rules();
  ASSERT_EQ(rules.size(), 3u);
  EXPECT_EQ(rules[0].name, "HighErrorRate");
  EXPECT_EQ(rules[0].sli, "error_rate");
  EXPECT_EQ(rules[0].window, seconds(300));
  EXPECT_EQ(*rules[0].above, 5);
  EXPECT_EQ(rules[0].for_duration, seconds(120));
  EXPECT_EQ(rules[0].severity, "critical");
  EXPECT_EQ(rules[1].name, "HighLatency");
  EXPECT_EQ(rules[1].sli, "latency_p95_ms");
  EXPECT_EQ(*rules[1].above, 500);
  EXPECT_EQ(rules[1].for_duration, seconds(300));
  EXPECT_EQ(rules[1].severity, "warning");
  EXPECT_EQ(rules[2].name, "CircuitBreakerOpen");
  EXPECT_EQ(rules[2].for_duration, seconds(0));

  experiments::Experiment e = testing::basic_experiment();
  EXPECT_EQ(experiments::effective_alert_rules(e).size(), 3u);
  e.has_alerts = true;  // an explicit empty list: no alerts at all
  EXPECT_TRUE(experiments::effective_alert_rules(e).empty());
}

TEST(AlertRules, LatencyWindowsAreDistinctAndOrdered) {
  std::vector<AlertRule> rules = experiments::default_alert_rules();
  AlertRule a;
  a.sli = "latency_p99";
  a.window = seconds(60);
  AlertRule b;
  b.sli = "latency_p95_ms";
  b.window = seconds(300);
  AlertRule c;
  c.sli = "error_rate";
  c.window = seconds(30);
  rules.push_back(a);
  rules.push_back(b);
  rules.push_back(c);
  EXPECT_EQ(experiments::latency_windows(rules), (std::vector<Duration>{seconds(60), seconds(300)}));
}

TEST(AlertRules, SignalNames) {
  using K = experiments::AlertSignalKind;
  EXPECT_EQ(experiments::parse_alert_signal("latency_p95")->kind, K::kLatencyP95);
  EXPECT_EQ(experiments::parse_alert_signal("worker_utilization")->kind, K::kWorkerUtilisation);
  const auto named = experiments::parse_alert_signal("breaker_open:content-generation");
  EXPECT_EQ(named->kind, K::kBreakerOpen);
  EXPECT_EQ(named->breaker, "content-generation");
  EXPECT_FALSE(experiments::parse_alert_signal("breaker_open:").has_value());
  EXPECT_FALSE(experiments::parse_alert_signal("cpu").has_value());
}

TEST(BurnRateRules, WorkbookWindowsForThirtyDays) {
  const auto rules = experiments::burn_rate_rules("Budget", hours(72));
  ASSERT_EQ(rules.size(), 4u);
  EXPECT_EQ(rules[0].name, "Budget:page-1h");
  EXPECT_EQ(rules[0].window, hours(1));
  EXPECT_EQ(*rules[0].short_window, minutes(5));
  EXPECT_DOUBLE_EQ(*rules[0].above, 14.4);
  EXPECT_EQ(rules[0].severity, "critical");
  EXPECT_EQ(rules[1].window, hours(6));
  EXPECT_EQ(*rules[1].short_window, minutes(30));
  EXPECT_DOUBLE_EQ(*rules[1].above, 6);
  EXPECT_EQ(rules[2].name, "Budget:ticket-1d");
  EXPECT_EQ(rules[2].window, hours(24));
  EXPECT_EQ(*rules[2].short_window, hours(2));
  EXPECT_EQ(rules[2].severity, "warning");
  EXPECT_EQ(rules[3].window, hours(72));
  EXPECT_EQ(*rules[3].short_window, hours(6));
  EXPECT_DOUBLE_EQ(*rules[3].above, 1);
}

TEST(BurnRateRules, ScaledToAShortRun) {
  // 900 s stands for 3 days: factor 1/288. 1 h -> 12.5 s -> 13 s; 5 min -> 1.04 s -> 1 s.
  const auto rules = experiments::burn_rate_rules("B", seconds(900));
  EXPECT_EQ(rules[0].window, seconds(13));
  EXPECT_EQ(*rules[0].short_window, seconds(1));
  EXPECT_EQ(rules[1].window, seconds(75));
  EXPECT_EQ(*rules[1].short_window, seconds(6));
  EXPECT_EQ(rules[2].window, seconds(300));
  EXPECT_EQ(*rules[2].short_window, seconds(25));
  EXPECT_EQ(rules[3].window, seconds(900));
  EXPECT_EQ(*rules[3].short_window, seconds(75));
}

TEST(BurnRateRules, ExpandedFromARuleWithoutThreshold) {
  experiments::Experiment e = testing::basic_experiment(seconds(1000));
  e.warmup = seconds(100);
  e.has_alerts = true;
  AlertRule budget;
  budget.name = "ErrorBudget";
  budget.sli = "error_budget_burn";
  AlertRule single = budget;
  single.name = "FastBurn";
  single.above = 10;
  single.window = seconds(120);
  e.alerts = {budget, single};
  const auto rules = experiments::effective_alert_rules(e);
  ASSERT_EQ(rules.size(), 5u);
  EXPECT_EQ(rules[0].name, "ErrorBudget:page-1h");
  EXPECT_EQ(rules[3].window, seconds(900));  // duration - warm-up
  EXPECT_EQ(rules[4].name, "FastBurn");
  EXPECT_EQ(experiments::burn_short_window(rules[4]), seconds(10));  // 120 / 12
}

TEST(BurnRateAlerts, LongAndShortWindowMustBothBurn) {
  // Budget 1 % (availability 99). 100 answers a second; rows 100..119 fail half (50x burn).
  // Long window 60 s: 18 bad rows -> 900 / 6000 = 15 % = 15x > 14.4 at row 117, instant 118.
  // Short window 5 s: at row 123 only row 119 is bad: 50 / 500 = 10x, not above: resolved at
  // 124 although the long window (1000 / 6000 = 16.7x) still burns.
  auto e = testing::basic_experiment(seconds(200));
  e.slo.availability = 99.0;
  ScriptedRun run(e);
  run.seconds(100, Second{.ok = 100});
  run.seconds(20, Second{.ok = 50, .failed = 50});
  run.seconds(80, Second{.ok = 100});
  AlertRule r;
  r.name = "Burn";
  r.sli = "error_budget_burn";
  r.window = seconds(60);
  r.short_window = seconds(5);
  r.above = 14.4;
  r.severity = "critical";
  const auto values = alert_values(run.outcome(), r);
  EXPECT_NEAR(values[116], 14.1666666, 1e-6);
  EXPECT_NEAR(values[117], 15.0, 1e-9);
  const auto events = evaluate_alerts(run.outcome(), {r});
  ASSERT_EQ(events.size(), 1u);
  EXPECT_DOUBLE_EQ(events[0].pending_at_s, 118);
  EXPECT_DOUBLE_EQ(events[0].fired_at_s, 118);
  EXPECT_DOUBLE_EQ(*events[0].resolved_at_s, 124);
}

TEST(BurnRateAlerts, ErrorBudget) {
  experiments::SloConfig slo;
  EXPECT_NEAR(error_budget(slo), 0.001, 1e-12);  // the guide's 99.9 %
  slo.availability = 99.0;
  EXPECT_NEAR(error_budget(slo), 0.01, 1e-12);
}

}  // namespace
}  // namespace faultline::monitoring

// The PromQL subset (monitoring/promql_*.h): the parser's refusals name the construct, the
// functions compute Prometheus 2.42's numbers, the evaluator selects as its engine does.
#include <gtest/gtest.h>

#include <cmath>

#include "monitoring/prometheus_rule_file.h"
#include "monitoring/promql_evaluator.h"
#include "monitoring/promql_functions.h"
#include "monitoring/promql_parser.h"

namespace faultline::monitoring::promql {
namespace {

std::string parse_error(const std::string& text) {
  ParseError e;
  ExprPtr expr = parse_promql(text, &e);
  if (expr) return "parsed";
  return e.message + " @" + std::to_string(e.offset);
}

TEST(PromqlParserTest, RefusesWhatIsOutsideTheSubsetNamingIt) {
  EXPECT_EQ(parse_error("absent(up)"), "function absent() @0");
  EXPECT_EQ(parse_error("rate(x[5m] offset 1h)"), "the offset modifier @11");
  EXPECT_EQ(parse_error("x @ 100"), "the @ modifier @2");
  EXPECT_EQ(parse_error("rate(x[5m:1m])"), "a subquery [range:resolution] @9");
  EXPECT_EQ(parse_error("topk(3, x)"), "aggregation topk @0");
  EXPECT_EQ(parse_error("a / on(x) group_left b"), "group_left (many-to-one matching) @10");
  EXPECT_EQ(parse_error("x[5m]"), "a range vector as the expression's result @0");
  EXPECT_EQ(parse_error("1 > 2"), "comparison between scalars without bool @2");
  EXPECT_EQ(parse_error("{a=~\".*\"}"), "a selector that matches the empty label set (needs one matcher that does not match \"\") @0");
  EXPECT_EQ(parse_error("rate(x)"), "rate() takes one range vector selector such as x[5m] @0");
  EXPECT_EQ(parse_error("sum by (le) (rate(x_bucket{a!=\"b\",c!~\"d|e\"}[5m])) > bool 0.5"), "parsed");
  EXPECT_EQ(parse_error("max(x) by (endpoint) - -1 ^ 2"), "parsed");
}

TEST(PromqlParserTest, PrecedenceIsPrometheuss) {
  SeriesStore store;
  Evaluator ev(store);
  ParseError e;
  auto value = [&](const std::string& text) { return ev.instant(*parse_promql(text, &e), 0).at(0).value; };
  EXPECT_EQ(value("-2 ^ 2"), -4);
  EXPECT_EQ(value("2 ^ 3 ^ 2"), 512);  // right-associative
  EXPECT_EQ(value("1 + 2 * 3 % 4"), 3);
  EXPECT_EQ(value("1 < bool 2 + 0"), 1);
}

TEST(PromqlFunctionsTest, RateExtrapolatesToTheRangesEdges) {
  const std::int64_t t[] = {60'000, 120'000, 180'000, 240'000};
  const double v[] = {10, 20, 30, 40};
  double out = 0;
  // Samples within 1.1 intervals of both edges: extrapolated to [0, 300] s.
  ASSERT_TRUE(extrapolated_rate(t, v, 4, 0, 300'000, 300'000, false, &out));
  EXPECT_DOUBLE_EQ(out, 50);
  ASSERT_TRUE(extrapolated_rate(t, v, 4, 0, 300'000, 300'000, true, &out));
  EXPECT_DOUBLE_EQ(out, 50.0 / 300);
  // A reset from 8 to 2 counts the 8 already seen.
  const double reset[] = {5, 8, 2, 4};
  ASSERT_TRUE(extrapolated_rate(t, reset, 4, 0, 300'000, 300'000, false, &out));
  EXPECT_DOUBLE_EQ(out, 7 * 300.0 / 180);
  EXPECT_FALSE(extrapolated_rate(t, v, 1, 0, 300'000, 300'000, true, &out));
}

TEST(PromqlFunctionsTest, RateStopsAtTheCountersZeroAndHalfAnIntervalFromAFarEdge) {
  const std::int64_t t[] = {250'000, 260'000, 270'000, 280'000, 290'000, 300'000};
  const double v[] = {5, 6, 7, 8, 9, 10};
  double out = 0;
  // 250 s to the start is more than 1.1 intervals (and the zero point 50 s back too): half an
  // interval, 5 s; the end is the last sample.
  ASSERT_TRUE(extrapolated_rate(t, v, 6, 0, 300'000, 300'000, false, &out));
  EXPECT_DOUBLE_EQ(out, 5 * 55.0 / 50);
  ASSERT_TRUE(instant_rate(t, v, 6, &out));
  EXPECT_DOUBLE_EQ(out, 0.1);
  const double reset[] = {5, 6, 7, 8, 9, 3};
  ASSERT_TRUE(instant_rate(t, reset, 6, &out));
  EXPECT_DOUBLE_EQ(out, 0.3);
}

TEST(PromqlFunctionsTest, BucketQuantileInterpolatesWithinTheBucket) {
  const double inf = INFINITY;
  EXPECT_DOUBLE_EQ(bucket_quantile(0.5, {{0.5, 30}, {inf, 40}, {0.1, 10}}), 0.3);
  EXPECT_DOUBLE_EQ(bucket_quantile(0.05, {{0.1, 10}, {0.5, 30}, {inf, 40}}), 0.02);
  EXPECT_DOUBLE_EQ(bucket_quantile(0.9, {{0.1, 10}, {0.5, 30}, {inf, 40}}), 0.5);  // in +Inf: the last finite bound
  EXPECT_TRUE(std::isnan(bucket_quantile(0.5, {{0.1, 10}, {0.5, 30}})));              // no +Inf bucket
  EXPECT_TRUE(std::isnan(bucket_quantile(0.5, {{0.1, 0}, {inf, 0}})));                // no observation
  EXPECT_EQ(bucket_quantile(1.5, {{0.1, 1}, {inf, 1}}), inf);
}

TEST(PromqlEvaluatorTest, SelectorsLookBackFiveMinutesAndStopAtAStalenessMarker) {
  SeriesStore store;
  store.add({{"__name__", "up"}, {"job", "a"}}, {0}, {1});
  store.add({{"__name__", "up"}, {"job", "b"}}, {0, 60'000}, {1, stale_marker()});
  Evaluator ev(store);
  ParseError e;
  const ExprPtr expr = parse_promql("up", &e);
  EXPECT_EQ(ev.instant(*expr, 0).size(), 2u);
  EXPECT_EQ(ev.instant(*expr, 60'000).size(), 1u);  // b ended at 60 s
  EXPECT_EQ(ev.instant(*expr, 300'000).size(), 1u);
  EXPECT_EQ(ev.instant(*expr, 300'001).size(), 0u);  // more than 5 m after the last sample
}

TEST(PromqlEvaluatorTest, AggregatesMatchesAndFilters) {
  SeriesStore store;
  store.add({{"__name__", "x"}, {"e", "a"}, {"s", "200"}}, {0}, {3});
  store.add({{"__name__", "x"}, {"e", "a"}, {"s", "500"}}, {0}, {1});
  store.add({{"__name__", "x"}, {"e", "b"}, {"s", "500"}}, {0}, {4});
  Evaluator ev(store);
  ParseError e;
  auto eval = [&](const std::string& text) {
    const ExprPtr expr = parse_promql(text, &e);
    EXPECT_TRUE(expr) << text << ": " << e.message;
    return ev.instant(*expr, 0);
  };
  const Vector by_e = eval("sum by (e) (x)");
  ASSERT_EQ(by_e.size(), 2u);
  EXPECT_EQ(by_e[0].labels, (Labels{{"e", "a"}}));
  EXPECT_EQ(by_e[0].value, 4);
  EXPECT_EQ(eval("avg without (e, s) (x)").at(0).value, 8.0 / 3);
  EXPECT_EQ(eval("count(x{s=~\"5..\"})").at(0).value, 2);
  EXPECT_EQ(eval("max(x{s!=\"200\"})").at(0).value, 4);
  EXPECT_EQ(eval("min(x{e!~\"b\"})").at(0).value, 1);
  // A comparison keeps the name and the value; bool drops the name and gives 0 or 1.
  const Vector filtered = eval("x > 2");
  ASSERT_EQ(filtered.size(), 2u);
  EXPECT_EQ(filtered[0].labels.at(0), (std::pair<std::string, std::string>{"__name__", "x"}));
  EXPECT_EQ(eval("2 < x").size(), 2u);
  EXPECT_EQ(eval("x > bool 2").size(), 3u);
  // x{s="500"} / on(e) the per-endpoint sum: the share of 500s, labelled by e only.
  const Vector share = eval("x{s=\"500\"} / on (e) sum by (e) (x)");
  ASSERT_EQ(share.size(), 2u);
  EXPECT_EQ(share[0].labels, (Labels{{"e", "a"}}));
  EXPECT_EQ(share[0].value, 0.25);
  EXPECT_EQ(share[1].value, 1);
  EXPECT_THROW(eval("x / on (e) x"), EvalError);  // many-to-many
  EXPECT_EQ(eval("x{s=\"500\"} and on (e) x{s=\"200\"}").size(), 1u);
  EXPECT_EQ(eval("x{s=\"500\"} unless on (e) x{s=\"200\"}").size(), 1u);
  EXPECT_EQ(eval("x{s=\"200\"} or x").size(), 3u);
}

TEST(PrometheusRuleFileTest, ErrorsGiveFileLineAndColumn) {
  std::vector<std::string> errors;
  const std::string text =
      "groups:\n"
      "  - name: g\n"
      "    interval: 30s\n"
      "    rules:\n"
      "      - alert: A\n"
      "        expr: sum(rate(x[5m])) > 1\n"
      "        for: 2m\n"
      "        keep_firing_for: 1m\n"
      "        labels: {severity: page}\n"
      "      - alert: B\n"
      "        expr: |\n"
      "          x\n"
      "            + absent(y)\n"
      "      - record: r\n"
      "        expr: x\n"
      "        for: 1m\n"
      "      - alert: C\n"
      "        expr: x\n"
      "        labels: {team: '{{ $labels.team }}'}\n"
      "      - alert: D\n"
      "        expr: 'x offset 5m'\n"
      "        unknown: 1\n";
  const RuleSet set = load_rule_text(text, "r.yml", &errors);
  ASSERT_EQ(errors.size(), 5u);
  EXPECT_EQ(errors[0], "r.yml:13:15: alert \"B\": outside faultline's PromQL subset or invalid: function absent()");
  EXPECT_EQ(errors[1], "r.yml:14:9: recording rule \"r\": invalid field 'for', 'keep_firing_for' or 'annotations' in recording rule");
  EXPECT_EQ(errors[2], "r.yml:19:24: a template in the value of label team (faultline does not expand templates in labels)");
  EXPECT_EQ(errors[3], "r.yml:22:9: field unknown not found in type rulefmt.Rule");
  EXPECT_EQ(errors[4], "r.yml:21:18: alert \"D\": outside faultline's PromQL subset or invalid: the offset modifier");
  EXPECT_TRUE(set.groups.empty());  // a group with a bad rule is not evaluated at all
  errors.clear();
  const RuleSet good = load_rule_text(text.substr(0, text.find("      - alert: B")), "r.yml", &errors);
  EXPECT_TRUE(errors.empty());
  ASSERT_EQ(good.groups.size(), 1u);
  EXPECT_EQ(good.groups[0].interval_ms, 30'000);
  ASSERT_EQ(good.groups[0].rules.size(), 1u);
  const PrometheusRule& a = good.groups[0].rules[0];
  EXPECT_EQ(a.alert, "A");
  EXPECT_EQ(a.for_ms, 120'000);
  EXPECT_EQ(a.keep_firing_for_ms, 60'000);
  EXPECT_EQ(a.where, "r.yml:5");
  EXPECT_EQ(a.labels, (Labels{{"severity", "page"}}));
}

TEST(PrometheusRuleFileTest, IntervalDefaultsToOneMinuteAndYamlErrorsArePlaced) {
  std::vector<std::string> errors;
  const RuleSet set = load_rule_text("groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: x > 1\n", "a.yml", &errors);
  ASSERT_TRUE(errors.empty());
  EXPECT_EQ(set.groups.at(0).interval_ms, 60'000);
  load_rule_text("groups:\n  - name: g\n   rules: [\n", "b.yml", &errors);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].rfind("b.yml:", 0), 0u) << errors[0];
}

}  // namespace
}  // namespace faultline::monitoring::promql

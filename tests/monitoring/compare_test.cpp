#include "monitoring/compare.h"

#include <gtest/gtest.h>

namespace faultline::monitoring {
namespace {

using nlohmann::json;

json summary(double availability, double p95, double p99, double error_rate, double throughput) {
  return json{
      {"experiment", "ai-outage"},
      {"slis",
       json::array({{{"name", "availability"}, {"current", availability}},
                    {{"name", "latency_p95"}, {"current", p95}},
                    {{"name", "latency_p99"}, {"current", p99}},
                    {{"name", "error_rate"}, {"current", error_rate}},
                    {{"name", "throughput"}, {"current", throughput}}})},
      {"breakers", json::object()},
      {"checks", json::array()},
  };
}

json base() { return summary(99.9, 400, 800, 0.1, 100); }

TEST(Compare, IdenticalSummariesPass) {
  const CompareResult r = compare_summaries(base(), base(), 5);
  EXPECT_TRUE(r.regressions.empty());
  EXPECT_TRUE(r.improvements.empty());
  EXPECT_EQ(r.exit_code(), 0);
}

TEST(Compare, LatencyToleranceEdge) {
  // 400 -> 420 ms is exactly +5 %: not beyond the tolerance.
  EXPECT_EQ(compare_summaries(base(), summary(99.9, 420, 800, 0.1, 100), 5).exit_code(), 0);
  const CompareResult r = compare_summaries(base(), summary(99.9, 420.5, 800, 0.1, 100), 5);
  ASSERT_EQ(r.regressions.size(), 1u);
  EXPECT_EQ(r.regressions[0].kind, "sli");
  EXPECT_EQ(r.regressions[0].subject, "latency_p95");
  EXPECT_NEAR(*r.regressions[0].change_pct, 5.125, 1e-9);
  EXPECT_EQ(r.regressions[0].message, "sli latency_p95: 400.000 -> 420.500 ms (+5.1 %, tolerance 5 %)");
  EXPECT_EQ(r.exit_code(), 1);
}

TEST(Compare, EachSliInItsBadDirection) {
  EXPECT_EQ(compare_summaries(base(), summary(99.9, 400, 900, 0.1, 100), 5).regressions.at(0).subject, "latency_p99");
  EXPECT_EQ(compare_summaries(base(), summary(99.9, 400, 800, 0.2, 100), 5).regressions.at(0).subject, "error_rate");
  EXPECT_EQ(compare_summaries(base(), summary(99.9, 400, 800, 0.1, 90), 5).regressions.at(0).subject, "throughput");
  // Availability as its failure share: 0.1 -> 0.2 points is +100 %.
  const CompareResult a = compare_summaries(base(), summary(99.8, 400, 800, 0.1, 100), 5);
  ASSERT_EQ(a.regressions.size(), 1u);
  EXPECT_EQ(a.regressions[0].subject, "availability");
  EXPECT_NEAR(*a.regressions[0].change_pct, 100, 1e-6);
  // The good directions are improvements, never regressions.
  const CompareResult better = compare_summaries(base(), summary(99.99, 300, 600, 0.01, 120), 5);
  EXPECT_TRUE(better.regressions.empty());
  EXPECT_EQ(better.improvements.size(), 5u);
}

TEST(Compare, AbsoluteFloorForZeroBaselines) {
  // 0 -> 0.001 % errors is below the 0.01-point floor: noise, not an infinite change.
  EXPECT_EQ(compare_summaries(summary(100, 400, 800, 0, 100), summary(100, 400, 800, 0.001, 100), 5).exit_code(), 0);
  // 0 -> 0.5 % is a regression of 0.5 / 0.01 = +5000 %.
  const CompareResult r = compare_summaries(summary(100, 400, 800, 0, 100), summary(100, 400, 800, 0.5, 100), 5);
  ASSERT_EQ(r.regressions.size(), 1u);
  EXPECT_NEAR(*r.regressions[0].change_pct, 5000, 1e-6);
  // Latency 0.2 -> 0.9 ms: +350 % but under the 1 ms floor.
  EXPECT_EQ(compare_summaries(summary(100, 0.2, 800, 0, 100), summary(100, 0.9, 800, 0, 100), 5).exit_code(), 0);
}

TEST(Compare, AcceptsUnitSuffixedNames) {
  json b = base();
  json c = base();
  c["slis"][1]["name"] = "latency_p95_ms";
  c["slis"][1]["current"] = 500;
  EXPECT_EQ(compare_summaries(b, c, 5).regressions.at(0).subject, "latency_p95");
}

TEST(Compare, CheckThatNowFails) {
  json b = base(), c = base();
  b["checks"] = json::array({{{"name", "breaker x never opens"}, {"passed", true}, {"detail", "never opened"}},
                             {{"name", "sli availability at least 99"}, {"passed", false}, {"detail", "98 %"}}});
  c["checks"] = json::array({{{"name", "breaker x never opens"}, {"passed", false}, {"detail", "opened 1 time"}},
                             {{"name", "sli availability at least 99"}, {"passed", true}, {"detail", "99.5 %"}},
                             {{"name", "new check"}, {"passed", false}, {"detail", "d"}}});
  const CompareResult r = compare_summaries(b, c, 5);
  ASSERT_EQ(r.regressions.size(), 2u);
  EXPECT_EQ(r.regressions[0].message, "check 'breaker x never opens' passed, now fails: opened 1 time");
  EXPECT_EQ(r.regressions[1].message, "check 'new check' fails (not in the baseline): d");
  ASSERT_EQ(r.improvements.size(), 1u);
  EXPECT_EQ(r.improvements[0].subject, "sli availability at least 99");
}

TEST(Compare, BreakerThatNowOpens) {
  json b = base(), c = base();
  const json closed = {{"transitions", json::array()}};
  const json opened = {{"transitions", json::array({{{"at_s", 121.4}, {"from", "CLOSED"}, {"to", "OPEN"}}})}};
  b["breakers"] = {{"content-generation", closed}, {"postgres", opened}};
  c["breakers"] = {{"content-generation", opened}, {"postgres", closed}};
  const CompareResult r = compare_summaries(b, c, 5);
  ASSERT_EQ(r.regressions.size(), 1u);
  EXPECT_EQ(r.regressions[0].message,
            "breaker content-generation now opens (first at 121.400 s); it did not in the baseline");
  ASSERT_EQ(r.improvements.size(), 1u);
  EXPECT_EQ(r.improvements[0].subject, "postgres");
  // HALF_OPEN -> OPEN alone is not a new opening from CLOSED.
  c["breakers"]["postgres"] = {{"transitions", json::array({{{"at_s", 5}, {"from", "HALF_OPEN"}, {"to", "OPEN"}}})}};
  EXPECT_EQ(compare_summaries(b, c, 5).improvements.size(), 1u);
}

TEST(Compare, ReportAndJson) {
  const CompareResult r = compare_summaries(base(), summary(99.9, 500, 800, 0.1, 100), 5);
  const std::string text = format_compare(r);
  EXPECT_EQ(text,
            "REGRESSION  sli latency_p95: 400.000 -> 500.000 ms (+25.0 %, tolerance 5 %)\n"
            "FAIL: 1 regression, 0 improvements (tolerance 5 %)\n");
  const auto j = compare_json(r);
  EXPECT_EQ(j["passed"], false);
  EXPECT_EQ(j["regressions"][0]["subject"], "latency_p95");
  EXPECT_EQ(j["regressions"][0]["change_pct"], 25.0);
  EXPECT_EQ(format_compare(compare_summaries(base(), base(), 5)), "PASS: 0 regressions, 0 improvements (tolerance 5 %)\n");
}

TEST(Compare, NotesOtherExperimentsAndMissingSlis) {
  json c = base();
  c["experiment"] = "other";
  c["slis"].erase(4);
  const CompareResult r = compare_summaries(base(), c, 5);
  EXPECT_EQ(r.exit_code(), 0);
  ASSERT_EQ(r.notes.size(), 2u);
  EXPECT_EQ(r.notes[0], "different experiments: 'ai-outage' and 'other'");
  EXPECT_EQ(r.notes[1], "sli throughput is only in the baseline");
}

}  // namespace
}  // namespace faultline::monitoring

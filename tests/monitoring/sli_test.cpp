#include "monitoring/sli.h"

#include <gtest/gtest.h>

#include "sim/status.h"

#include "scripted_run.h"

namespace faultline::monitoring {
namespace {

using testing::ScriptedRun;
using testing::Second;

TEST(SliStatus, AvailabilityEdges) {
  EXPECT_EQ(sli_status(SliKind::kAvailability, 99.95, 99.9), SliStatus::kMeeting);
  EXPECT_EQ(sli_status(SliKind::kAvailability, 99.9, 99.9), SliStatus::kMeeting);
  EXPECT_EQ(sli_status(SliKind::kAvailability, 99.8999, 99.9), SliStatus::kAtRisk);
  EXPECT_EQ(sli_status(SliKind::kAvailability, 99.5, 99.9), SliStatus::kAtRisk);  // 99.9 - 0.4, rounding aside
  EXPECT_EQ(sli_status(SliKind::kAvailability, 100.0 * 995 / 1000, 99.9), SliStatus::kAtRisk);
  EXPECT_EQ(sli_status(SliKind::kAvailability, 99.4999, 99.9), SliStatus::kBreaching);
}

TEST(SliStatus, LatencyEdges) {
  for (SliKind k : {SliKind::kLatencyP95, SliKind::kLatencyP99}) {
    EXPECT_EQ(sli_status(k, 500, 500), SliStatus::kMeeting);
    EXPECT_EQ(sli_status(k, 500.001, 500), SliStatus::kAtRisk);
    EXPECT_EQ(sli_status(k, 750, 500), SliStatus::kAtRisk);
    EXPECT_EQ(sli_status(k, 750.001, 500), SliStatus::kBreaching);
  }
  EXPECT_EQ(sli_status(SliKind::kLatencyP99, 1500, 1000), SliStatus::kAtRisk);
  EXPECT_EQ(sli_status(SliKind::kLatencyP99, 1500.01, 1000), SliStatus::kBreaching);
}

TEST(SliStatus, ErrorRateEdges) {
  EXPECT_EQ(sli_status(SliKind::kErrorRate, 0, 0.1), SliStatus::kMeeting);
  EXPECT_EQ(sli_status(SliKind::kErrorRate, 0.1, 0.1), SliStatus::kMeeting);
  EXPECT_EQ(sli_status(SliKind::kErrorRate, 0.1001, 0.1), SliStatus::kAtRisk);
  EXPECT_EQ(sli_status(SliKind::kErrorRate, 1.0, 0.1), SliStatus::kAtRisk);  // 10 x 0.1, rounding aside
  EXPECT_EQ(sli_status(SliKind::kErrorRate, 1.0001, 0.1), SliStatus::kBreaching);
}

TEST(SliStatus, ThroughputEdges) {
  EXPECT_EQ(sli_status(SliKind::kThroughput, 100, 100), SliStatus::kMeeting);
  EXPECT_EQ(sli_status(SliKind::kThroughput, 99.99, 100), SliStatus::kAtRisk);
  EXPECT_EQ(sli_status(SliKind::kThroughput, 90, 100), SliStatus::kAtRisk);
  EXPECT_EQ(sli_status(SliKind::kThroughput, 89.99, 100), SliStatus::kBreaching);
}

TEST(SliNames, AcceptsBothSpellings) {
  EXPECT_EQ(parse_sli_name("latency_p95"), SliKind::kLatencyP95);
  EXPECT_EQ(parse_sli_name("latency_p95_ms"), SliKind::kLatencyP95);
  EXPECT_EQ(parse_sli_name("latency_p99_ms"), SliKind::kLatencyP99);
  EXPECT_EQ(parse_sli_name("throughput_rps"), SliKind::kThroughput);
  EXPECT_EQ(parse_sli_name("error_rate"), SliKind::kErrorRate);
  EXPECT_EQ(parse_sli_name("availability"), SliKind::kAvailability);
  EXPECT_EQ(parse_sli_name("latency"), std::nullopt);
}

TEST(SliTrend, DeadBandEdges) {
  // Latency: 10 % of 100 ms.
  EXPECT_EQ(sli_trend(SliKind::kLatencyP95, 100, 110), Trend::kStable);
  EXPECT_EQ(sli_trend(SliKind::kLatencyP95, 100, 110.01), Trend::kDegrading);
  EXPECT_EQ(sli_trend(SliKind::kLatencyP95, 100, 89.99), Trend::kImproving);
  // Below the 1 ms floor, noise.
  EXPECT_EQ(sli_trend(SliKind::kLatencyP95, 2, 2.9), Trend::kStable);
  // Availability compares the failure share: 1.0 -> 1.1 points is the 10 % band.
  EXPECT_EQ(sli_trend(SliKind::kAvailability, 99.0, 98.9), Trend::kStable);
  EXPECT_EQ(sli_trend(SliKind::kAvailability, 99.0, 98.8), Trend::kDegrading);
  EXPECT_EQ(sli_trend(SliKind::kAvailability, 99.0, 99.2), Trend::kImproving);
  EXPECT_EQ(sli_trend(SliKind::kAvailability, 100, 99.98), Trend::kDegrading);  // 0 -> 0.02 points > floor
  // Throughput: lower is worse.
  EXPECT_EQ(sli_trend(SliKind::kThroughput, 100, 90), Trend::kStable);
  EXPECT_EQ(sli_trend(SliKind::kThroughput, 100, 89.9), Trend::kDegrading);
  EXPECT_EQ(sli_trend(SliKind::kThroughput, 100, 110.1), Trend::kImproving);
  EXPECT_EQ(sli_trend(SliKind::kErrorRate, 0, 0.005), Trend::kStable);
  EXPECT_EQ(sli_trend(SliKind::kErrorRate, 0, 0.02), Trend::kDegrading);
}

TEST(ComputeSlis, TotalsAfterWarmup) {
  auto e = testing::basic_experiment(std::chrono::seconds(20));
  e.warmup = std::chrono::seconds(10);
  e.slo.availability = 99.9;
  e.slo.latency_p95_ms = 500;
  e.slo.error_rate = 0.1;
  e.slo.throughput_rps = 100;
  ScriptedRun run(e);
  run.seconds(10, Second{.ok = 50, .failed = 50});  // warm-up: not counted
  run.seconds(10, Second{.ok = 99, .failed = 1, .latency = millis(40)});
  const auto slis = compute_slis(run.outcome());
  ASSERT_EQ(slis.size(), 5u);
  EXPECT_EQ(slis[0].name, "availability");
  EXPECT_DOUBLE_EQ(slis[0].current, 99.0);
  EXPECT_EQ(slis[0].status, SliStatus::kBreaching);
  EXPECT_EQ(slis[0].unit, "%");
  EXPECT_EQ(slis[1].name, "latency_p95");
  EXPECT_NEAR(slis[1].current, 40, 1);
  EXPECT_EQ(slis[1].status, SliStatus::kMeeting);
  EXPECT_EQ(slis[2].name, "latency_p99");
  EXPECT_FALSE(slis[2].target.has_value());
  EXPECT_EQ(slis[3].name, "error_rate");
  EXPECT_DOUBLE_EQ(slis[3].current, 1.0);
  EXPECT_EQ(slis[3].status, SliStatus::kAtRisk);
  EXPECT_EQ(slis[4].name, "throughput");
  EXPECT_DOUBLE_EQ(slis[4].current, 100.0);  // 1000 requests over 20 - 10 s
  EXPECT_EQ(slis[4].status, SliStatus::kMeeting);
}

// A client timeout (499) and a request never answered (0) are failures the client saw: they
// lower availability and count in the error rate beside the 5xx answers.
TEST(ComputeSlis, ClientTimeoutsAndNoAnswersCountAgainstAvailabilityAndErrorRate) {
  auto e = testing::basic_experiment(std::chrono::seconds(10));
  ScriptedRun run(e);
  run.seconds(2, Second{.ok = 90, .failed = 5, .status = 503});
  run.seconds(2, Second{.ok = 0, .failed = 3, .status = sim::kStatusClientTimeout});
  run.seconds(2, Second{.ok = 0, .failed = 2, .status = sim::kStatusNoAnswer});
  const auto slis = compute_slis(run.outcome());
  const std::uint64_t total = 2 * (95 + 3 + 2);
  EXPECT_EQ(run.metrics().totals().total, total);
  EXPECT_EQ(run.metrics().totals().client_timeouts, 6u);
  EXPECT_EQ(run.metrics().totals().unanswered, 4u);
  EXPECT_EQ(run.metrics().totals().server_errors, 10u);
  EXPECT_DOUBLE_EQ(slis[0].current, 100.0 * 180 / total);        // availability
  EXPECT_DOUBLE_EQ(slis[3].current, 100.0 * (10 + 6 + 4) / total);  // error rate
}

TEST(ComputeSlis, NoRequests) {
  ScriptedRun run(testing::basic_experiment(std::chrono::seconds(5)));
  run.seconds(5, Second{});
  const auto slis = compute_slis(run.outcome());
  EXPECT_DOUBLE_EQ(slis[0].current, 100);
  EXPECT_DOUBLE_EQ(slis[1].current, 0);
  EXPECT_DOUBLE_EQ(slis[3].current, 0);
  EXPECT_DOUBLE_EQ(slis[4].current, 0);
}

TEST(TimelineTrend, LastTenthAgainstTheTenthBefore) {
  ScriptedRun run(testing::basic_experiment());
  run.seconds(90, Second{.ok = 100, .latency = millis(100)});
  run.seconds(10, Second{.ok = 90, .failed = 10, .latency = millis(300)});
  const RunOutcome o = run.outcome();
  EXPECT_EQ(timeline_trend(o, SliKind::kAvailability), Trend::kDegrading);
  EXPECT_EQ(timeline_trend(o, SliKind::kErrorRate), Trend::kDegrading);
  EXPECT_EQ(timeline_trend(o, SliKind::kLatencyP95), Trend::kDegrading);
  EXPECT_EQ(timeline_trend(o, SliKind::kThroughput), Trend::kStable);
}

TEST(TimelineTrend, StableWhenTooShort) {
  ScriptedRun run(testing::basic_experiment(std::chrono::seconds(1)));
  run.seconds(1, Second{.ok = 10});
  EXPECT_EQ(timeline_trend(run.outcome(), SliKind::kThroughput), Trend::kStable);
}

TEST(SliToString, Names) {
  EXPECT_EQ(to_string(SliStatus::kAtRisk), "at_risk");
  EXPECT_EQ(to_string(SliStatus::kBreaching), "breaching");
  EXPECT_EQ(to_string(Trend::kDegrading), "degrading");
}

}  // namespace
}  // namespace faultline::monitoring

#include "monitoring/health_report.h"

#include <gtest/gtest.h>

#include "scripted_run.h"

namespace faultline::monitoring {
namespace {

using std::chrono::seconds;
using testing::ScriptedRun;
using testing::Second;

TEST(VirtualTimestamp, Iso8601FromTheEpoch) {
  EXPECT_EQ(virtual_timestamp(Instant{0}), "1970-01-01T00:00:00Z");
  EXPECT_EQ(virtual_timestamp(millis(121400)), "1970-01-01T00:02:01.400Z");
  EXPECT_EQ(virtual_timestamp(seconds(3600)), "1970-01-01T01:00:00Z");
  EXPECT_EQ(virtual_timestamp(seconds(86400 * 59)), "1970-03-01T00:00:00Z");  // 1970 is not a leap year
  EXPECT_EQ(virtual_timestamp(seconds(86400 * 365 * 2 + 86400 * 59)), "1972-02-29T00:00:00Z");
}

class HealthReportTest : public ::testing::Test {
 protected:
  HealthReportTest() {
    auto e = testing::basic_experiment(seconds(900));
    e.breakers["optimization-engine"] = testing::breaker("optimization-engine", "ai_service");
    e.slo.availability = 99.9;
    e.slo.latency_p95_ms = 500;
    e.slo.latency_p99_ms = 1000;
    e.slo.error_rate = 0.1;
    run_ = std::make_unique<ScriptedRun>(e);
  }
  std::unique_ptr<ScriptedRun> run_;
};

TEST_F(HealthReportTest, GuideShapeWhenHealthy) {
  run_->seconds(120, Second{.ok = 100, .latency = millis(50)});
  const auto h = health_report(run_->outcome());
  std::vector<std::string> keys;
  for (const auto& [k, v] : h.items()) keys.push_back(k);
  EXPECT_EQ(keys, (std::vector<std::string>{"status", "timestamp", "uptime", "slis", "circuitBreakers"}));
  EXPECT_EQ(h["status"], "healthy");
  EXPECT_EQ(h["timestamp"], "1970-01-01T00:02:00Z");
  EXPECT_EQ(h["uptime"], 120);
  ASSERT_EQ(h["slis"].size(), 5u);
  const auto& a = h["slis"][0];
  EXPECT_EQ(a["name"], "Availability");
  EXPECT_EQ(a["current"], 100);
  EXPECT_EQ(a["target"], 99.9);
  EXPECT_EQ(a["unit"], "%");
  EXPECT_EQ(a["status"], "meeting");
  EXPECT_EQ(a["trend"], "stable");
  EXPECT_EQ(h["slis"][1]["name"], "Latency P95");
  EXPECT_EQ(h["slis"][3]["name"], "Error Rate");
  EXPECT_TRUE(h["slis"][4]["target"].is_null());  // no throughput target
  const auto& b = h["circuitBreakers"]["ai_service:optimization-engine"];
  EXPECT_EQ(b["state"], "CLOSED");
  EXPECT_EQ(b["failureCount"], 0);
  EXPECT_EQ(b["healthStatus"], "healthy");
}

TEST_F(HealthReportTest, DegradedWhenABreakerIsOpen) {
  run_->seconds(10, Second{.ok = 100, .latency = millis(50)});
  auto& b = run_->metrics().breakers()[0];
  b.state_at_end = "OPEN";
  b.failure_count_at_end = 5;
  b.health_at_end = "unhealthy";
  const auto h = health_report(run_->outcome());
  EXPECT_EQ(h["status"], "degraded");
  EXPECT_EQ(h["circuitBreakers"]["ai_service:optimization-engine"]["failureCount"], 5);
  EXPECT_EQ(h["circuitBreakers"]["ai_service:optimization-engine"]["healthStatus"], "unhealthy");
}

TEST_F(HealthReportTest, DegradedWhenAtRisk) {
  run_->seconds(10, Second{.ok = 998, .failed = 2, .status = 503, .latency = millis(50)});  // 99.8 %, 0.2 % 5xx
  const auto h = health_report(run_->outcome());
  EXPECT_EQ(h["slis"][0]["status"], "at_risk");
  EXPECT_EQ(h["slis"][3]["status"], "at_risk");
  EXPECT_EQ(h["status"], "degraded");
}

TEST_F(HealthReportTest, UnhealthyWhenBreaching) {
  run_->seconds(10, Second{.ok = 980, .failed = 20, .status = 503, .latency = millis(50)});  // 98 %, 2 % 5xx
  const auto h = health_report(run_->outcome());
  EXPECT_EQ(h["slis"][0]["current"], 98);
  EXPECT_EQ(h["slis"][0]["status"], "breaching");
  EXPECT_EQ(h["slis"][3]["current"], 2);
  EXPECT_EQ(h["slis"][3]["status"], "breaching");
  EXPECT_EQ(h["status"], "unhealthy");
}

}  // namespace
}  // namespace faultline::monitoring

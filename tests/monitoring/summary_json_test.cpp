#include "monitoring/summary_json.h"

#include <limits>

#include <gtest/gtest.h>

#include "monitoring/evaluate.h"
#include "scripted_run.h"

namespace faultline::monitoring {
namespace {

using std::chrono::seconds;
using testing::ScriptedRun;
using testing::Second;

std::vector<std::string> keys_of(const nlohmann::ordered_json& j) {
  std::vector<std::string> keys;
  for (const auto& [k, v] : j.items()) keys.push_back(k);
  return keys;
}

TEST(JsonNumber, RoundsToThreeDecimals) {
  EXPECT_EQ(json_number(900).dump(), "900");
  EXPECT_EQ(json_number(120.4).dump(), "120.4");
  EXPECT_EQ(json_number(0.1 + 0.2).dump(), "0.3");
  EXPECT_EQ(json_number(99.94449).dump(), "99.944");
  EXPECT_EQ(json_number(99.94451).dump(), "99.945");
  EXPECT_EQ(json_number(-1.23451).dump(), "-1.235");
  EXPECT_EQ(json_number(-0.0001).dump(), "0");
  EXPECT_EQ(json_number(2.9999).dump(), "3");
  EXPECT_TRUE(json_number(std::numeric_limits<double>::infinity()).is_null());
}

class SummaryJsonTest : public ::testing::Test {
 protected:
  SummaryJsonTest() {
    auto e = testing::basic_experiment(seconds(30));
    e.name = "ai-outage";
    e.seed = 18446744073709551615ull;  // the whole 64-bit range survives
    e.breakers["content-generation"] = testing::breaker("content-generation", "ai_service");
    e.dependencies.push_back(testing::dependency("openai"));
    experiments::FaultConfig f;
    f.target = "openai";
    f.start = seconds(10);
    f.duration = seconds(5);
    e.faults = {f};
    e.slo.availability = 99.9;
    experiments::Expectation x;
    x.kind = experiments::ExpectKind::kNeverOpens;
    x.breaker = "content-generation";
    x.pointer = "/expect/0";
    e.expect = {x};
    run_ = std::make_unique<ScriptedRun>(e);
    run_->seconds(10, Second{.ok = 100, .latency = millis(40)});
    run_->seconds(5, Second{.ok = 50, .failed = 50, .status = 503, .latency = millis(40),
                            .breakers = {sim::BreakerSecondState::kOpen}});
    run_->seconds(15, Second{.ok = 100, .latency = millis(40)});
    auto& b = run_->metrics().breakers()[0];
    b.transitions = {testing::transition(10.4004, "CLOSED", "OPEN", "5 consecutive failures"),
                     testing::transition(15.5, "OPEN", "HALF_OPEN", "recovery timeout"),
                     testing::transition(15.6, "HALF_OPEN", "CLOSED", "trial call succeeded")};
    run_->metrics().dependencies()[0].calls = 3000;
    run_->metrics().dependencies()[0].latency.record(millis(12));
    run_->metrics().faults()[0].hits = 250;
  }
  nlohmann::ordered_json summary() {
    const RunOutcome o = run_->outcome();
    return summary_json(o, evaluate(o));
  }
  std::unique_ptr<ScriptedRun> run_;
};

TEST_F(SummaryJsonTest, ContractKeysInOrder) {
  const auto s = summary();
  EXPECT_EQ(keys_of(s), (std::vector<std::string>{"experiment", "seed", "duration_s", "warmup_s", "requests",
                                                  "latency_ms", "throughput_rps", "slis", "breakers",
                                                  "dependencies", "coalescing", "faults", "alerts", "checks",
                                                  "passed"}));
  EXPECT_EQ(keys_of(s["requests"]), (std::vector<std::string>{"total", "succeeded", "failed", "degraded",
                                                             "by_status", "server_errors", "client_timeouts",
                                                             "unanswered", "unfinished"}));
  EXPECT_EQ(keys_of(s["latency_ms"]), (std::vector<std::string>{"mean", "p50", "p95", "p99", "max"}));
  EXPECT_EQ(keys_of(s["slis"][0]), (std::vector<std::string>{"name", "current", "target", "unit", "status", "trend"}));
  EXPECT_EQ(keys_of(s["breakers"]["content-generation"]),
            (std::vector<std::string>{"type", "state_at_end", "rejected", "calls_while_open", "transitions"}));
  EXPECT_EQ(keys_of(s["breakers"]["content-generation"]["transitions"][0]),
            (std::vector<std::string>{"at_s", "from", "to", "reason"}));
  EXPECT_EQ(keys_of(s["dependencies"]["openai"]), (std::vector<std::string>{"calls", "errors", "latency_ms", "timeouts"}));
  EXPECT_EQ(keys_of(s["dependencies"]["openai"]["latency_ms"]), (std::vector<std::string>{"mean", "p95", "p99"}));
  EXPECT_EQ(keys_of(s["coalescing"]),
            (std::vector<std::string>{"requests", "executions", "cache_hits", "joined_in_flight"}));
  EXPECT_EQ(keys_of(s["faults"][0]),
            (std::vector<std::string>{"index", "target", "kind", "label", "start_s", "end_s", "hits"}));
  EXPECT_EQ(keys_of(s["checks"][0]), (std::vector<std::string>{"name", "passed", "detail", "pointer"}));
}

// live --target: the never_opens item has no data; the check says so, and the run fails.
TEST_F(SummaryJsonTest, ACheckWithNoDataIsMarkedNotEvaluated) {
  RunOutcome o = run_->outcome();
  o.unobserved = "no data in live --target run";
  const auto s = summary_json(o, evaluate(o));
  EXPECT_EQ(keys_of(s["checks"][0]), (std::vector<std::string>{"name", "passed", "detail", "pointer", "evaluated"}));
  EXPECT_EQ(s["checks"][0]["evaluated"], false);
  EXPECT_EQ(s["checks"][0]["passed"], false);
  EXPECT_EQ(s["passed"], false);
}

TEST_F(SummaryJsonTest, Values) {
  const auto s = summary();
  EXPECT_EQ(s["experiment"], "ai-outage");
  EXPECT_EQ(s["seed"].get<std::uint64_t>(), 18446744073709551615ull);
  EXPECT_EQ(s["duration_s"].dump(), "30");
  const auto& r = s["requests"];
  EXPECT_EQ(r["total"], 3000);
  EXPECT_EQ(r["succeeded"], 2750);
  EXPECT_EQ(r["failed"], 250);
  EXPECT_EQ(r["server_errors"], 250);
  std::uint64_t by_status = 0;
  for (const auto& [k, v] : r["by_status"].items()) by_status += v.get<std::uint64_t>();
  EXPECT_EQ(by_status, r["total"].get<std::uint64_t>());
  EXPECT_EQ(r["by_status"]["200"], 2750);
  EXPECT_EQ(r["by_status"]["503"], 250);
  EXPECT_EQ(s["throughput_rps"], 100);
  EXPECT_EQ(s["breakers"]["content-generation"]["transitions"][0]["at_s"].dump(), "10.4");
  EXPECT_EQ(s["faults"][0]["kind"], "outage");
  EXPECT_EQ(s["faults"][0]["start_s"], 10);
  EXPECT_EQ(s["faults"][0]["end_s"], 15);
  EXPECT_EQ(s["faults"][0]["hits"], 250);
  // 250 / 3000 failed: availability 91.667 % (rounded), breaching the 99.9 % target.
  EXPECT_EQ(s["slis"][0]["current"].dump(), "91.667");
  EXPECT_EQ(s["slis"][0]["status"], "breaching");
  EXPECT_EQ(s["checks"][0]["name"], "breaker content-generation never opens");
  EXPECT_EQ(s["checks"][0]["passed"], false);
  EXPECT_EQ(s["checks"][0]["pointer"], "/expect/0");
  EXPECT_EQ(s["checks"][1]["name"], "slo availability");
  EXPECT_EQ(s["passed"], false);
  // OPEN at the end of seconds 10..14; HighErrorRate goes pending but (for 120 s) never fires.
  ASSERT_EQ(s["alerts"].size(), 1u);
  EXPECT_EQ(keys_of(s["alerts"][0]),
            (std::vector<std::string>{"name", "fired_at_s", "resolved_at_s", "severity", "pending_at_s"}));
  EXPECT_EQ(s["alerts"][0]["name"], "CircuitBreakerOpen");
  EXPECT_EQ(s["alerts"][0]["fired_at_s"], 11);
  EXPECT_EQ(s["alerts"][0]["resolved_at_s"], 16);
}

TEST_F(SummaryJsonTest, DumpIsStable) {
  const std::string a = dump_summary(summary());
  const std::string b = dump_summary(summary());
  EXPECT_EQ(a, b);
  EXPECT_EQ(a.back(), '\n');
  EXPECT_EQ(a.substr(0, 29), "{\n  \"experiment\": \"ai-outage\"");
  EXPECT_EQ(nlohmann::json::parse(a)["seed"].get<std::uint64_t>(), 18446744073709551615ull);
}

}  // namespace
}  // namespace faultline::monitoring

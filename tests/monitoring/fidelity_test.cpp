// Fidelity: the comparison math and the verdict against the tolerances, on hand-made
// evaluations and breaker records.
#include "monitoring/fidelity.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "alert_event.h"

namespace faultline::monitoring {
namespace {

using namespace std::chrono_literals;

monitoring::Evaluation eval(double availability, double p95, double p99, std::vector<std::string> alerts) {
  monitoring::Evaluation e;
  e.slis.push_back({"availability", availability, std::nullopt, "%"});
  e.slis.push_back({"latency_p95", p95, std::nullopt, "ms"});
  e.slis.push_back({"latency_p99", p99, std::nullopt, "ms"});
  e.slis.push_back({"throughput", 40, std::nullopt, "rps"});
  for (auto& a : alerts)
    e.alerts.push_back(monitoring::testing::alert_event(a, "page", 1, 2));
  return e;
}

sim::Metrics metrics_with(std::vector<Instant> transitions) {
  sim::MetricsLayout layout;
  layout.duration = 10s;
  layout.breakers = {"ai"};
  layout.breaker_types = {"ai_service"};
  sim::Metrics m(layout);
  const char* states[] = {"closed", "open", "half_open", "closed"};
  for (std::size_t i = 0; i < transitions.size(); ++i) {
    m.breakers()[0].transitions.push_back({transitions[i], states[i % 3], states[i % 3 + 1], "test"});
  }
  return m;
}

TEST(Fidelity, WithinTolerancesPasses) {
  const auto sm = metrics_with({3100ms, 5100ms});
  const auto lm = metrics_with({3400ms, 5200ms});
  const Fidelity f = compare(eval(90, 100, 200, {"a"}), sm, eval(88.5, 114, 170, {"a"}), lm, {});
  EXPECT_TRUE(f.passed) << (f.failures.empty() ? "" : f.failures[0]);
  ASSERT_EQ(f.slis.size(), 4u);
  EXPECT_DOUBLE_EQ(f.slis[0].diff, -1.5);
  EXPECT_DOUBLE_EQ(*f.slis[1].rel_diff, 0.14);
  EXPECT_DOUBLE_EQ(*f.slis[2].rel_diff, -0.15);
  EXPECT_FALSE(f.slis[3].judged);
  ASSERT_EQ(f.breakers[0].transitions.size(), 2u);
  EXPECT_NEAR(*f.breakers[0].transitions[0].diff_s, 0.3, 1e-9);
}

TEST(Fidelity, EachToleranceFailsOnItsOwn) {
  const auto sm = metrics_with({3100ms});
  EXPECT_FALSE(compare(eval(90, 100, 200, {}), sm, eval(87.9, 100, 200, {}), sm, {}).passed);
  EXPECT_FALSE(compare(eval(90, 100, 200, {}), sm, eval(90, 116, 200, {}), sm, {}).passed);
  EXPECT_FALSE(compare(eval(90, 100, 200, {}), sm, eval(90, 100, 169, {}), sm, {}).passed);
  EXPECT_FALSE(compare(eval(90, 100, 200, {"a"}), sm, eval(90, 100, 200, {}), sm, {}).passed);
  EXPECT_FALSE(compare(eval(90, 100, 200, {}), sm, eval(90, 100, 200, {}), metrics_with({3700ms}), {}).passed);
  // A transition in one run only.
  const Fidelity f = compare(eval(90, 100, 200, {}), sm, eval(90, 100, 200, {}), metrics_with({3100ms, 5000ms}), {});
  EXPECT_FALSE(f.passed);
  EXPECT_FALSE(f.breakers[0].transitions[1].sim_s.has_value());
  EXPECT_EQ(f.failures.size(), 1u);
}

TEST(Fidelity, TolerancesFromTheFileApply) {
  experiments::FidelityTolerances t;
  t.availability_points = 5;
  t.latency_relative = 0.5;
  t.breaker_seconds = 1;
  t.same_alerts = false;
  const Fidelity f = compare(eval(90, 100, 200, {"a"}), metrics_with({3100ms}), eval(86, 140, 120, {}),
                             metrics_with({4000ms}), t);
  EXPECT_TRUE(f.passed);
}

TEST(Fidelity, JsonHasEverySliAndTheVerdict) {
  const auto sm = metrics_with({3100ms});
  const Fidelity f = compare(eval(90, 100, 200, {}), sm, eval(90, 0, 200, {}), sm, {});
  const auto j = nlohmann::json::parse(fidelity_json(f, R"({"send_lag":{"p99_ms":1.5}})"));
  EXPECT_EQ(j["verdict"], "fail");
  EXPECT_DOUBLE_EQ(j["slis"]["latency_p95"]["rel_diff"].get<double>(), -1.0);
  EXPECT_DOUBLE_EQ(j["slis"]["availability"]["diff"].get<double>(), 0.0);
  EXPECT_DOUBLE_EQ(j["breakers"]["ai"]["transitions"][0]["sim_s"].get<double>(), 3.1);
  EXPECT_DOUBLE_EQ(j["send_lag"]["p99_ms"].get<double>(), 1.5);
}

// live --target observes no breaker: the simulated transitions are not failed against an empty
// live record; the reason is recorded instead, and the SLIs are still judged.
TEST(Fidelity, UnobservedBreakersAreNotComparedAndSaySo) {
  const Fidelity f = compare(eval(90, 100, 200, {}), metrics_with({3100ms, 5000ms}), eval(90, 100, 200, {}),
                             metrics_with({}), {}, "no data in live --target run");
  EXPECT_TRUE(f.passed);
  EXPECT_TRUE(f.breakers.empty());
  ASSERT_EQ(f.not_compared.size(), 2u);
  EXPECT_EQ(f.not_compared[0].first, "breakers");
  EXPECT_EQ(f.not_compared[1].first, "dependencies");
  const auto j = nlohmann::json::parse(fidelity_json(f, ""));
  EXPECT_EQ(j["not_compared"]["breakers"], "no data in live --target run");
  EXPECT_TRUE(j["breakers"].empty());
  // Without the reason the same records fail: every simulated transition is missing live.
  EXPECT_FALSE(compare(eval(90, 100, 200, {}), metrics_with({3100ms}), eval(90, 100, 200, {}), metrics_with({}), {})
                   .passed);
}

// CircuitBreakerOpen cannot fire where no breaker is seen: under --target it is left out of
// the alert comparison (and said so); the other alerts are still compared.
TEST(Fidelity, AlertsOnUnobservedStateAreNotCompared) {
  const auto sm = metrics_with({});
  const Fidelity f = compare(eval(90, 100, 200, {"CircuitBreakerOpen", "HighErrorRate"}), sm,
                             eval(90, 100, 200, {"HighErrorRate"}), sm, {}, "no data", {"CircuitBreakerOpen"});
  EXPECT_TRUE(f.alerts_ok);
  EXPECT_TRUE(f.passed);
  EXPECT_EQ(f.sim_alerts, std::vector<std::string>{"HighErrorRate"});
  ASSERT_EQ(f.not_compared.size(), 3u);
  EXPECT_EQ(f.not_compared[2].first, "alerts");
  EXPECT_EQ(f.not_compared[2].second, "CircuitBreakerOpen (from breaker or worker state): no data");
  // A difference in the alerts that are observed still fails.
  EXPECT_FALSE(compare(eval(90, 100, 200, {"CircuitBreakerOpen", "HighErrorRate"}), sm, eval(90, 100, 200, {}), sm, {},
                       "no data", {"CircuitBreakerOpen"})
                   .alerts_ok);
  // Without `unobserved` (the reference service), nothing is left out.
  EXPECT_FALSE(compare(eval(90, 100, 200, {"CircuitBreakerOpen"}), sm, eval(90, 100, 200, {}), sm, {}, "",
                       {"CircuitBreakerOpen"})
                   .alerts_ok);
}

}  // namespace
}  // namespace faultline::monitoring

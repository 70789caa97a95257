// The loader on valid files: the contract's example lands field by field, defaults and
// precedence resolve as the contract and the guide say, presets expand exactly.
#include "experiments/loader.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace faultline::experiments {
namespace {

using nlohmann::json;
using std::chrono::seconds;

std::string data_path(const std::string& name) {
  return std::string(FAULTLINE_SOURCE_DIR) + "/tests/experiments/data/" + name;
}

json read_json(const std::string& name) {
  std::ifstream in(data_path(name));
  return json::parse(in);
}

// A copy: the LoadResult passed in is usually a temporary.
Experiment loaded(const LoadResult& r) {
  EXPECT_TRUE(r.ok()) << format(r.diagnostics);
  return r.experiment ? *r.experiment : Experiment{};
}

TEST(LoaderTest, ContractExampleLandsFieldByField) {
  const LoadResult r = load_experiment_file(data_path("contract-example.json"));
  ASSERT_TRUE(r.ok()) << format(r.diagnostics);
  const Experiment& e = *r.experiment;
  EXPECT_EQ(e.name, "ai-outage");
  EXPECT_EQ(e.description, "OpenAI is down for three minutes under normal load");
  EXPECT_EQ(e.seed, 42u);
  EXPECT_EQ(e.duration, seconds(900));
  EXPECT_EQ(e.warmup, Duration{});
  EXPECT_EQ(e.profile, Profile::kProduction);
  EXPECT_EQ(e.env,
            (std::map<std::string, std::string>{{"CIRCUIT_BREAKER_FAILURE_THRESHOLD", "5"}}));

  EXPECT_EQ(e.api.workers, 200);
  EXPECT_EQ(e.api.queue_limit, 2000);
  EXPECT_EQ(e.api.overhead.kind(), sim::Distribution::Kind::kConstant);
  EXPECT_DOUBLE_EQ(e.api.overhead.mean_ms(), 2);

  ASSERT_EQ(e.dependencies.size(), 2u);
  const DependencyConfig& openai = e.dependencies[0];
  EXPECT_EQ(openai.name, "openai");
  EXPECT_EQ(openai.type, "ai_service");
  EXPECT_EQ(openai.concurrency, 64);
  EXPECT_EQ(openai.queue_limit, 10000);
  EXPECT_EQ(openai.latency.kind(), sim::Distribution::Kind::kLognormal);
  EXPECT_NEAR(openai.latency.quantile_ms(0.5), 1200, 1e-6);
  EXPECT_NEAR(openai.latency.quantile_ms(0.99), 6000, 1e-6);
  EXPECT_DOUBLE_EQ(openai.error_rate, 0.005);
  const DependencyConfig& postgres = e.dependencies[1];
  EXPECT_EQ(postgres.name, "postgres");
  EXPECT_EQ(postgres.type, "database");
  EXPECT_EQ(postgres.concurrency, 20);
  EXPECT_FALSE(postgres.queue_limit.has_value());
  EXPECT_EQ(postgres.latency.kind(), sim::Distribution::Kind::kExponential);
  EXPECT_DOUBLE_EQ(postgres.latency.mean_ms(), 4);
  EXPECT_EQ(postgres.error_rate, 0);

  ASSERT_EQ(e.endpoints.size(), 2u);
  const EndpointConfig& gen = e.endpoints[0];
  EXPECT_EQ(gen.name, "content_generation");
  EXPECT_EQ(gen.method, "POST");
  EXPECT_EQ(gen.path, "/api/content-ideas/generate");
  EXPECT_EQ(gen.weight, 40);
  EXPECT_EQ(gen.timeout, millis(15000));
  EXPECT_EQ(gen.expected_status, 200);
  ASSERT_EQ(gen.steps.size(), 2u);
  EXPECT_EQ(gen.steps[0].call, "postgres");
  EXPECT_EQ(gen.steps[0].breaker, "postgres");
  EXPECT_EQ(gen.steps[0].timeout, millis(2000));
  EXPECT_FALSE(gen.steps[0].retry.has_value());
  EXPECT_FALSE(gen.steps[0].coalesce.has_value());
  const StepConfig& ai = gen.steps[1];
  EXPECT_EQ(ai.call, "openai");
  EXPECT_EQ(ai.breaker, "content-generation");
  EXPECT_EQ(ai.timeout, millis(12000));
  ASSERT_TRUE(ai.coalesce.has_value());
  EXPECT_EQ(ai.coalesce->key, CoalesceKey::kUser);
  EXPECT_EQ(ai.coalesce->ttl, millis(1800000));
  ASSERT_TRUE(ai.retry.has_value());
  EXPECT_EQ(ai.retry->max_attempts, 3);
  EXPECT_EQ(ai.retry->backoff, Backoff::kExponential);
  EXPECT_EQ(ai.retry->base, millis(200));
  EXPECT_EQ(ai.retry->max, millis(2000));
  EXPECT_EQ(ai.retry->jitter, Jitter::kFull);
  ASSERT_TRUE(ai.retry->budget.has_value());
  EXPECT_DOUBLE_EQ(ai.retry->budget->ratio, 0.1);
  EXPECT_DOUBLE_EQ(ai.retry->budget->min_per_s, 5);
  EXPECT_EQ(ai.retry->budget->window, seconds(10));
  EXPECT_FALSE(ai.fallback);

  const EndpointConfig& dash = e.endpoints[1];
  EXPECT_EQ(dash.name, "user_dashboard");
  EXPECT_EQ(dash.method, "GET");
  EXPECT_EQ(dash.weight, 30);
  EXPECT_FALSE(dash.timeout.has_value());
  EXPECT_TRUE(dash.steps.empty());
  ASSERT_TRUE(dash.degradation.has_value());
  EXPECT_EQ(dash.degradation->strategy, DegradationStrategy::kFailFast);
  EXPECT_EQ(dash.degradation->global_timeout, millis(10000));
  ASSERT_EQ(dash.degradation->services.size(), 2u);
  const DegradationServiceConfig& profile = dash.degradation->services[0];
  EXPECT_EQ(profile.name, "user_profile");
  EXPECT_EQ(profile.call, "postgres");
  EXPECT_EQ(profile.priority, Priority::kCritical);
  EXPECT_EQ(profile.timeout, millis(2000));
  EXPECT_TRUE(profile.fallback);
  const DegradationServiceConfig& recs = dash.degradation->services[1];
  EXPECT_EQ(recs.name, "ai_recommendations");
  EXPECT_EQ(recs.call, "openai");
  EXPECT_EQ(recs.priority, Priority::kOptional);
  EXPECT_EQ(recs.timeout, millis(8000));
  EXPECT_FALSE(recs.fallback);

  EXPECT_EQ(e.load.model, LoadModel::kClosed);
  EXPECT_EQ(e.load.users, 50);
  EXPECT_EQ(e.load.think.kind(), sim::Distribution::Kind::kExponential);
  EXPECT_DOUBLE_EQ(e.load.think.mean_ms(), 1000);
  EXPECT_EQ(e.load.user_ids, 1000);
  EXPECT_TRUE(e.load.stages.empty());
  EXPECT_EQ(e.load.preset, "");

  ASSERT_EQ(e.breakers.size(), 2u);
  const BreakerConfig& cg = e.breakers.at("content-generation");
  EXPECT_EQ(cg.name, "content-generation");
  EXPECT_EQ(cg.type, "ai_service");
  EXPECT_EQ(cg.failure_threshold, 5);
  EXPECT_EQ(cg.recovery_timeout, millis(60000));
  EXPECT_EQ(cg.expected_failure_rate, 10);
  EXPECT_EQ(cg.half_open_max_calls, 1);
  EXPECT_FALSE(cg.monitoring_window.has_value());
  EXPECT_FALSE(cg.minimum_calls.has_value());
  EXPECT_FALSE(cg.slow_call_threshold.has_value());
  const BreakerConfig& pg = e.breakers.at("postgres");
  EXPECT_EQ(pg.type, "database");
  EXPECT_FALSE(pg.failure_threshold.has_value());
  EXPECT_EQ(e.coalescing.ttl, millis(30000));
  EXPECT_EQ(e.coalescing.max_cache_size, 1000);

  ASSERT_EQ(e.faults.size(), 2u);
  EXPECT_EQ(e.faults[0].target, "openai");
  EXPECT_EQ(e.faults[0].kind, FaultKind::kOutage);
  EXPECT_EQ(e.faults[0].start, seconds(120));
  EXPECT_EQ(e.faults[0].duration, seconds(180));
  EXPECT_EQ(e.faults[0].probability, 1);
  EXPECT_EQ(e.faults[1].target, "postgres");
  EXPECT_EQ(e.faults[1].kind, FaultKind::kLatency);
  EXPECT_EQ(e.faults[1].start, seconds(400));
  EXPECT_EQ(e.faults[1].duration, seconds(60));
  EXPECT_EQ(e.faults[1].add.kind(), sim::Distribution::Kind::kConstant);
  EXPECT_DOUBLE_EQ(e.faults[1].add.mean_ms(), 800);

  EXPECT_EQ(e.slo.availability, 99.9);
  EXPECT_EQ(e.slo.latency_p95_ms, 500);
  EXPECT_EQ(e.slo.latency_p99_ms, 1000);
  EXPECT_EQ(e.slo.error_rate, 0.1);
  EXPECT_EQ(e.slo.throughput_rps, 100);
  EXPECT_TRUE(e.slo.gate);

  ASSERT_EQ(e.expect.size(), 4u);
  EXPECT_EQ(e.expect[0].kind, ExpectKind::kOpensWithin);
  EXPECT_EQ(e.expect[0].breaker, "content-generation");
  EXPECT_EQ(e.expect[0].within, seconds(15));
  EXPECT_EQ(e.expect[0].fault, 0);
  EXPECT_EQ(e.expect[0].pointer, "/expect/0");
  EXPECT_EQ(e.expect[1].kind, ExpectKind::kClosesWithin);
  EXPECT_EQ(e.expect[1].within, seconds(90));
  EXPECT_EQ(e.expect[1].fault, 0);
  EXPECT_EQ(e.expect[2].kind, ExpectKind::kMaxCallsWhileOpen);
  EXPECT_EQ(e.expect[2].limit, 0);
  EXPECT_EQ(e.expect[3].kind, ExpectKind::kSli);
  EXPECT_EQ(e.expect[3].sli, "availability");
  EXPECT_EQ(e.expect[3].at_least, 99.0);
  EXPECT_FALSE(e.expect[3].at_most.has_value());
  EXPECT_EQ(e.expect[3].pointer, "/expect/3");

  EXPECT_FALSE(e.has_alerts);
  EXPECT_TRUE(e.alerts.empty());
  EXPECT_TRUE(e.sweep.is_null());
  EXPECT_EQ(e.source, read_json("contract-example.json"));
  EXPECT_EQ(e.file, data_path("contract-example.json"));
}

TEST(LoaderTest, DurationsRoundToTheNearestNanosecond) {
  json doc = read_json("minimal.json");
  doc["duration_s"] = 0.1234567891;
  doc["endpoints"][0]["timeout_ms"] = 1.0000004;
  const Experiment e = loaded(load_experiment_json(doc, "x.json"));
  EXPECT_EQ(e.duration, Duration(123456789));
  EXPECT_EQ(e.endpoints[0].timeout, Duration(1000000));
}

TEST(LoaderTest, DefaultsWhenLeftOut) {
  const Experiment e = loaded(load_experiment_file(data_path("minimal.json")));
  EXPECT_EQ(e.seed, 1u);
  EXPECT_EQ(e.profile, Profile::kProduction);
  EXPECT_EQ(e.api.workers, 200);
  EXPECT_EQ(e.api.queue_limit, 2000);
  EXPECT_EQ(e.endpoints[0].method, "GET");
  EXPECT_EQ(e.endpoints[0].weight, 1);
  EXPECT_EQ(e.endpoints[0].expected_status, 200);
  EXPECT_EQ(e.load.think.kind(), sim::Distribution::Kind::kExponential);
  EXPECT_DOUBLE_EQ(e.load.think.mean_ms(), 1000);
  EXPECT_EQ(e.load.user_ids, 0);  // the model's default
  EXPECT_FALSE(e.has_alerts);
  EXPECT_EQ(e.slo.availability, 99.9);
  EXPECT_EQ(e.slo.latency_p95_ms, 500);
  EXPECT_EQ(e.slo.latency_p99_ms, 1000);
  EXPECT_EQ(e.slo.error_rate, 0.1);
  EXPECT_FALSE(e.slo.throughput_rps.has_value());
}

TEST(LoaderTest, ReportLatencyAxisDefaultsToClip) {
  EXPECT_EQ(loaded(load_experiment_file(data_path("minimal.json"))).report.latency_axis,
            LatencyAxis::kClip);
  json doc = read_json("minimal.json");
  const std::vector<std::pair<std::string, LatencyAxis>> cases = {
      {"clip", LatencyAxis::kClip}, {"log", LatencyAxis::kLog}, {"linear", LatencyAxis::kLinear}};
  for (const auto& [word, axis] : cases) {
    doc["report"] = {{"latency_axis", word}};
    EXPECT_EQ(loaded(load_experiment_json(doc, "x.json")).report.latency_axis, axis) << word;
  }
  doc["report"] = json::object();
  EXPECT_EQ(loaded(load_experiment_json(doc, "x.json")).report.latency_axis, LatencyAxis::kClip);
}

TEST(LoaderTest, ReportMetricsEpochDefaultsToAFixedInstant) {
  EXPECT_EQ(loaded(load_experiment_file(data_path("minimal.json"))).report.metrics_epoch_s, 1767225600);
  json doc = read_json("minimal.json");
  doc["report"] = {{"metrics_epoch_s", 0}};
  EXPECT_EQ(loaded(load_experiment_json(doc, "x.json")).report.metrics_epoch_s, 0);
  doc["report"] = {{"metrics_epoch_s", 1700000000}, {"latency_axis", "log"}};
  EXPECT_EQ(loaded(load_experiment_json(doc, "x.json")).report.metrics_epoch_s, 1700000000);
}

TEST(LoaderTest, SloWrittenWinsOverEnvWhichWinsOverTheGuide) {
  json doc = read_json("minimal.json");
  doc["env"] = {{"SLI_AVAILABILITY_TARGET", "99.5"},
                {"SLI_LATENCY_P95_TARGET", "300"},
                {"SLI_LATENCY_P99_TARGET", 800},
                {"SLI_THROUGHPUT_TARGET", "20"}};
  doc["slo"] = {{"latency_p95_ms", 250}};
  const Experiment e = loaded(load_experiment_json(doc, "x.json"));
  EXPECT_EQ(e.slo.availability, 99.5);   // env
  EXPECT_EQ(e.slo.latency_p95_ms, 250);  // written
  EXPECT_EQ(e.slo.latency_p99_ms, 800);  // env, written as a JSON number
  EXPECT_EQ(e.slo.error_rate, 0.1);      // the guide
  EXPECT_EQ(e.slo.throughput_rps, 20);   // env
  EXPECT_EQ(e.env.at("SLI_LATENCY_P99_TARGET"), "800");
}

TEST(LoaderTest, BreakerTypeDefaultsToTheFirstDependencyCalledThroughIt) {
  json doc = read_json("minimal.json");
  doc["dependencies"]["ai"] = {{"type", "ai_service"}};
  doc["endpoints"][0]["steps"] = {{{"call", "db"}, {"breaker", "shared"}},
                                  {{"call", "ai"}, {"breaker", "shared"}}};
  doc["endpoints"].push_back(
      {{"name", "gen"}, {"steps", {{{"call", "ai"}, {"breaker", "ai-guard"}}}}});
  doc["resilience"]["circuit_breakers"] = {{"shared", json::object()},
                                           {"ai-guard", json::object()},
                                           {"unused", json::object()},
                                           {"typed", {{"type", "cache"}}}};
  const Experiment e = loaded(load_experiment_json(doc, "x.json"));
  EXPECT_EQ(e.breakers.at("shared").type, "database");
  EXPECT_EQ(e.breakers.at("ai-guard").type, "ai_service");
  EXPECT_EQ(e.breakers.at("unused").type, "external_api");
  EXPECT_EQ(e.breakers.at("typed").type, "cache");
}

TEST(LoaderTest, RetryOnBreakerOpenAndBudgetModeDefaultsAndWrittenValues) {
  json doc = read_json("minimal.json");
  doc["endpoints"][0]["steps"] = {
      {{"call", "db"}, {"retry", {{"max_attempts", 3}, {"budget", json::object()}}}},
      {{"call", "db"},
       {"retry",
        {{"max_attempts", 4},
         {"on_breaker_open", "retry"},
         {"budget",
          {{"mode", "concurrency"}, {"budget_percent", 12.5}, {"min_retry_concurrency", 0}}}}}},
      {{"call", "db"}, {"retry", {{"max_attempts", 2}, {"budget", {{"mode", "concurrency"}}}}}}};
  const Experiment e = loaded(load_experiment_json(doc, "x.json"));
  const auto& steps = e.endpoints[0].steps;
  EXPECT_EQ(steps[0].retry->on_breaker_open, OnBreakerOpen::kStop);
  EXPECT_EQ(steps[0].retry->budget->mode, BudgetMode::kRatio);
  EXPECT_EQ(steps[1].retry->on_breaker_open, OnBreakerOpen::kRetry);
  EXPECT_EQ(steps[1].retry->budget->mode, BudgetMode::kConcurrency);
  EXPECT_DOUBLE_EQ(steps[1].retry->budget->budget_percent, 12.5);
  EXPECT_EQ(steps[1].retry->budget->min_retry_concurrency, 0);
  EXPECT_DOUBLE_EQ(steps[2].retry->budget->budget_percent, 20);  // Envoy's defaults
  EXPECT_EQ(steps[2].retry->budget->min_retry_concurrency, 3);
}

TEST(LoaderTest, BreakerFailureRateComparisonIsReadAndLeftUnsetByDefault) {
  json doc = read_json("minimal.json");
  doc["endpoints"][0]["steps"] = {{{"call", "db"}, {"breaker", "r4j"}},
                                  {{"call", "db"}, {"breaker", "guide"}}};
  doc["resilience"]["circuit_breakers"] = {{"r4j", {{"failure_rate_comparison", "at_least"}}},
                                           {"guide", json::object()}};
  const Experiment e = loaded(load_experiment_json(doc, "x.json"));
  EXPECT_EQ(e.breakers.at("r4j").failure_rate_comparison, RateComparison::kAtLeast);
  EXPECT_FALSE(e.breakers.at("guide").failure_rate_comparison.has_value());
}

LoadResult with_load(const json& load, std::optional<double> duration_s = std::nullopt) {
  json doc = read_json("minimal.json");
  doc["load"] = load;
  if (duration_s) {
    doc["duration_s"] = *duration_s;
  } else {
    doc.erase("duration_s");
  }
  return load_experiment_json(doc, "x.json");
}

TEST(LoaderTest, PresetsExpandToTheGuidesProfiles) {
  struct Case {
    const char* preset;
    int users;
    Duration duration;
  };
  for (const Case& c : {Case{"smoke", 5, seconds(30)}, Case{"load", 50, seconds(300)},
                        Case{"stress", 200, seconds(600)}}) {
    SCOPED_TRACE(c.preset);
    const Experiment e = loaded(with_load({{"preset", c.preset}}));
    EXPECT_EQ(e.load.preset, c.preset);
    EXPECT_EQ(e.load.model, LoadModel::kClosed);
    EXPECT_EQ(e.load.users, c.users);
    EXPECT_EQ(e.duration, c.duration);
    EXPECT_TRUE(e.load.stages.empty());
    EXPECT_DOUBLE_EQ(e.load.think.mean_ms(), 1000);
  }
  const Experiment spike = loaded(with_load({{"preset", "spike"}}));
  EXPECT_EQ(spike.load.users, 500);
  EXPECT_EQ(spike.duration, seconds(120));
  ASSERT_EQ(spike.load.stages.size(), 1u);
  EXPECT_EQ(spike.load.stages[0].duration, seconds(10));
  EXPECT_EQ(spike.load.stages[0].target, 500);
}

TEST(LoaderTest, WrittenValuesWinOverThePreset) {
  const Experiment e =
      loaded(with_load({{"preset", "spike"}, {"users", 300}, {"think_ms", 50}}, 45));
  EXPECT_EQ(e.duration, seconds(45));
  EXPECT_EQ(e.load.users, 300);
  ASSERT_EQ(e.load.stages.size(), 1u);
  EXPECT_EQ(e.load.stages[0].target, 300);
  EXPECT_DOUBLE_EQ(e.load.think.mean_ms(), 50);

  const Experiment staged = loaded(
      with_load({{"preset", "load"}, {"stages", {{{"duration_s", 5}, {"target_users", 7}}}}}));
  EXPECT_EQ(staged.duration, seconds(300));
  ASSERT_EQ(staged.load.stages.size(), 1u);
  EXPECT_EQ(staged.load.stages[0].target, 7);
}

TEST(LoaderTest, StagesGiveTheDurationWhenNoneIsWritten) {
  const Experiment e = loaded(with_load(
      {{"model", "open"},
       {"arrivals", "uniform"},
       {"stages",
        {{{"duration_s", 10}, {"target_rps", 100}}, {{"duration_s", 20.5}, {"target_rps", 50}}}}}));
  EXPECT_EQ(e.load.model, LoadModel::kOpen);
  EXPECT_EQ(e.load.arrivals, Arrivals::kUniform);
  EXPECT_EQ(e.duration, Duration(30'500'000'000));
  ASSERT_EQ(e.load.stages.size(), 2u);
  EXPECT_EQ(e.load.stages[1].duration, Duration(20'500'000'000));
  EXPECT_EQ(e.load.stages[1].target, 50);
  EXPECT_EQ(e.load.rps, 100);  // the peak, for information

  const Experiment fixed = loaded(with_load({{"model", "open"}, {"rps", 12.5}}));
  EXPECT_EQ(fixed.duration, seconds(60));  // nothing says otherwise
  EXPECT_EQ(fixed.load.rps, 12.5);
  EXPECT_EQ(fixed.load.arrivals, Arrivals::kPoisson);
}

TEST(LoaderTest, FaultKindsAndTheirParameters) {
  json doc = read_json("minimal.json");
  doc["faults"] = {
      {{"target", "db"}, {"kind", "slowdown"}, {"factor", 3}, {"probability", 0.5}},
      {{"target", "db"}, {"kind", "error"}, {"rate", 0.25}, {"start_s", 5}},
      {{"target", "api"}, {"kind", "error"}, {"status", 503}},
      {{"target", "db"}, {"kind", "capacity"}, {"concurrency", 0}, {"duration_s", 10}},
      {{"target", "db"}, {"kind", "flapping"}, {"period_s", 20}, {"down_fraction", 0.25}},
      {{"target", "api"}, {"kind", "hang"}},
  };
  const Experiment e = loaded(load_experiment_json(doc, "x.json"));
  ASSERT_EQ(e.faults.size(), 6u);
  EXPECT_EQ(e.faults[0].factor, 3);
  EXPECT_EQ(e.faults[0].probability, 0.5);
  EXPECT_EQ(e.faults[1].rate, 0.25);
  EXPECT_EQ(e.faults[1].start, seconds(5));
  EXPECT_EQ(e.faults[1].status, 0);  // the kind's own
  EXPECT_EQ(e.faults[2].status, 503);
  EXPECT_EQ(e.faults[3].concurrency, 0);
  EXPECT_EQ(e.faults[3].duration, seconds(10));
  EXPECT_EQ(e.faults[4].period, seconds(20));
  EXPECT_EQ(e.faults[4].down_fraction, 0.25);
  EXPECT_EQ(e.faults[5].kind, FaultKind::kHang);
  EXPECT_FALSE(e.faults[5].duration.has_value());
}

TEST(LoaderTest, ExtensionsLoad) {
  json doc = read_json("minimal.json");
  doc["$schema"] = "../experiments/schema.json";
  doc["resilience"] = {
      {"bulkheads",
       {{"db-pool", {{"max_concurrent", 8}, {"max_queue", 16}, {"max_wait_ms", 250}}}}},
      {"rate_limiters", {{"db-rate", {{"rate_per_s", 0.5}}}}}};
  doc["endpoints"][0]["steps"][0]["bulkhead"] = "db-pool";
  doc["endpoints"][0]["steps"][0]["rate_limiter"] = "db-rate";
  doc["alerts"] = {
      {{"name", "Burn"}, {"sli", "error_budget_burn"}, {"window_s", 3600}, {"short_window_s", 300}},
      {{"name", "Slow"},
       {"sli", "latency_p99_ms"},
       {"above", 900},
       {"for_s", 30},
       {"severity", "critical"}}};
  doc["expect"] = {{{"dependency", "db"}, {"max_calls", 100}},
                   {{"sli", "latency_p95_ms"}, {"at_most", 300}}};
  const Experiment e = loaded(load_experiment_json(doc, "x.json"));
  EXPECT_EQ(e.bulkheads.at("db-pool").max_concurrent, 8);
  EXPECT_EQ(e.bulkheads.at("db-pool").max_queue, 16);
  EXPECT_EQ(e.bulkheads.at("db-pool").max_wait, millis(250));
  EXPECT_EQ(e.rate_limiters.at("db-rate").rate_per_s, 0.5);
  EXPECT_EQ(e.rate_limiters.at("db-rate").burst, 1);  // at least one token
  EXPECT_EQ(e.endpoints[0].steps[0].bulkhead, "db-pool");
  EXPECT_EQ(e.endpoints[0].steps[0].rate_limiter, "db-rate");
  EXPECT_TRUE(e.has_alerts);
  ASSERT_EQ(e.alerts.size(), 2u);
  EXPECT_EQ(e.alerts[0].window, seconds(3600));
  EXPECT_EQ(e.alerts[0].short_window, seconds(300));
  EXPECT_EQ(e.alerts[1].above, 900);
  EXPECT_EQ(e.alerts[1].for_duration, seconds(30));
  EXPECT_EQ(e.alerts[1].severity, "critical");
  EXPECT_EQ(e.expect[0].kind, ExpectKind::kDependencyMaxCalls);
  EXPECT_EQ(e.expect[0].limit, 100);
  EXPECT_EQ(e.expect[1].at_most, 300);
}

TEST(LoaderTest, EmptyAlertsTurnTheDefaultsOff) {
  json doc = read_json("minimal.json");
  doc["alerts"] = json::array();
  const Experiment e = loaded(load_experiment_json(doc, "x.json"));
  EXPECT_TRUE(e.has_alerts);
  EXPECT_TRUE(e.alerts.empty());
}

TEST(LoaderTest, SweepIsKeptAsWritten) {
  json doc = read_json("contract-example.json");
  doc["sweep"] = {{"parameters",
                   {{"resilience.circuit_breakers.content-generation.failure_threshold", {3, 5, 8}},
                    {"faults.0.start_s", {60, 120}}}},
                  {"seeds", 5},
                  {"objective", "maximize availability"},
                  {"constraints", {"latency_p95_ms <= 500"}}};
  const Experiment e = loaded(load_experiment_json(doc, "x.json"));
  EXPECT_EQ(e.sweep, doc["sweep"]);
}

TEST(LoaderTest, EmpiricalSamplesFileResolvesAgainstTheExperimentsFolder) {
  const Experiment e = loaded(load_experiment_file(data_path("empirical-file.json")));
  const sim::Distribution& d = e.dependencies[0].latency;
  EXPECT_EQ(d.kind(), sim::Distribution::Kind::kEmpiricalSamples);
  EXPECT_DOUBLE_EQ(d.mean_ms(), (120 + 250.5 + 1800 + 90) / 4);
}

}  // namespace
}  // namespace faultline::experiments

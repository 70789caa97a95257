// The validator: one test per class of mistake, each asserting the exact JSON pointer and a
// recognisable message; and every problem of a file reported at once.
#include <gtest/gtest.h>

#include <fstream>

#include "experiments/loader.h"

namespace faultline::experiments {
namespace {

using nlohmann::json;

std::string data_path(const std::string& name) {
  return std::string(FAULTLINE_SOURCE_DIR) + "/tests/experiments/data/" + name;
}

json read_json(const std::string& name) {
  std::ifstream in(data_path(name));
  return json::parse(in);
}

json minimal() { return read_json("minimal.json"); }

// True iff `r` failed with a diagnostic at `pointer` whose message contains `text`.
::testing::AssertionResult has_error(const LoadResult& r, const std::string& pointer,
                                     const std::string& text) {
  if (r.experiment.has_value()) return ::testing::AssertionFailure() << "loaded without error";
  for (const Diagnostic& d : r.diagnostics) {
    if (d.pointer == pointer && d.message.find(text) != std::string::npos)
      return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure()
         << "no diagnostic at " << pointer << " containing \"" << text << "\"; got:\n"
         << format(r.diagnostics);
}

LoadResult load(const json& doc) { return load_experiment_json(doc, "x.json"); }

TEST(ValidationTest, UnknownKeySuggestsTheNearestKnownOne) {
  json doc = minimal();
  doc["resilience"]["circuit_breakers"]["db"]["failure_treshold"] = 3;
  doc["endpoints"][0]["stepz"] = json::array();
  doc["colour"] = "blue";
  const LoadResult r = load(doc);
  EXPECT_TRUE(has_error(r, "/resilience/circuit_breakers/db/failure_treshold",
                        "unknown key \"failure_treshold\"; did you mean \"failure_threshold\"?"));
  EXPECT_TRUE(has_error(r, "/endpoints/0/stepz", "did you mean \"steps\"?"));
  EXPECT_TRUE(has_error(r, "/colour", "unknown key \"colour\" (accepted here: $schema, name,"));
}

TEST(ValidationTest, ReportLatencyAxis) {
  json doc = minimal();
  doc["report"] = {{"latency_axis", "lin"}, {"latency_scale", "log"}};
  LoadResult r = load(doc);
  EXPECT_TRUE(has_error(r, "/report/latency_axis",
                        "unknown latency axis \"lin\" (known: clip, log, linear)"));
  EXPECT_TRUE(has_error(r, "/report/latency_scale",
                        "unknown key \"latency_scale\" (accepted here: latency_axis, metrics_epoch_s)"));
  doc["report"] = {{"latency_axis", 1}};
  EXPECT_TRUE(has_error(load(doc), "/report/latency_axis", "expected"));
  doc["report"] = "log";
  EXPECT_TRUE(has_error(load(doc), "/report", "expected"));
}

TEST(ValidationTest, ReportMetricsEpoch) {
  json doc = minimal();
  for (const json& bad : {json(-1), json(4102444801), json(1.5), json("now")}) {
    doc["report"] = {{"metrics_epoch_s", bad}};
    const LoadResult r = load(doc);
    EXPECT_FALSE(r.ok()) << bad;
    EXPECT_TRUE(has_error(r, "/report/metrics_epoch_s", "")) << bad;
  }
  doc["report"] = {{"metrics_epoch_s", 4102444800}};
  EXPECT_TRUE(load(doc).ok());
}

TEST(ValidationTest, UnknownKeyPointerEscapesSlashAndTilde) {
  json doc = minimal();
  doc["api"]["a/b~c"] = 1;
  EXPECT_TRUE(has_error(load(doc), "/api/a~1b~0c", "unknown key"));
}

TEST(ValidationTest, WrongTypes) {
  json doc = minimal();
  doc["duration_s"] = "60";
  doc["endpoints"][0]["steps"][0]["fallback"] = "yes";
  doc["api"] = json::array();
  doc["dependencies"]["db"]["concurrency"] = 2.5;
  const LoadResult r = load(doc);
  EXPECT_TRUE(has_error(r, "/duration_s", "expected a number, got a string (\"60\")"));
  EXPECT_TRUE(has_error(r, "/endpoints/0/steps/0/fallback", "expected true or false"));
  EXPECT_TRUE(has_error(r, "/api", "expected an object, got an array of 0 items"));
  EXPECT_TRUE(has_error(r, "/dependencies/db/concurrency", "must be a whole number (got 2.5)"));
}

TEST(ValidationTest, MissingRequiredKeys) {
  json doc = minimal();
  doc.erase("name");
  doc.erase("load");
  doc["endpoints"][0]["steps"][0].erase("call");
  const LoadResult r = load(doc);
  EXPECT_TRUE(has_error(r, "", "missing required key \"name\""));
  EXPECT_TRUE(has_error(r, "", "missing required key \"load\""));
  EXPECT_TRUE(has_error(r, "/endpoints/0/steps/0", "missing required key \"call\""));
}

TEST(ValidationTest, NegativeDurations) {
  json doc = minimal();
  doc["duration_s"] = -5;
  doc["endpoints"][0]["timeout_ms"] = 0;
  doc["load"] = {{"stages", {{{"duration_s", -1}, {"target_users", 3}}}}};
  const LoadResult r = load(doc);
  EXPECT_TRUE(has_error(r, "/duration_s", "must be > 0 (got -5)"));
  EXPECT_TRUE(has_error(r, "/endpoints/0/timeout_ms", "must be > 0 (got 0)"));
  EXPECT_TRUE(has_error(r, "/load/stages/0/duration_s", "must be >= 0 (got -1)"));
}

TEST(ValidationTest, RatesAndPercentagesOutOfRange) {
  json doc = minimal();
  doc["dependencies"]["db"]["error_rate"] = 1.5;
  doc["slo"] = {{"availability", 101}, {"error_rate", -0.1}};
  doc["resilience"]["circuit_breakers"]["db"] = {{"expected_failure_rate", 150}};
  doc["faults"] = {{{"target", "db"}, {"kind", "outage"}, {"probability", 2}}};
  const LoadResult r = load(doc);
  EXPECT_TRUE(has_error(r, "/dependencies/db/error_rate", "must be between 0 and 1 (got 1.5)"));
  EXPECT_TRUE(has_error(r, "/slo/availability", "must be between 0 and 100 (got 101)"));
  EXPECT_TRUE(has_error(r, "/slo/error_rate", "must be between 0 and 100"));
  EXPECT_TRUE(
      has_error(r, "/resilience/circuit_breakers/db/expected_failure_rate", "between 0 and 100"));
  EXPECT_TRUE(has_error(r, "/faults/0/probability", "between 0 and 1"));
}

TEST(ValidationTest, NamePatterns) {
  json doc = minimal();
  doc["name"] = "AI_Outage";
  doc["dependencies"]["Open.AI"] = json::object();
  doc["dependencies"]["api"] = json::object();
  doc["endpoints"][0]["name"] = "has space";
  const LoadResult r = load(doc);
  EXPECT_TRUE(has_error(r, "/name", "\"AI_Outage\" must match [a-z0-9][a-z0-9-]*"));
  EXPECT_TRUE(has_error(r, "/dependencies/Open.AI",
                        "dependency name \"Open.AI\" must match [a-z0-9][a-z0-9_-]*"));
  EXPECT_TRUE(has_error(r, "/dependencies/api", "\"api\" is reserved"));
  EXPECT_TRUE(has_error(r, "/endpoints/0/name", "endpoint name \"has space\""));
}

TEST(ValidationTest, UnknownDependencyFormatsAsTheContractShows) {
  json doc = read_json("contract-example.json");
  doc["endpoints"][0]["steps"][1]["call"] = "opena";
  const LoadResult r = load_experiment_json(doc, "experiments/x.json");
  ASSERT_EQ(r.diagnostics.size(), 1u) << format(r.diagnostics);
  EXPECT_EQ(format(r.diagnostics[0]),
            "experiments/x.json: /endpoints/0/steps/1/call: unknown dependency \"opena\" (known: "
            "openai, postgres)");
}

TEST(ValidationTest, UnknownBreakersBulkheadsAndRateLimiters) {
  json doc = minimal();
  doc["endpoints"][0]["steps"][0]["breaker"] = "db";
  doc["endpoints"][0]["steps"][0]["bulkhead"] = "pool";
  doc["endpoints"][0]["steps"][0]["rate_limiter"] = "limit";
  const LoadResult r = load(doc);
  EXPECT_TRUE(has_error(r, "/endpoints/0/steps/0/breaker",
                        "unknown breaker \"db\" (none declared in resilience.circuit_breakers)"));
  EXPECT_TRUE(has_error(r, "/endpoints/0/steps/0/bulkhead", "unknown bulkhead \"pool\""));
  EXPECT_TRUE(has_error(r, "/endpoints/0/steps/0/rate_limiter", "unknown rate limiter \"limit\""));
}

TEST(ValidationTest, DegradationServiceCallingAnUnknownDependency) {
  json doc = read_json("contract-example.json");
  doc["endpoints"][1]["degradation"]["services"][1]["call"] = "claude";
  doc["endpoints"][1]["degradation"]["services"][1]["breaker"] = "claude";
  doc["endpoints"][1]["degradation"]["services"][0]["name"] = "ai_recommendations";
  const LoadResult r = load(doc);
  EXPECT_TRUE(
      has_error(r, "/endpoints/1/degradation/services/1/call", "unknown dependency \"claude\""));
  EXPECT_TRUE(has_error(r, "/endpoints/1/degradation/services/1/breaker",
                        "unknown breaker \"claude\" (known: content-generation, postgres)"));
  EXPECT_TRUE(has_error(r, "/endpoints/1/degradation/services/1/name",
                        "already defined at /endpoints/1/degradation/services/0"));
}

TEST(ValidationTest, WeightsSummingToZero) {
  json doc = minimal();
  doc["endpoints"][0]["weight"] = 0;
  EXPECT_TRUE(has_error(load(doc), "/endpoints", "weights sum to 0"));
  doc["endpoints"] = json::array();
  EXPECT_TRUE(has_error(load(doc), "/endpoints", "needs at least one endpoint"));
}

TEST(ValidationTest, FaultTargetKindAndParameters) {
  json doc = minimal();
  doc["faults"] = {
      {{"target", "redis"}, {"kind", "outage"}},
      {{"target", "db"}, {"kind", "outtage"}},
      {{"target", "db"}, {"kind", "outage"}, {"factor", 2}},
      {{"target", "db"}, {"kind", "slowdown"}},
      {{"target", "db"}, {"kind", "error"}, {"status", 503}},
      {{"target", "api"}, {"kind", "error"}, {"status", 418}},
      {{"target", "db"}, {"kind", "outage"}, {"start_s", 60}},
      {{"target", "db"}, {"kind", "capacity"}, {"concurrency", 1}, {"probability", 0.5}}};
  const LoadResult r = load(doc);
  EXPECT_TRUE(has_error(r, "/faults/0/target", "unknown fault target \"redis\" (known: api, db)"));
  EXPECT_TRUE(has_error(r, "/faults/1/kind", "unknown fault kind \"outtage\""));
  EXPECT_TRUE(has_error(r, "/faults/1/kind", "did you mean \"outage\"?"));
  EXPECT_TRUE(has_error(r, "/faults/2/factor", "applies only to slowdown faults"));
  EXPECT_TRUE(has_error(r, "/faults/3", "missing required key \"factor\""));
  EXPECT_TRUE(has_error(r, "/faults/4/status", "applies only to faults on the API"));
  EXPECT_TRUE(has_error(r, "/faults/5/status", "must be one of 429, 500, 502, 503, 504 (got 418)"));
  EXPECT_TRUE(has_error(r, "/faults/6/start_s", "at or after the end of the run (60 s)"));
  EXPECT_TRUE(has_error(r, "/faults/7/probability", "applies only to every kind but capacity"));
}

TEST(ValidationTest, ExpectReferences) {
  json doc = read_json("contract-example.json");
  doc["expect"] = {{{"breaker", "content-generation"}, {"opens_within_s", 15}, {"after_fault", 2}},
                   {{"breaker", "nope"}, {"never_opens", true}},
                   {{"dependency", "redis"}, {"max_calls", 3}},
                   {{"sli", "availabilty"}, {"at_least", 99}},
                   {{"breaker", "postgres"}, {"never_opens", true}, {"at_least", 1}},
                   {{"breaker", "postgres"}, {"sli", "availability"}},
                   {{"breaker", "postgres"}, {"closes_within_s", 5}},
                   {{"sli", "availability"}}};
  const LoadResult r = load(doc);
  EXPECT_TRUE(
      has_error(r, "/expect/0/after_fault", "fault index 2 is out of range (faults 0 to 1)"));
  EXPECT_TRUE(has_error(r, "/expect/1/breaker", "unknown breaker \"nope\""));
  EXPECT_TRUE(has_error(r, "/expect/2/dependency",
                        "unknown dependency \"redis\" (known: openai, postgres)"));
  EXPECT_TRUE(has_error(r, "/expect/3/sli", "unknown sli \"availabilty\""));
  EXPECT_TRUE(has_error(r, "/expect/4/at_least", "applies only to sli expectations"));
  EXPECT_TRUE(
      has_error(r, "/expect/5", "needs exactly one of \"breaker\", \"sli\" or \"dependency\""));
  EXPECT_TRUE(has_error(r, "/expect/6", "missing required key \"after_fault_end\""));
  EXPECT_TRUE(has_error(r, "/expect/7", "needs \"at_least\" or \"at_most\""));
}

// The extension: an sli item judged over a window of the run (from_s / to_s, or during_fault).
TEST(ValidationTest, SliExpectationWindows) {
  json doc = read_json("contract-example.json");  // 900 s; faults 120-300 s and 400-460 s
  doc["expect"] = {{{"sli", "availability"}, {"at_least", 80}, {"during_fault", 0}},
                   {{"sli", "availability"}, {"at_least", 80}, {"from_s", 300}},
                   {{"sli", "error_rate"}, {"at_most", 5}, {"from_s", 10}, {"to_s", 20}}};
  LoadResult r = load(doc);
  ASSERT_TRUE(r.ok()) << format(r.diagnostics);
  const auto& x = r.experiment->expect;
  using std::chrono::seconds;
  EXPECT_EQ(x[0].window, std::make_pair(Instant(seconds(120)), Instant(seconds(300))));
  EXPECT_EQ(x[0].during_fault, 0);
  EXPECT_EQ(x[1].window, std::make_pair(Instant(seconds(300)), Instant(seconds(900)))) << "to_s defaults to the end";
  EXPECT_EQ(x[2].window, std::make_pair(Instant(seconds(10)), Instant(seconds(20))));

  doc["expect"] = {{{"sli", "availability"}, {"at_least", 80}, {"during_fault", 2}},
                   {{"sli", "availability"}, {"at_least", 80}, {"during_fault", 0}, {"from_s", 1}},
                   {{"sli", "availability"}, {"at_least", 80}, {"to_s", 901}},
                   {{"sli", "availability"}, {"at_least", 80}, {"from_s", 50}, {"to_s", 50}},
                   {{"breaker", "postgres"}, {"never_opens", true}, {"from_s", 1}},
                   {{"sli", "availability"}, {"at_least", 80}, {"from_s", -1}}};
  r = load(doc);
  EXPECT_TRUE(has_error(r, "/expect/0/during_fault", "fault index 2 is out of range (faults 0 to 1)"));
  EXPECT_TRUE(has_error(r, "/expect/1/during_fault", "either \"during_fault\" or \"from_s\" / \"to_s\""));
  EXPECT_TRUE(has_error(r, "/expect/2/to_s", "is after the run's end (900 s)"));
  EXPECT_TRUE(has_error(r, "/expect/3/from_s", "the window is empty: from_s (50 s) must be before to_s (50 s)"));
  EXPECT_TRUE(has_error(r, "/expect/4/from_s", "applies only to sli expectations"));
  EXPECT_TRUE(has_error(r, "/expect/5/from_s", ">= 0"));

  // Each distinct window costs a histogram during the run: at most 100.
  doc["expect"] = json::array();
  for (int i = 0; i < 100; ++i) doc["expect"].push_back({{"sli", "availability"}, {"at_least", 1}, {"from_s", i}});
  ASSERT_TRUE(load(doc).ok());
  doc["expect"].push_back({{"sli", "availability"}, {"at_least", 2}, {"from_s", 0}});  // the same window again
  ASSERT_TRUE(load(doc).ok());
  doc["expect"].push_back({{"sli", "availability"}, {"at_least", 1}, {"from_s", 100}});
  EXPECT_TRUE(has_error(load(doc), "/expect", "101 distinct sli windows (from_s / to_s / during_fault); the limit is 100"));
}

TEST(ValidationTest, StagesAndLoadModels) {
  json doc = minimal();
  doc["load"] = {{"users", 3}, {"rps", 5}, {"stages", {{{"duration_s", 10}, {"target_rps", 4}}}}};
  LoadResult r = load(doc);
  EXPECT_TRUE(has_error(r, "/load/rps", "applies only to the open model"));
  EXPECT_TRUE(has_error(r, "/load/stages/0/target_rps", "applies only to the open model"));
  EXPECT_TRUE(has_error(r, "/load/stages/0", "missing required key \"target_users\""));
  EXPECT_TRUE(has_error(r, "/load", "give either \"users\" or \"stages\", not both"));
  doc["load"] = {{"model", "open"}, {"preset", "smoke"}};
  r = load(doc);
  EXPECT_TRUE(has_error(r, "/load/preset", "closed-model profiles"));
  EXPECT_TRUE(has_error(r, "/load", "the open model needs \"rps\" or \"stages\""));
  doc["load"] = {{"users", 2000000}};
  EXPECT_TRUE(has_error(load(doc), "/load/users", "must be between 1 and 1000000"));
  doc["load"] = {{"model", "open"}, {"rps", 1e7}};
  EXPECT_TRUE(has_error(load(doc), "/load/rps", "must be at most 1000000"));
  doc["load"] = {{"preset", "soak"}};
  EXPECT_TRUE(has_error(load(doc), "/load/preset",
                        "unknown preset \"soak\" (known: smoke, load, stress, spike)"));
}

TEST(ValidationTest, DurationLimitsAndWarmup) {
  json doc = minimal();
  doc["duration_s"] = 31 * 24 * 3600;
  EXPECT_TRUE(has_error(load(doc), "/duration_s", "must be at most 2592000 (30 days)"));
  doc["duration_s"] = 60;
  doc["warmup_s"] = 60;
  EXPECT_TRUE(has_error(load(doc), "/warmup_s", "must be shorter than the run (60 s)"));
}

TEST(ValidationTest, Distributions) {
  json doc = minimal();
  auto latency = [&](const json& d) {
    doc["dependencies"]["db"]["latency_ms"] = d;
    return load(doc);
  };
  const std::string p = "/dependencies/db/latency_ms";
  EXPECT_TRUE(has_error(latency({{"dist", "gamma"}}), p + "/dist",
                        "unknown distribution \"gamma\" (known: constant,"));
  EXPECT_TRUE(has_error(latency({{"dist", "exponentail"}, {"mean", 3}}), p + "/dist",
                        "did you mean \"exponential\"?"));
  EXPECT_TRUE(has_error(latency({{"mean", 3}}), p, "missing required key \"dist\""));
  EXPECT_TRUE(has_error(latency({{"dist", "exponential"}}), p, "missing required key \"mean\""));
  EXPECT_TRUE(has_error(latency({{"dist", "exponential"}, {"mean", 3}, {"stddev", 1}}),
                        p + "/stddev", "unknown key"));
  EXPECT_TRUE(has_error(latency({{"dist", "lognormal"}, {"p50", 100}, {"p99", 100}}), p + "/p99",
                        "must be greater than p50 (100)"));
  EXPECT_TRUE(
      has_error(latency({{"dist", "lognormal"}, {"p50", 100}, {"sigma", 1}}), p, "not both"));
  EXPECT_TRUE(has_error(latency({{"dist", "lognormal"}}), p, "needs p50 and p99"));
  EXPECT_TRUE(has_error(latency({{"dist", "uniform"}, {"min", 10}, {"max", 5}}), p + "/max",
                        "must be >= min (10)"));
  EXPECT_TRUE(has_error(latency({{"dist", "pareto"}, {"scale", 1}, {"shape", 0}}), p + "/shape",
                        "must be > 0"));
  EXPECT_TRUE(has_error(latency({{"dist", "normal"}, {"mean", 1}, {"stddev", -1}}), p + "/stddev",
                        "must be >= 0"));
  EXPECT_TRUE(has_error(latency(-3), p, "must be >= 0 (got -3)"));
  EXPECT_TRUE(has_error(latency("fast"), p, "expected a number of ms or a distribution object"));
  EXPECT_TRUE(has_error(latency({{"dist", "empirical"}, {"points", {{0, 1}, {0.5, 3}, {0.4, 5}}}}),
                        p + "/points/2/0", "quantiles must increase: 0.4 comes after 0.5"));
  EXPECT_TRUE(has_error(latency({{"dist", "empirical"}, {"points", {{0, 10}, {0.5, 3}}}}),
                        p + "/points/1/1", "values must not decrease: 3 ms comes after 10 ms"));
  EXPECT_TRUE(has_error(latency({{"dist", "empirical"}, {"points", {{0, 10}, {1.5, 30}}}}),
                        p + "/points/1/0", "between 0 and 1"));
  EXPECT_TRUE(has_error(latency({{"dist", "empirical"}, {"points", {{0, 10}}}}), p + "/points",
                        "needs between 2 and"));
  EXPECT_TRUE(
      has_error(latency({{"dist", "empirical"}, {"points", {{0, 10}, {1, 20}}}, {"file", "x.csv"}}),
                p, "exactly one of"));
}

TEST(ValidationTest, EmpiricalFileMissingOrMalformed) {
  json doc = read_json("empirical-file.json");
  doc["dependencies"]["ai"]["latency_ms"]["file"] = "missing.csv";
  LoadResult r = load_experiment_json(doc, data_path("empirical-file.json"));
  EXPECT_TRUE(has_error(r, "/dependencies/ai/latency_ms/file",
                        "missing.csv\": cannot open: No such file or directory"));
  doc["dependencies"]["ai"]["latency_ms"]["file"] = "minimal.json";
  r = load_experiment_json(doc, data_path("empirical-file.json"));
  EXPECT_TRUE(has_error(r, "/dependencies/ai/latency_ms/file",
                        "line 1: \"{\" is not a number of milliseconds"));
  // A path of any realistic length is shown whole: its end is the file's name.
  const std::string deep = std::string(300, 'd') + "/samples.csv";
  doc["dependencies"]["ai"]["latency_ms"]["file"] = deep;
  r = load_experiment_json(doc, data_path("empirical-file.json"));
  EXPECT_TRUE(has_error(r, "/dependencies/ai/latency_ms/file", "/" + deep + "\": cannot open"));
}

TEST(ValidationTest, EnvVariables) {
  json doc = minimal();
  doc["env"] = {
      {"CIRCUIT_BREAKER_FAILURE_TRESHOLD", "5"}, {"CIRCUIT_BREAKER_RECOVERY_TIMEOUT", "soon"},
      {"SLI_AVAILABILITY_TARGET", "120"},        {"REQUEST_COALESCER_TTL", "2.5"},
      {"API_BASE_URL", "http://localhost:3000"}, {"SLI_ERROR_RATE_TARGET", true}};
  const LoadResult r = load(doc);
  EXPECT_TRUE(has_error(r, "/env/CIRCUIT_BREAKER_FAILURE_TRESHOLD",
                        "did you mean \"CIRCUIT_BREAKER_FAILURE_THRESHOLD\"?"));
  EXPECT_TRUE(
      has_error(r, "/env/CIRCUIT_BREAKER_RECOVERY_TIMEOUT", "\"soon\" is not a whole number"));
  EXPECT_TRUE(has_error(r, "/env/SLI_AVAILABILITY_TARGET", "at most 100 (got 120)"));
  EXPECT_TRUE(has_error(r, "/env/REQUEST_COALESCER_TTL", "\"2.5\" is not a whole number"));
  EXPECT_TRUE(has_error(r, "/env/API_BASE_URL", "unknown key"));
  EXPECT_TRUE(has_error(r, "/env/SLI_ERROR_RATE_TARGET", "expected a string such as \"5\""));
}

TEST(ValidationTest, Alerts) {
  json doc = read_json("contract-example.json");
  doc["alerts"] = {
      {{"name", "A"}, {"sli", "error_rate"}},
      {{"name", "A"}, {"sli", "latency"}, {"above", 1}},
      {{"name", "B"}, {"sli", "breaker_open:nope"}, {"above", 0}},
      {{"name", "C"}, {"sli", "error_rate"}, {"above", 1}, {"below", 2}, {"short_window_s", 10}}};
  const LoadResult r = load(doc);
  EXPECT_TRUE(has_error(r, "/alerts/0", "needs a threshold"));
  EXPECT_TRUE(has_error(r, "/alerts/1/name", "already defined at /alerts/0"));
  EXPECT_TRUE(has_error(r, "/alerts/1/sli", "unknown alert sli \"latency\""));
  EXPECT_TRUE(has_error(r, "/alerts/2/sli", "unknown breaker \"nope\""));
  EXPECT_TRUE(has_error(r, "/alerts/3", "not both"));
  EXPECT_TRUE(has_error(r, "/alerts/3/short_window_s", "applies only to error_budget_burn alerts"));
}

TEST(ValidationTest, SweepShapeAndPaths) {
  json doc = read_json("contract-example.json");
  doc["sweep"] = {{"parameters",
                   {{"resilience.circuit_breakers.nope.failure_treshold", {1, 2}},
                    {"faults.0.start_s", json::array()},
                    {"sweep.seeds", {1}}}},
                  {"seeds", 0},
                  {"constraints", {1}}};
  const LoadResult r = load(doc);
  EXPECT_TRUE(
      has_error(r, "/sweep/parameters/resilience.circuit_breakers.nope.failure_treshold",
                "not a path of an experiment file: no \"nope\" in /resilience/circuit_breakers: "
                "names chosen in the file must be written there first"));
  EXPECT_TRUE(
      has_error(r, "/sweep/parameters/faults.0.start_s", "expected an array of 1 to 1000 values"));
  EXPECT_TRUE(has_error(r, "/sweep/parameters/sweep.seeds", "cannot vary its own settings"));
  EXPECT_TRUE(has_error(r, "/sweep/seeds", "must be between 1 and 10000"));
  EXPECT_TRUE(has_error(r, "/sweep/constraints/0", "expected a string"));
}

TEST(ValidationTest, SweepValuesAreEachTried) {
  json doc = read_json("contract-example.json");
  doc["sweep"] = {
      {"parameters",
       {{"resilience.circuit_breakers.content-generation.failure_threshold", {3, -1, 8}},
        {"faults.1.kind", {"latency", "outtage"}}}}};
  const LoadResult r = load(doc);
  ASSERT_EQ(r.diagnostics.size(), 2u) << format(r.diagnostics);
  EXPECT_TRUE(has_error(
      r, "/sweep/parameters/resilience.circuit_breakers.content-generation.failure_threshold/1",
      "with this value, /resilience/circuit_breakers/content-generation/failure_threshold: must be "
      "between 0 and 1000000000"));
  EXPECT_TRUE(has_error(r, "/sweep/parameters/faults.1.kind/1", "unknown fault kind \"outtage\""));
}

TEST(ValidationTest, EveryProblemIsReportedAtOnce) {
  const LoadResult r = load_experiment_file(data_path("many-errors.json"));
  EXPECT_TRUE(has_error(r, "/name", "must match"));
  EXPECT_TRUE(has_error(r, "/duration_s", "must be > 0"));
  EXPECT_TRUE(has_error(r, "/dependencies/db/error_rate", "between 0 and 1"));
  EXPECT_TRUE(has_error(r, "/endpoints/0/steps/0/call", "unknown dependency \"dbb\" (known: db)"));
  EXPECT_TRUE(has_error(r, "/endpoints/0/steps/0/breaker", "unknown breaker \"nope\" (known: db)"));
  EXPECT_TRUE(has_error(r, "/endpoints", "weights sum to 0"));
  EXPECT_TRUE(has_error(r, "/load/think_ms/p99", "must be greater than p50"));
  EXPECT_TRUE(has_error(r, "/resilience/circuit_breakers/db/failure_treshold", "did you mean"));
  EXPECT_TRUE(has_error(r, "/faults/0/kind", "unknown fault kind"));
  EXPECT_TRUE(has_error(r, "/expect/0/after_fault", "out of range"));
  EXPECT_EQ(r.diagnostics.size(), 10u) << format(r.diagnostics);
  for (const Diagnostic& d : r.diagnostics) EXPECT_EQ(d.file, data_path("many-errors.json"));
}

TEST(ValidationTest, DiagnosticsAreCapped) {
  json doc = minimal();
  for (int i = 0; i < 2000; ++i) {
    std::string key = "k";
    key += std::to_string(i);
    doc["api"][key] = i;
  }
  const LoadResult r = load(doc);
  ASSERT_EQ(r.diagnostics.size(), 501u);
  EXPECT_EQ(r.diagnostics.back().message, "more than 500 problems; the rest are not listed");
}

TEST(ValidationTest, RetryOnBreakerOpenAndEachBudgetModeTakeOnlyTheirOwnValues) {
  json doc = minimal();
  doc["endpoints"][0]["steps"] = {
      {{"call", "db"}, {"retry", {{"max_attempts", 3}, {"on_breaker_open", "retyr"}}}},
      {{"call", "db"},
       {"retry",
        {{"max_attempts", 3},
         {"budget", {{"mode", "concurrency"}, {"ratio", 0.2}, {"budget_percent", 101}}}}}},
      {{"call", "db"},
       {"retry", {{"max_attempts", 3}, {"budget", {{"min_retry_concurrency", 3}}}}}},
      {{"call", "db"}, {"retry", {{"max_attempts", 3}, {"budget", {{"mode", "envoy"}}}}}}};
  const LoadResult r = load(doc);
  EXPECT_TRUE(has_error(r, "/endpoints/0/steps/0/retry/on_breaker_open",
                        "unknown on_breaker_open value \"retyr\" (known: stop, retry); did you "
                        "mean \"retry\"?"));
  EXPECT_TRUE(has_error(r, "/endpoints/0/steps/1/retry/budget/ratio",
                        "key \"ratio\" applies only to mode \"ratio\""));
  EXPECT_TRUE(has_error(r, "/endpoints/0/steps/1/retry/budget/budget_percent", "100"));
  EXPECT_TRUE(has_error(r, "/endpoints/0/steps/2/retry/budget/min_retry_concurrency",
                        "applies only to mode \"concurrency\""));
  EXPECT_TRUE(has_error(r, "/endpoints/0/steps/3/retry/budget/mode", "unknown budget mode"));
}

TEST(ValidationTest, BreakerFailureRateComparisonIsAboveOrAtLeast) {
  json doc = minimal();
  doc["resilience"]["circuit_breakers"]["db"]["failure_rate_comparison"] = ">=";
  EXPECT_TRUE(has_error(load(doc), "/resilience/circuit_breakers/db/failure_rate_comparison",
                        "unknown failure_rate_comparison value \">=\" (known: above, at_least)"));
}

}  // namespace
}  // namespace faultline::experiments

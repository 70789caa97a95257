// --set PATH=VALUE: paths into objects and arrays, quoting, JSON values versus strings, and
// the errors for paths that do not exist.
#include "experiments/overrides.h"

#include <gtest/gtest.h>

#include <fstream>

#include "experiments/loader.h"

namespace faultline::experiments {
namespace {

using nlohmann::json;

json contract_example() {
  std::ifstream in(std::string(FAULTLINE_SOURCE_DIR) +
                   "/tests/experiments/data/contract-example.json");
  return json::parse(in);
}

TEST(OverridesTest, ExistingPathWithDashesInNames) {
  json doc = contract_example();
  EXPECT_EQ(
      apply_override(doc, "resilience.circuit_breakers.content-generation.failure_threshold=3"),
      std::nullopt);
  EXPECT_EQ(doc["resilience"]["circuit_breakers"]["content-generation"]["failure_threshold"], 3);
}

TEST(OverridesTest, ArrayElementsByIndex) {
  json doc = contract_example();
  EXPECT_EQ(apply_override(doc, "faults.0.start_s=30"), std::nullopt);
  EXPECT_EQ(doc["faults"][0]["start_s"], 30);
  EXPECT_EQ(apply_override(doc, "endpoints.1.degradation.services.1.priority=critical"),
            std::nullopt);
  EXPECT_EQ(doc["endpoints"][1]["degradation"]["services"][1]["priority"], "critical");
}

TEST(OverridesTest, ValueIsJsonWhenItParsesElseAString) {
  json doc = contract_example();
  EXPECT_EQ(apply_override(doc, "seed=7"), std::nullopt);
  EXPECT_EQ(doc["seed"], 7);
  EXPECT_EQ(apply_override(doc, "slo.availability=99.5"), std::nullopt);
  EXPECT_EQ(doc["slo"]["availability"], 99.5);
  EXPECT_EQ(apply_override(doc, "description=hello world"), std::nullopt);
  EXPECT_EQ(doc["description"], "hello world");
  EXPECT_EQ(apply_override(doc, "description=\"42\""), std::nullopt);
  EXPECT_EQ(doc["description"], "42");
  EXPECT_EQ(apply_override(doc, "description="), std::nullopt);
  EXPECT_EQ(doc["description"], "");
  EXPECT_EQ(apply_override(doc, "expect.0.after_fault=true"), std::nullopt);
  EXPECT_EQ(doc["expect"][0]["after_fault"], true);
  EXPECT_EQ(apply_override(doc, R"(api.overhead_ms={"dist": "uniform", "min": 1, "max": 3})"),
            std::nullopt);
  EXPECT_EQ(doc["api"]["overhead_ms"]["dist"], "uniform");
  EXPECT_EQ(apply_override(doc, "env.CIRCUIT_BREAKER_FAILURE_THRESHOLD=a=b"),
            std::nullopt);  // first '=' splits
  EXPECT_EQ(doc["env"]["CIRCUIT_BREAKER_FAILURE_THRESHOLD"], "a=b");
}

TEST(OverridesTest, MissingPathIsAnErrorWithThePointer) {
  json doc = contract_example();
  std::optional<Diagnostic> d =
      apply_override(doc, "resilience.circuit_breakers.content-generation.failure_treshold=3");
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->pointer, "/resilience/circuit_breakers/content-generation/failure_treshold");
  EXPECT_EQ(d->message,
            "--set \"resilience.circuit_breakers.content-generation.failure_treshold=3\": no key "
            "\"failure_treshold\" in /resilience/circuit_breakers/content-generation; did you "
            "mean \"failure_threshold\"?");
  d = apply_override(doc, "warmup=10");
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->pointer, "/warmup");
  EXPECT_NE(d->message.find("no key \"warmup\" in the document; did you mean \"warmup_s\"?"),
            std::string::npos);
  d = apply_override(doc, "slo.throughput=1");  // not a key of the schema
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->pointer, "/slo/throughput");
  EXPECT_NE(d->message.find("no key \"throughput\" in /slo (keys there: availability, "
                            "error_rate, gate, latency_p95_ms, latency_p99_ms, throughput_rps)"),
            std::string::npos)
      << d->message;
}

TEST(OverridesTest, PathsTheSchemaAcceptsAreAddedWhenTheFileLacksThem) {
  json doc = contract_example();
  doc.erase("resilience");
  doc.erase("duration_s");
  EXPECT_EQ(apply_override(doc, "duration_s=60"), std::nullopt);
  EXPECT_EQ(doc["duration_s"], 60);
  // Absent objects on the way are added, up to a name the file chooses: a breaker that is not
  // written in the file cannot be told from a typo of one, so it is refused.
  const std::optional<Diagnostic> typo =
      apply_override(doc, "resilience.circuit_breakers.postgres.failure_threshold=3");
  ASSERT_TRUE(typo.has_value());
  EXPECT_EQ(typo->pointer, "/resilience/circuit_breakers/postgres");
  EXPECT_NE(typo->message.find("no \"postgres\" in /resilience/circuit_breakers: names chosen "
                               "in the file must be written there first"),
            std::string::npos)
      << typo->message;
  EXPECT_FALSE(doc.contains("resilience"));
  json with_breakers = contract_example();
  const std::optional<Diagnostic> near =
      apply_override(with_breakers, "resilience.circuit_breakers.postgress.failure_threshold=3");
  ASSERT_TRUE(near.has_value());
  EXPECT_NE(near->message.find("did you mean \"postgres\"?"), std::string::npos) << near->message;
  EXPECT_EQ(apply_override(with_breakers, "resilience.circuit_breakers.postgres.failure_threshold=3"),
            std::nullopt);
  EXPECT_EQ(with_breakers["resilience"]["circuit_breakers"]["postgres"]["failure_threshold"], 3);
  // Through anyOf branches: a distribution is a number or one of the dist objects.
  EXPECT_EQ(apply_override(doc, "endpoints.0.steps.0.retry.budget.ratio=0.2"), std::nullopt);
  EXPECT_EQ(doc["endpoints"][0]["steps"][0]["retry"]["budget"]["ratio"], 0.2);
  const ResolvedPath r = resolve_path(doc, "load.think_ms.p50");
  EXPECT_EQ(r.error, std::nullopt);
  EXPECT_EQ(r.pointer, "/load/think_ms/p50");
}

TEST(OverridesTest, AbsentArraysAreNeverIndexed) {
  json doc = contract_example();
  doc.erase("alerts");
  const std::optional<Diagnostic> d = apply_override(doc, "alerts.0.name=x");
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->pointer, "/alerts/0");
  EXPECT_NE(d->message.find("/alerts is not in the file, so it is an array with 0 items: \"0\" "
                            "is not an index"),
            std::string::npos)
      << d->message;
  EXPECT_FALSE(doc.contains("alerts"));
}

TEST(OverridesTest, TheSchemaTypesTheValue) {
  json doc = contract_example();
  EXPECT_EQ(apply_override(doc, "name=123"), std::nullopt);  // a string-only place
  EXPECT_EQ(doc["name"], "123");
  EXPECT_EQ(apply_override(doc, "load.preset=null"), std::nullopt);
  EXPECT_EQ(doc["load"]["preset"], "null");
  EXPECT_EQ(apply_override(doc, "seed=123"), std::nullopt);
  EXPECT_EQ(doc["seed"], 123);
  EXPECT_EQ(apply_override(doc, "env.SLI_LATENCY_P95_TARGET=450"), std::nullopt);
  EXPECT_EQ(doc["env"]["SLI_LATENCY_P95_TARGET"], 450);  // string or number: JSON wins
}

TEST(OverridesTest, DurationOverAPresetChangesTheRun) {
  const std::string path = std::string(FAULTLINE_SOURCE_DIR) + "/experiments/smoke-test.json";
  LoadResult r = load_experiment_file(path);
  ASSERT_TRUE(r.ok()) << format(r.diagnostics);
  EXPECT_EQ(r.experiment->duration, std::chrono::seconds(30));  // the smoke preset's
  r = load_experiment_file(path, {"duration_s=60"});
  ASSERT_TRUE(r.ok()) << format(r.diagnostics);
  EXPECT_EQ(r.experiment->duration, std::chrono::seconds(60));  // written wins over the preset
}

TEST(OverridesTest, IndexOutOfRangeOrIntoAScalar) {
  json doc = contract_example();
  std::optional<Diagnostic> d = apply_override(doc, "faults.5.start_s=30");
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->pointer, "/faults/5");
  EXPECT_NE(
      d->message.find("/faults is an array with 2 items: \"5\" is not an index (indexes 0 to 1)"),
      std::string::npos)
      << d->message;
  d = apply_override(doc, "faults.first.start_s=30");
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->pointer, "/faults/first");
  d = apply_override(doc, "seed.low=1");
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->pointer, "/seed");
  EXPECT_NE(d->message.find("/seed is a number, not an object or array"), std::string::npos)
      << d->message;
}

TEST(OverridesTest, MalformedArguments) {
  json doc = contract_example();
  const json before = doc;
  for (const char* bad :
       {"seed", "=3", "faults..start_s=1", "faults.0.=1", "\"seed=1", "\"a\"b=1"}) {
    SCOPED_TRACE(bad);
    const std::optional<Diagnostic> d = apply_override(doc, bad);
    ASSERT_TRUE(d.has_value());
    EXPECT_EQ(d->message.rfind("--set ", 0), 0u) << d->message;
  }
  EXPECT_TRUE(apply_override(doc, std::string("description=caf\xE9")).has_value());
  EXPECT_EQ(doc, before);
}

TEST(OverridesTest, QuotedSegmentsReachKeysWithDots) {
  json doc = contract_example();
  doc["sweep"] = {{"parameters", {{"faults.0.start_s", {1, 2}}}}};
  EXPECT_EQ(apply_override(doc, "sweep.parameters.\"faults.0.start_s\"=[3,4]"), std::nullopt);
  EXPECT_EQ(doc["sweep"]["parameters"]["faults.0.start_s"], json({3, 4}));
  std::string error;
  EXPECT_EQ(split_path(R"(a."b.c"."d\"e".f)", &error),
            (std::vector<std::string>{"a", "b.c", "d\"e", "f"}));
}

TEST(OverridesTest, PathAndValueVariantForTheSweepEngine) {
  json doc = contract_example();
  EXPECT_EQ(apply_override(doc, "faults.1.add_ms.value", json(250)), std::nullopt);
  EXPECT_EQ(doc["faults"][1]["add_ms"]["value"], 250);
  const std::optional<Diagnostic> d = apply_override(doc, "faults.2", json(1));
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->message.rfind("path \"faults.2\": ", 0), 0u) << d->message;
}

TEST(OverridesTest, AppliedBeforeValidationAndNamedAfterTheFile) {
  const std::string path =
      std::string(FAULTLINE_SOURCE_DIR) + "/tests/experiments/data/contract-example.json";
  LoadResult r = load_experiment_file(path, {"faults.0.start_s=30", "load.users=7", "name=tuned"});
  ASSERT_TRUE(r.ok()) << format(r.diagnostics);
  EXPECT_EQ(r.experiment->faults[0].start, std::chrono::seconds(30));
  EXPECT_EQ(r.experiment->load.users, 7);
  EXPECT_EQ(r.experiment->name, "tuned");
  EXPECT_EQ(r.experiment->source["load"]["users"], 7);

  r = load_experiment_file(path, {"faults.9.start_s=30", "load.users=-1"});
  ASSERT_EQ(r.diagnostics.size(), 2u) << format(r.diagnostics);
  EXPECT_EQ(r.diagnostics[0].file, path);
  EXPECT_EQ(r.diagnostics[0].pointer, "/faults/9");
  EXPECT_EQ(r.diagnostics[1].pointer, "/load/users");  // the override applied, then validated
}

}  // namespace
}  // namespace faultline::experiments

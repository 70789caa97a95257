// `faultline explore` end to end: the exit codes (1 failure found, 0 none, 2 bad input with
// its JSON pointer), and `faultline run` of a reproducer failing the same check.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "e2e/cli_helpers.h"

namespace faultline::e2e {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// One database behind a breaker that must never open; the templates draw db outages only.
json planted() {
  return json::parse(R"({
    "name": "planted", "seed": 3, "duration_s": 40,
    "api": {"workers": 20},
    "dependencies": {"db": {"type": "database", "concurrency": 10,
                            "latency_ms": {"dist": "constant", "value": 5}}},
    "endpoints": [{"name": "read", "method": "GET", "path": "/r", "weight": 1,
                   "steps": [{"call": "db", "breaker": "db", "timeout_ms": 1000}]}],
    "load": {"model": "closed", "users": 5, "think_ms": {"dist": "constant", "value": 100}},
    "resilience": {"circuit_breakers": {"db": {"failure_threshold": 3}}},
    "slo": {"gate": false},
    "expect": [{"breaker": "db", "never_opens": true}],
    "explore": {"faults": [{"target": "db", "kind": "outage", "start_s": [5, 15],
                            "duration_s": [5, 10]}],
                "max_faults": 1, "runs": 6}
  })");
}

std::string write_doc(const ScratchDir& dir, const json& doc) {
  const std::string path = (dir.path() / "planted.json").string();
  write_file(path, doc.dump(2));
  return path;
}

TEST(ExploreCli, FindsTheFailureAndTheReproducerFailsTheSameCheckUnderRun) {
  ScratchDir dir;
  const std::string file = write_doc(dir, planted());
  const auto r = run_faultline("explore " + file + " --jobs 2 --out " + dir.str());
  ASSERT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("✗ breaker db never opens"), std::string::npos) << r.output;
  const fs::path repro = dir.path() / "planted-explore/reproducers/01-breaker-db-never-opens.json";
  ASSERT_TRUE(fs::exists(repro)) << r.output;
  const auto run = run_faultline("run " + repro.string() + " --quiet --out " + dir.str());
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_NE(run.output.find("failed: breaker db never opens"), std::string::npos) << run.output;
  const json j = json::parse(read_file(dir.path() / "planted-explore/explore.json"));
  EXPECT_EQ(j["failures"][0]["check"], "breaker db never opens");
}

TEST(ExploreCli, NoFailureExitsZeroAndRunsOverridesTheBlock) {
  ScratchDir dir;
  json doc = planted();
  doc["explore"]["faults"][0] = {{"target", "db"}, {"kind", "latency"}, {"add_ms", {1, 2}}};
  const auto r = run_faultline("explore " + write_doc(dir, doc) + " --runs 3 --out " + dir.str());
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("no failing schedule in 3 schedules"), std::string::npos) << r.output;
}

TEST(ExploreCli, BadInputExitsTwoWithTheTemplatesPointer) {
  ScratchDir dir;
  json doc = planted();
  doc["explore"]["faults"][0]["start_s"] = {5, 40};  // the run ends at 40 s
  const auto r = run_faultline("explore " + write_doc(dir, doc) + " --out " + dir.str());
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("/explore/faults/0/start_s"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(dir.path() / "planted-explore"));
  EXPECT_EQ(run_faultline("explore " + write_doc(dir, planted()) + " --runs 0").exit_code, 2);
  EXPECT_EQ(run_faultline("validate " + write_doc(dir, doc)).exit_code, 2);
}

// Two shards in folders of their own, joined by `faultline merge`, give the explore.json of the
// unsharded run byte for byte, as do --jobs 1 and --jobs 2; with an objective, the adversarial
// search runs where the batch concludes (here, in merge) and gives the same too.
TEST(ExploreCli, ShardsMergedAndAnyJobsGiveTheSameExploreJson) {
  ScratchDir dir;
  json doc = planted();
  doc["explore"]["max_faults"] = 2;
  doc["explore"]["runs"] = 8;
  doc["explore"]["objective"] = "minimize availability";
  doc["explore"]["search"] = {{"runs", 12}, {"restarts", 2}, {"neighbors", 3}};
  const std::string file = write_doc(dir, doc);
  const std::string out = " --no-progress --out " + dir.str();
  ASSERT_EQ(run_faultline("explore " + file + " --jobs 1" + out + "/j1").exit_code, 1);
  ASSERT_EQ(run_faultline("explore " + file + " --jobs 2" + out + "/j2").exit_code, 1);
  for (int i = 0; i < 2; ++i) {
    const auto r = run_faultline("explore " + file + " --jobs 2 --shard " + std::to_string(i) +
                                 "/2" + out + "/s" + std::to_string(i));
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_FALSE(fs::exists(dir.path() / ("s" + std::to_string(i)) / "planted-explore/explore.json"));
  }
  // One shard is not the whole explore: merge refuses and names what is missing.
  const auto partial = run_faultline("merge " + dir.str() + "/s0 --out " + dir.str() + "/m");
  EXPECT_EQ(partial.exit_code, 2) << partial.output;
  EXPECT_NE(partial.output.find("runs of planted are missing (first: s0001-r0"), std::string::npos)
      << partial.output;
  const auto merged = run_faultline("merge " + dir.str() + "/s0 " + dir.str() +
                                    "/s1/planted-explore --jobs 2 --out " + dir.str() + "/m");
  ASSERT_EQ(merged.exit_code, 1) << merged.output;  // a failing schedule was found
  EXPECT_NE(merged.output.find("adversarial search: 12 schedules"), std::string::npos)
      << merged.output;
  const std::string whole = read_file(dir.path() / "j1/planted-explore/explore.json");
  ASSERT_FALSE(whole.empty());
  EXPECT_NE(whole.find("\"search\""), std::string::npos);
  for (const char* name : {"explore.json", "explore.csv", "explore.html",
                           "reproducers/01-breaker-db-never-opens.json",
                           "reproducers/worst-availability.json"}) {
    const std::string one = read_file(dir.path() / "j1/planted-explore" / name);
    EXPECT_FALSE(one.empty()) << name;
    EXPECT_EQ(one, read_file(dir.path() / "j2/planted-explore" / name)) << name;
    EXPECT_EQ(one, read_file(dir.path() / "m/planted-explore" / name)) << name;
  }
  // A sweep's folder and an explore's are not one batch.
  fs::create_directories(dir.path() / "sweep");
  write_file((dir.path() / "sweep/plan.json").string(), R"({"format": "faultline-sweep-plan/1"})");
  const auto mixed = run_faultline("merge " + dir.str() + "/m/planted-explore " + dir.str() +
                                   "/sweep --out " + dir.str() + "/x");
  EXPECT_EQ(mixed.exit_code, 2) << mixed.output;
  EXPECT_NE(mixed.output.find("not a faultline explore plan"), std::string::npos) << mixed.output;
}

// The bundled example (experiments/explore/, docs/explore.md): the guide's database breaker's
// recovery races a second fault; the fixed configuration survives the same budget.
TEST(ExploreCli, BundledRaceIsFoundShrunkAndReproducedAndTheFixSurvives) {
  ScratchDir dir;
  const auto r =
      run_faultline("explore " + source_path("experiments/explore/db-recovery-race.json") +
                    " --jobs 2 --out " + dir.str());
  ASSERT_EQ(r.exit_code, 1) << r.output;
  const json j = json::parse(read_file(dir.path() / "db-recovery-race-explore/explore.json"));
  ASSERT_EQ(j["failures"].size(), 1u) << j["failures"].dump();
  const json& g = j["failures"][0];
  const std::string check = "breaker postgres closes within 25 s of the end of fault 0";
  EXPECT_EQ(g["check"], check);
  EXPECT_EQ(g["schedules"], 4);
  EXPECT_EQ(g["first_schedule"], "s0010");
  EXPECT_LE(g["shrunk_faults"].size(), 2u);
  // The shrunk second fault: one failed half-open trial call at 150.086 s.
  EXPECT_EQ(g["shrunk_faults"], json::parse(R"([{"target": "postgres", "kind": "error",
      "start_s": 150.086, "duration_s": 0.001, "rate": 0.97}])"));
  const auto run = run_faultline(
      "run " +
      (dir.path() / "db-recovery-race-explore" / g["reproducer"].get<std::string>()).string() +
      " --out " + dir.str());
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_NE(run.output.find("✗ " + check + " — closed at 180.100 s"), std::string::npos)
      << run.output;

  const auto fixed =
      run_faultline("explore " + source_path("experiments/explore/db-recovery-race-fixed.json") +
                    " --jobs 2 --out " + dir.str());
  EXPECT_EQ(fixed.exit_code, 0) << fixed.output;
  EXPECT_NE(fixed.output.find("no failing schedule in 100 schedules"), std::string::npos)
      << fixed.output;
}

}  // namespace
}  // namespace faultline::e2e

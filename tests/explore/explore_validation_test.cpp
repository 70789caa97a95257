// The explore block's validation: every problem at its JSON pointer (exit 2 for the command).
#include <gtest/gtest.h>

#include "experiments/loader.h"
#include "explore_test_data.h"

namespace faultline::explore {
namespace {

using nlohmann::json;
using testing_data::planted_document;

std::vector<experiments::Diagnostic> problems_of(const json& doc) {
  return experiments::load_experiment_json(doc, "planted.json").diagnostics;
}

TEST(ExploreValidation, TheBundledShapeIsValid) {
  const auto r = experiments::load_experiment_json(planted_document(), "planted.json");
  ASSERT_TRUE(r.ok()) << experiments::format(r.diagnostics);
  EXPECT_EQ(r.experiment->explore["runs"], 12);
}

TEST(ExploreValidation, ShapeProblemsAreReportedAtTheirPointers) {
  json doc = planted_document();
  doc["explore"]["faults"][0]["start_s"] = {20, 10};
  doc["explore"]["faults"][0]["kind"] = {"outage", "meltdown"};
  doc["explore"]["faults"][0]["rate"] = "high";
  doc["explore"]["faults"][0]["colour"] = 1;
  doc["explore"].erase("runs");
  doc["explore"]["max_faults"] = 0;
  const auto problems = problems_of(doc);
  std::set<std::string> pointers;
  for (const auto& d : problems) pointers.insert(d.pointer);
  EXPECT_EQ(pointers,
            (std::set<std::string>{"/explore/faults/0/start_s", "/explore/faults/0/kind/1",
                                   "/explore/faults/0/rate", "/explore/faults/0/colour", "/explore",
                                   "/explore/max_faults"}))
      << experiments::format(problems);
  // A missing key is reported at its object, by name (as everywhere in the loader).
  bool runs_named = false;
  for (const auto& d : problems)
    runs_named |= d.pointer == "/explore" && d.message.find("runs") != std::string::npos;
  EXPECT_TRUE(runs_named) << experiments::format(problems);
}

TEST(ExploreValidation, ACornerThatMakesABadFaultIsReportedAtTheTemplatesKey) {
  json doc = planted_document();
  doc["explore"]["faults"][0]["start_s"] = {10, 60};  // the run is 60 s long
  doc["explore"]["faults"][0]["target"] = {"db", "dbb"};
  const auto problems = problems_of(doc);
  ASSERT_FALSE(problems.empty());
  bool start = false, target = false;
  for (const auto& d : problems) {
    if (d.pointer == "/explore/faults/0/start_s") {
      start = true;
      EXPECT_NE(d.message.find("every range at its max"), std::string::npos) << d.message;
      EXPECT_NE(d.message.find("starts at or after the end of the run"), std::string::npos)
          << d.message;
    }
    if (d.pointer == "/explore/faults/0/target") {
      target = true;
      EXPECT_NE(d.message.find("\"dbb\""), std::string::npos) << d.message;
    }
  }
  EXPECT_TRUE(start && target) << experiments::format(problems);
}

TEST(ExploreValidation, SweepAndExploreTogetherAreRefused) {
  json doc = planted_document();
  doc["sweep"] = {{"parameters", {{"duration_s", {30, 60}}}}};
  const auto problems = problems_of(doc);
  ASSERT_EQ(problems.size(), 1u) << experiments::format(problems);
  EXPECT_EQ(problems[0].pointer, "/explore");
}

TEST(ExploreValidation, RunsCanBeSetFromTheCommandLine) {
  const auto r =
      experiments::load_experiment_json(planted_document(), "planted.json", {"explore.runs=3"});
  ASSERT_TRUE(r.ok()) << experiments::format(r.diagnostics);
  EXPECT_EQ(r.experiment->explore["runs"], 3);
}

}  // namespace
}  // namespace faultline::explore

namespace faultline::explore {
namespace {

TEST(ExploreValidation, TheSearchBlockNeedsAnObjectiveAndInRangeCounts) {
  json doc = testing_data::planted_document();
  doc["explore"]["search"] = {{"runs", 10}};
  auto problems = problems_of(doc);
  ASSERT_EQ(problems.size(), 1u) << experiments::format(problems);
  EXPECT_EQ(problems[0].pointer, "/explore/search");
  EXPECT_NE(problems[0].message.find("needs an \"objective\""), std::string::npos);

  doc["explore"]["objective"] = "minimize availability";
  EXPECT_TRUE(problems_of(doc).empty()) << experiments::format(problems_of(doc));
  doc["explore"]["search"] = {{"runs", -1}, {"restarts", 0}, {"neighbors", 101}, {"steps", 3}};
  problems = problems_of(doc);
  std::set<std::string> pointers;
  for (const auto& d : problems) pointers.insert(d.pointer);
  EXPECT_EQ(pointers, (std::set<std::string>{"/explore/search/runs", "/explore/search/restarts",
                                             "/explore/search/neighbors", "/explore/search/steps"}))
      << experiments::format(problems);
  doc["explore"]["search"] = 5;
  problems = problems_of(doc);
  ASSERT_EQ(problems.size(), 1u) << experiments::format(problems);
  EXPECT_EQ(problems[0].pointer, "/explore/search");
}

}  // namespace
}  // namespace faultline::explore

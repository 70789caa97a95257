#include "explore/explore_plan.h"

#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "experiments/fault_template.h"
#include "explore_test_data.h"

namespace faultline::explore {
namespace {

using nlohmann::json;
using testing_data::planted_document;

std::optional<ExplorePlan> plan_of(const json& doc) {
  std::vector<experiments::Diagnostic> problems;
  auto plan = make_plan(doc, doc["seed"].get<std::uint64_t>(), "planted.json", &problems);
  EXPECT_TRUE(problems.empty());
  return plan;
}

TEST(ExplorePlan, ScheduleIDependsOnTheSeedAndIOnly) {
  json doc = planted_document();
  const auto twelve = plan_of(doc);
  doc["explore"]["runs"] = 5;
  const auto five = plan_of(doc);
  ASSERT_TRUE(twelve && five);
  ASSERT_EQ(twelve->schedules.size(), 12u);
  for (std::size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(twelve->schedules[i].faults, five->schedules[i].faults) << i;
    EXPECT_EQ(twelve->schedules[i].faults, draw_schedule(doc["explore"]["faults"], 2, 11, i)) << i;
  }
  // Another seed draws other schedules.
  bool differs = false;
  for (std::size_t i = 0; i < 5; ++i)
    differs |= draw_schedule(doc["explore"]["faults"], 2, 12, i) != five->schedules[i].faults;
  EXPECT_TRUE(differs);
}

TEST(ExplorePlan, DrawnValuesAreWholeThousandthsInsideTheRangesAndKeysFitTheKind) {
  const auto plan = plan_of(planted_document());
  ASSERT_TRUE(plan);
  std::set<std::size_t> counts;
  for (const ExploreSchedule& s : plan->schedules) {
    counts.insert(s.faults.size());
    for (const json& f : s.faults) {
      EXPECT_EQ(f["target"], "db");
      const double start = f["start_s"].get<double>();
      const double duration = f["duration_s"].get<double>();
      EXPECT_GE(start, 10);
      EXPECT_LE(start, 20);
      EXPECT_GE(duration, 20);
      EXPECT_LE(duration, 30);
      EXPECT_EQ(std::round(start * 1000) / 1000, start);
      // rate applies to error faults only: an outage drawn from the template has none.
      EXPECT_EQ(f.contains("rate"), f["kind"] == "error") << f.dump();
    }
  }
  EXPECT_EQ(counts, (std::set<std::size_t>{0, 1, 2}));  // 0 to max_faults, all drawn
}

TEST(ExplorePlan, ShardsSplitTheRunsAndDocumentsAddTheScheduleAfterTheFilesFaults) {
  json doc = planted_document();
  doc["faults"] = json::array({{{"target", "db"}, {"kind", "latency"}, {"add_ms", 1}}});
  doc["explore"]["seeds"] = 2;
  const auto plan = plan_of(doc);
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->file_faults, 1u);
  std::set<std::string> ids;
  for (int shard = 0; shard < 3; ++shard) {
    for (const RunRef& r : shard_runs(*plan, {shard, 3})) {
      EXPECT_EQ(r.index % 3, static_cast<std::size_t>(shard));
      EXPECT_TRUE(ids.insert(run_id(*plan, r)).second);
    }
  }
  EXPECT_EQ(ids.size(), 24u);
  EXPECT_TRUE(ids.count("s0011-r1"));
  const json run = run_document(*plan, {.schedule = 3, .replication = 1, .index = 7});
  EXPECT_FALSE(run.contains("explore"));
  EXPECT_EQ(run["seed"], 12);
  ASSERT_EQ(run["faults"].size(), 1 + plan->schedules[3].faults.size());
  EXPECT_EQ(run["faults"][0]["kind"], "latency");
  for (std::size_t k = 0; k < plan->schedules[3].faults.size(); ++k)
    EXPECT_EQ(run["faults"][1 + k], plan->schedules[3].faults[k]);
}

TEST(ExplorePlan, BadObjectiveIsNamedByItsPointer) {
  json doc = planted_document();
  doc["explore"]["objective"] = "minimize luck";
  std::vector<experiments::Diagnostic> problems;
  EXPECT_FALSE(make_plan(doc, 11, "planted.json", &problems).has_value());
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].pointer, "/explore/objective");
}

TEST(FaultTemplate, CornersTakeEachChoiceAndRangeEnd) {
  const json t = json::parse(
      R"({"target": ["a", "b"], "kind": ["outage", "capacity"], "start_s": [1, 9],
          "concurrency": [2, 7], "probability": 0.5})");
  experiments::CornerChooser low(1, 0, false), high(1, 1, true);
  EXPECT_EQ(
      experiments::instantiate_fault(t, low),
      json::parse(R"({"kind": "capacity", "target": "a", "start_s": 1.0, "concurrency": 2})"));
  EXPECT_EQ(
      experiments::instantiate_fault(t, high),
      json::parse(R"({"kind": "capacity", "target": "b", "start_s": 9.0, "concurrency": 7})"));
  experiments::CornerChooser outage(0, 0, true);
  EXPECT_EQ(
      experiments::instantiate_fault(t, outage),
      json::parse(R"({"kind": "outage", "target": "a", "start_s": 9.0, "probability": 0.5})"));
}

}  // namespace
}  // namespace faultline::explore

#include "sweep/sweep_plan.h"

#include <gtest/gtest.h>

namespace faultline::sweep {
namespace {

nlohmann::json document() {
  return nlohmann::json::parse(R"({
    "name": "t", "duration_s": 10,
    "resilience": {"circuit_breakers": {"db": {"failure_threshold": 5}}},
    "sweep": {"parameters": {"resilience.circuit_breakers.db.failure_threshold": [3, 5],
                             "duration_s": [10, 20, 30]},
              "seeds": 2}})");
}

TEST(SweepPlan, GridInPathOrderLastVaryingFastestAndShardsTakeEveryNth) {
  std::vector<experiments::Diagnostic> problems;
  const auto plan = make_plan(document(), 7, "t.json", &problems);
  ASSERT_TRUE(plan.has_value());
  ASSERT_EQ(plan->points.size(), 6u);
  EXPECT_EQ(plan->parameters[0], "duration_s");
  EXPECT_EQ(plan->points[1].values[0], 10);
  EXPECT_EQ(plan->points[1].values[1], 5);
  EXPECT_EQ(plan->run_count(), 12u);
  const auto runs = shard_runs(*plan, {.index = 1, .count = 5});
  ASSERT_EQ(runs.size(), 3u);
  EXPECT_EQ(run_id(*plan, runs[0]), "p0000-r1");
  EXPECT_EQ(run_id(*plan, runs[1]), "p0003-r0");
  const auto doc = run_document(*plan, runs[0]);
  EXPECT_EQ(doc["seed"], 8);
  EXPECT_FALSE(doc.contains("sweep"));
}

TEST(SweepPlan, BadObjectiveIsNamedByItsPointer) {
  auto doc = document();
  doc["sweep"]["objective"] = "maximize luck";
  std::vector<experiments::Diagnostic> problems;
  EXPECT_FALSE(make_plan(doc, 1, "t.json", &problems).has_value());
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].pointer, "/sweep/objective");
}

}  // namespace
}  // namespace faultline::sweep

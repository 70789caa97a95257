#include "explore/explore_shrink.h"

#include <gtest/gtest.h>

#include "batch/experiment_run.h"
#include "experiments/loader.h"
#include "explore/explore_runs.h"
#include "explore_test_data.h"

namespace faultline::explore {
namespace {

using nlohmann::json;
using testing_data::planted_document;

ExplorePlan planted_plan() {
  std::vector<experiments::Diagnostic> problems;
  auto plan = make_plan(planted_document(), 11, "planted.json", &problems);
  EXPECT_TRUE(plan.has_value());
  return *plan;
}

std::vector<std::string> failed_with(const ExplorePlan& plan, const json& faults) {
  auto loaded = experiments::load_experiment_json(document_with_faults(plan, faults, 11), "p");
  EXPECT_TRUE(loaded.ok()) << experiments::format(loaded.diagnostics);
  return failed_names(
      batch::run_experiment(std::move(*loaded.experiment),
                            {.stop_at = std::nullopt, .progress = false, .interruptible = false}));
}

// The known minimal schedule of the planted model: one db outage (a 1 ms latency cannot open
// the breaker), so shrinking drops the latency fault and keeps an outage inside the original
// window, weakened no further than still failing.
TEST(ExploreShrink, DropsTheHarmlessFaultAndShortensTheOutageInsideItsWindow) {
  const ExplorePlan plan = planted_plan();
  const json faults = json::parse(R"([
    {"target": "db", "kind": "latency", "add_ms": 1, "start_s": 5},
    {"target": "db", "kind": "outage", "start_s": 20, "duration_s": 30},
    {"target": "db", "kind": "latency", "add_ms": 1, "start_s": 30, "duration_s": 10}])");
  const std::string check = "breaker db never opens";
  ASSERT_EQ(failed_with(plan, faults), std::vector<std::string>{check});
  const ShrinkOutcome s = shrink_schedule(plan, faults, 11, check);
  ASSERT_EQ(s.faults.size(), 1u) << s.faults.dump();
  const json& f = s.faults[0];
  EXPECT_EQ(f["kind"], "outage");
  const double start = f["start_s"].get<double>(), end = start + f["duration_s"].get<double>();
  EXPECT_GE(start, 20);
  EXPECT_LE(end, 50 + 1e-9);
  EXPECT_LT(f["duration_s"].get<double>(), 30);
  EXPECT_GT(s.runs, 3u);  // at least the three drops were tried
  EXPECT_LE(s.runs, 200u);
  EXPECT_EQ(failed_with(plan, s.faults), std::vector<std::string>{check});
  // The five clients think a constant 100 ms in step, so a 1 ms outage that catches their
  // calls fails five in a row: the shrinker gets the window down to a thousandth, the floor.
  EXPECT_EQ(f["duration_s"], 0.001) << s.faults.dump();
  EXPECT_LT(s.runs, 200u);
}

TEST(ExploreShrink, StaysWithinItsBudgetAndIsDeterministic) {
  const ExplorePlan plan = planted_plan();
  const json faults = json::parse(R"([
    {"target": "db", "kind": "error", "rate": 1, "start_s": 12, "duration_s": 25}])");
  const ShrinkOutcome a = shrink_schedule(plan, faults, 11, "breaker db never opens", 4);
  EXPECT_EQ(a.runs, 4u);
  const ShrinkOutcome b = shrink_schedule(plan, faults, 11, "breaker db never opens", 4);
  EXPECT_EQ(a.faults, b.faults);
  // A check the schedule does not fail keeps it as it is.
  const ShrinkOutcome none = shrink_schedule(plan, faults, 11, "no such check", 10);
  EXPECT_EQ(none.faults, faults);
}

}  // namespace
}  // namespace faultline::explore

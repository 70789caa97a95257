// ExploreRuns: what an explore's runs are on the batch engine (batch/batch_session.h). Each
// stored result (`points/s0007-r1.json`, or `points/a0012-r0.json` for the adversarial
// search's schedules) records the schedule, the seed, the verdict, the names of the failed
// checks and broken invariants, and the run's metrics (the objective reads them); plan.json
// holds what `faultline merge` rebuilds the plan from.
//
//   batch::BatchRun r = batch_run(plan, all_runs(plan)[3]);
//
// Pure functions but read_plan_file(); thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "batch/batch_runner.h"
#include "explore/explore_plan.h"

namespace faultline::explore {

// {"format", "hash", "run", "schedule", "replication", "seed", "passed",
//  "failed": [check or invariant names, in the evaluation's order, invariants last], "metrics",
//  "checks": [{"name", "passed"}]} (the batch engine reuses a result only with both).
using batch::RunResult;

inline constexpr const char* kRunFormat = "faultline-explore-run/1";
inline constexpr const char* kPlanFormat = "faultline-explore-plan/1";

// The run's id ("s0007-r1") and document.
batch::BatchRun batch_run(const ExplorePlan& plan, const RunRef& ref);
// Fills the stored result of a finished run; `schedule` is the plan's index of a random
// schedule, or the search's id ("a0012").
void fill_result(const std::string& run_id, const nlohmann::json& schedule, int replication,
                 const batch::ExperimentRun& run, RunResult* out);

// The failed checks (evaluation order) and broken invariants of a finished run.
std::vector<std::string> failed_names(const batch::ExperimentRun& run);

// plan.json, beside points/: the document (explore block included), seed and hash explored.
std::string plan_file_text(const ExplorePlan& plan);
// Reads `dir`/plan.json back into a plan; nullopt with `error` set when it is missing or bad.
std::optional<ExplorePlan> read_plan_file(const std::string& dir, std::string* error);

}  // namespace faultline::explore

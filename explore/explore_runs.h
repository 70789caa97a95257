// ExploreRuns: an explore plan's runs on the batch engine (batch/batch_runner.h). Each stored
// result (`points/s0007-r1.json`) records the schedule, the seed, the verdict, the names of the
// failed checks and broken invariants, and the run's metrics (the objective reads them).
//
//   RunnerStats s = run_explore(plan, shard_runs(plan, shard), {.jobs = 8, .points_dir = dir},
//                               on_progress);
//
// run_explore() blocks the calling thread, which reports progress; runs go on `jobs` threads.
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
using batch::RunnerStats;
using batch::RunResult;

struct ExploreRunnerOptions {
  int jobs = 1;
  std::string points_dir;
};

RunnerStats run_explore(const ExplorePlan& plan, const std::vector<RunRef>& runs,
                        const ExploreRunnerOptions& options, const batch::ProgressFn& progress);

// Every run of the plan (all_runs order), looked up in each folder in turn; absent: nullopt.
std::vector<std::optional<RunResult>> collect_results(const ExplorePlan& plan,
                                                      const std::vector<std::string>& points_dirs);

// The failed checks (evaluation order) and broken invariants of a finished run.
std::vector<std::string> failed_names(const batch::ExperimentRun& run);

}  // namespace faultline::explore

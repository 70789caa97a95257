// SweepRuns: a sweep's runs on the batch engine (batch/batch_runner.h) — each run's document
// and stored result (`points/p0007-r2.json`: seed, parameters, metrics, checks), and the
// sweep's plan.json, from which `merge` rebuilds the plan without the experiment file.
//
//   RunnerStats s = run_sweep(plan, shard_runs(plan, shard), {.jobs = 8, .points_dir = dir},
//                             on_progress);
//
// run_sweep() blocks the calling thread, which reports progress; runs go on `jobs` threads.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "batch/batch_runner.h"
#include "sweep/sweep_plan.h"

namespace faultline::sweep {

// A run's stored result: {"format", "hash", "run", "point", "replication", "seed", "parameters",
// "metrics": {name: value}, "checks": [{"name", "passed"}], "passed"}.
using batch::RunResult;
using batch::RunnerStats;
using batch::ProgressFn;

inline constexpr const char* kPlanFormat = "faultline-sweep-plan/1";

struct SweepRunnerOptions {
  int jobs = 1;
  std::string points_dir;  // results/<name>/points
};

RunnerStats run_sweep(const SweepPlan& plan, const std::vector<RunRef>& runs,
                      const SweepRunnerOptions& options, const ProgressFn& progress);

// The result of `run` stored in `points_dir`, if there is one made from the same inputs.
std::optional<RunResult> load_run_result(const std::string& points_dir, const SweepPlan& plan,
                                         const RunRef& run);
bool write_run_result(const std::string& points_dir, const SweepPlan& plan, const RunRef& run,
                      const RunResult& result, std::string* error);
// Every run of the plan, looked up in each folder in turn; an absent one is nullopt.
std::vector<std::optional<RunResult>> collect_results(const SweepPlan& plan,
                                                      const std::vector<std::string>& points_dirs);

// plan.json, beside points/: the document, seed and hash a sweep ran.
std::string plan_file_text(const SweepPlan& plan);
// Writes `dir`/plan.json (durably), unless the same text is already there.
bool write_plan_file(const SweepPlan& plan, const std::string& dir, std::string* error);
// Reads `dir`/plan.json back into a plan; nullopt with `error` set when it is missing or bad.
std::optional<SweepPlan> read_plan_file(const std::string& dir, std::string* error);

}  // namespace faultline::sweep

// SweepRuns: what a sweep's runs are on the batch engine (batch/batch_session.h) — each run's
// document and stored result (`points/p0007-r2.json`: seed, parameters, metrics, checks), and
// the sweep's plan.json, from which `merge` rebuilds the plan without the experiment file.
//
//   batch::BatchRun r = batch_run(plan, all_runs(plan)[3]);
//
// Pure functions; thread-safe.
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

inline constexpr const char* kPlanFormat = "faultline-sweep-plan/1";
inline constexpr const char* kRunFormat = "faultline-sweep-run/1";

// The run's id ("p0007-r2") and document.
batch::BatchRun batch_run(const SweepPlan& plan, const RunRef& ref);
// Fills the stored result of `ref` from the finished run (on worker threads: reads only).
void fill_result(const SweepPlan& plan, const RunRef& ref, const batch::ExperimentRun& run,
                 RunResult* out);

// plan.json, beside points/: the document, seed and hash a sweep ran.
std::string plan_file_text(const SweepPlan& plan);
// Reads `dir`/plan.json back into a plan; nullopt with `error` set when it is missing or bad.
std::optional<SweepPlan> read_plan_file(const std::string& dir, std::string* error);

}  // namespace faultline::sweep

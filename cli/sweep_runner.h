// SweepRunner: runs a sweep's runs on a Boost.Asio thread_pool, each an independent
// deterministic run, and writes each result atomically to `points/<run id>.json` as it
// finishes. Runs whose file is already there (same inputs, by hash) are not run again: a sweep
// cut short (Ctrl-C, kill -9) resumes where it stopped and ends with the same results.
//
//   RunnerStats s = run_sweep(plan, shard_runs(plan, shard), {.jobs = 8, .points_dir = dir},
//   on_progress);
//
// run_sweep() blocks the calling thread, which reports progress; runs go on `jobs` threads.
#pragma once

#include <cstddef>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "cli/sweep_plan.h"

namespace faultline::cli {

// A run's stored result: {"format", "hash", "run", "point", "replication", "seed", "parameters",
// "metrics": {name: value}, "checks": [{"name", "passed"}], "passed"}.
using RunResult = nlohmann::ordered_json;

struct RunnerOptions {
  int jobs = 1;
  std::string points_dir;  // results/<name>/points
};

struct RunnerStats {
  std::size_t reused = 0;  // found on disk, not run
  std::size_t ran = 0;     // run and written now
  bool interrupted = false;
  std::vector<std::string> errors;  // runs that could not be loaded or written
};

// Called on the calling thread about ten times a second and once at the end, with the number
// of the given runs finished (reused ones included) and of those run by this call.
using ProgressFn = std::function<void(std::size_t finished, std::size_t ran_now)>;

RunnerStats run_sweep(const SweepPlan& plan, const std::vector<RunRef>& runs,
                      const RunnerOptions& options, const ProgressFn& progress);

// The result of `run` stored in `points_dir`, if there is one made from the same inputs.
std::optional<RunResult> load_run_result(const std::string& points_dir, const SweepPlan& plan,
                                         const RunRef& run);

// Writes `result` as points_dir/<run id>.json: whole or not at all (temporary + rename).
bool write_run_result(const std::string& points_dir, const SweepPlan& plan, const RunRef& run,
                      const RunResult& result, std::string* error);

// Every run of the plan, looked up in each folder in turn (merge joins shards this way); an
// absent one is nullopt.
std::vector<std::optional<RunResult>> collect_results(const SweepPlan& plan,
                                                      const std::vector<std::string>& points_dirs);

// plan.json, beside points/: the document, seed and hash a sweep ran, so that `merge` rebuilds
// the same plan without the experiment file.
std::string plan_file_text(const SweepPlan& plan);
// Reads `dir`/plan.json back into a plan; nullopt with `error` set when it is missing or bad.
std::optional<SweepPlan> read_plan_file(const std::string& dir, std::string* error);

}  // namespace faultline::cli

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
#include <string_view>
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

// Writes `text` to `path` whole or not at all: a temporary beside it, then a rename. Temporary
// names carry the host, process and a counter, since shards on a shared folder may run on
// hosts whose processes have the same id (containers: pid 1). `durable` fsyncs the file first.
// Not monitoring::write_file_atomic for run results: its fsyncs cost more than a short run,
// and a run file torn by a power cut fails the checks on reading and is run again.
bool write_whole_file(const std::string& path, std::string_view text, bool durable,
                      std::string* error);

// Writes `result` as points_dir/<run id>.json (write_whole_file, not durable).
bool write_run_result(const std::string& points_dir, const SweepPlan& plan, const RunRef& run,
                      const RunResult& result, std::string* error);

// Every run of the plan, looked up in each folder in turn (merge joins shards this way); an
// absent one is nullopt.
std::vector<std::optional<RunResult>> collect_results(const SweepPlan& plan,
                                                      const std::vector<std::string>& points_dirs);

// plan.json, beside points/: the document, seed and hash a sweep ran, so that `merge` rebuilds
// the same plan without the experiment file.
std::string plan_file_text(const SweepPlan& plan);
// Writes `dir`/plan.json (durably), unless the same text is already there: every shard of a
// cluster sweep starts by writing it into the shared folder.
bool write_plan_file(const SweepPlan& plan, const std::string& dir, std::string* error);
// Reads `dir`/plan.json back into a plan; nullopt with `error` set when it is missing or bad.
std::optional<SweepPlan> read_plan_file(const std::string& dir, std::string* error);

}  // namespace faultline::cli

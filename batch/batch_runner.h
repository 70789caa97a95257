// BatchRunner: runs many independent experiment documents (a plan's runs) on a Boost.Asio
// thread_pool, each deterministic, and writes each result atomically to
// `points/<run id>.json` as it finishes. Runs whose file is already there (same inputs, by
// hash) are not run again: a batch cut short (Ctrl-C, kill -9) resumes where it stopped and
// ends with the same results, whatever --jobs.
//
//   RunnerStats s = run_batch(runs, {.jobs = 8, .points_dir = dir, .format = "x/1"}, fill,
//                             on_progress);
//
// run_batch() blocks the calling thread, which reports progress; runs go on `jobs` threads.
#pragma once

#include <cstddef>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "batch/experiment_run.h"

namespace faultline::batch {

// A run's stored result: {"format", "hash", ...what the planner records}.
using RunResult = nlohmann::ordered_json;

// One run: its file name (without ".json") and the whole document it runs, seed included.
struct BatchRun {
  std::string id;
  nlohmann::json document;
};

struct RunnerOptions {
  int jobs = 1;
  std::string points_dir;  // results/<name>/points
  std::string format;      // the "format" of result files ("faultline-sweep-run/1")
  std::string file;        // where the documents came from (diagnostics, samples files)
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
// Fills a result (which already holds "format" and "hash") from the finished run `index` of
// the given runs. Called on worker threads: it must only read shared data.
using ResultFn = std::function<void(std::size_t index, const ExperimentRun& run, RunResult* out)>;

RunnerStats run_batch(const std::vector<BatchRun>& runs, const RunnerOptions& options,
                      const ResultFn& fill, const ProgressFn& progress);

// 16 hex digits identifying a run's inputs (its document and the faultline version): a result
// file is reused only when its hash matches.
std::string run_hash(const nlohmann::json& run_document);

// The result of `run` stored in `points_dir` with `format`, if made from the same inputs.
std::optional<RunResult> load_result(const std::string& points_dir, const BatchRun& run,
                                     const std::string& format);
// Writes `result` as points_dir/<run id>.json (write_whole_file, not durable).
bool write_result(const std::string& points_dir, const BatchRun& run, const RunResult& result,
                  std::string* error);
// Every run, looked up in each folder in turn (merge joins shards this way); an absent one is
// nullopt.
std::vector<std::optional<RunResult>> collect_results(const std::vector<BatchRun>& runs,
                                                      const std::vector<std::string>& points_dirs,
                                                      const std::string& format);

// Writes `text` to `path` whole or not at all: a temporary beside it, then a rename. Temporary
// names carry the host, process and a counter, since shards on a shared folder may run on
// hosts whose processes have the same id (containers: pid 1). `durable` fsyncs the file first.
// Not monitoring::write_file_atomic for run results: its fsyncs cost more than a short run,
// and a run file torn by a power cut fails the checks on reading and is run again.
bool write_whole_file(const std::string& path, std::string_view text, bool durable,
                      std::string* error);
// Writes `path` (durably) unless the same text is already there: every shard of a cluster
// batch starts by writing its plan into the shared folder.
bool write_file_if_changed(const std::string& path, const std::string& text, std::string* error);
// The whole file, or nullopt when it cannot be read.
std::optional<std::string> read_text_file(const std::string& path);

}  // namespace faultline::batch

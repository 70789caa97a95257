// SweepPlan: what a sweep runs — the points (a grid, or `samples` random draws), each run
// `seeds` times with the same replication seeds — and what it aims for (objective, constraints).
// A pure function of the experiment document, so shards and merges rebuild the same plan.
//
//   std::vector<experiments::Diagnostic> problems;
//   auto plan = make_plan(experiment.source, experiment.seed, experiment.file, &problems);
//   for (const RunRef& r : shard_runs(*plan, {.index = 0, .count = 3})) run(run_document(*plan,
//   r));
//
// Plain data and pure functions; thread-safe on distinct inputs (a plan is read-only once made).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "batch/run_metrics.h"
#include "batch/shard.h"
#include "experiments/diagnostic.h"

namespace faultline::sweep {

// One combination of parameter values. `values[i]` goes to `SweepPlan::parameters[i]`.
struct SweepPoint {
  std::size_t index = 0;
  std::string id;  // "p0007": the index, zero-padded so that files sort in plan order
  std::vector<nlohmann::json> values;
};

enum class CompareOp { kLess, kLessEqual, kGreater, kGreaterEqual, kEqual };

// "latency_p95_ms <= 500": a point meets it when the metric's mean over the seeds does.
struct Constraint {
  std::string text;    // as written
  std::string metric;  // canonical name (see sweep_metric_names)
  CompareOp op = CompareOp::kLessEqual;
  double bound = 0;
};

using batch::Objective;
using batch::Shard;

struct SweepPlan {
  std::string name;                     // the experiment's name: results/<name>/
  std::string file;                     // where the document came from (diagnostics, samples files)
  nlohmann::json document;              // the whole document, sweep block included
  std::uint64_t seed = 0;               // the file's seed
  int seeds = 1;                        // replications per point
  bool random = false;                  // `samples` given: random search
  std::vector<std::string> parameters;  // dotted paths, in path order
  std::vector<bool> ranges;             // random search: parameter i is a [min, max] range
  std::vector<SweepPoint> points;
  Objective objective;
  std::vector<Constraint> constraints;
  std::vector<std::string> breakers;  // the file's circuit breakers, by name
  std::string hash;                   // 16 hex digits over the document and the seed

  std::size_t run_count() const { return points.size() * static_cast<std::size_t>(seeds); }
};

// One run of the plan: point `point`, replication `replication` (0-based).
struct RunRef {
  std::size_t point = 0;
  int replication = 0;
  std::size_t index = 0;  // point * seeds + replication: the run's place in the plan
};

inline constexpr std::size_t kMaxSweepRuns = 1'000'000;

// Builds the plan from a document whose sweep block the loader has validated. Objective,
// constraint and range problems are appended to `problems` (JSON pointers under /sweep, file
// `file`); returns nullopt when there is any.
std::optional<SweepPlan> make_plan(const nlohmann::json& document, std::uint64_t seed,
                                   const std::string& file,
                                   std::vector<experiments::Diagnostic>* problems);

// The seed of replication i, the same for every point (common random numbers: points differ
// by their parameters, not by their luck): the file's seed + i, modulo 2^64.
std::uint64_t replication_seed(std::uint64_t file_seed, int replication);

// All runs, in plan order (point-major), or those of one shard: run k goes to shard k mod count,
// so every shard gets a slice of every region of the grid.
std::vector<RunRef> all_runs(const SweepPlan& plan);
std::vector<RunRef> shard_runs(const SweepPlan& plan, const Shard& shard);

// "p0007-r2": the run's result file name, without ".json".
std::string run_id(const SweepPlan& plan, const RunRef& run);

// The experiment document of one run: the sweep block removed, the point's values set at their
// paths, the seed replaced by the replication's.
nlohmann::json run_document(const SweepPlan& plan, const RunRef& run);

// The metrics a run records (batch::metric_names) and their canonical names.
inline std::vector<std::string> sweep_metric_names(const std::vector<std::string>& breakers) {
  return batch::metric_names(breakers);
}
using batch::canonical_metric;

std::string to_string(CompareOp op);
bool compare(double value, CompareOp op, double bound);

}  // namespace faultline::sweep

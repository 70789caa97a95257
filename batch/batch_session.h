// BatchSession: the loop every "many runs of one file" command shares — `faultline sweep`,
// `faultline explore` and `faultline merge` of their shards. The engine plans nothing itself:
// a Planner (sweep/sweep_planner.h, explore/explore_planner.h) says what the runs are, what each
// result records and what the batch concludes; the engine writes plan.json, runs this shard's
// runs on all cores (resuming from points/), concludes once every run of the plan is there,
// and joins the folders of a batch's shards byte for byte as if run whole.
//
//   std::unique_ptr<Planner> p = sweep::load_planner(file, sets, &status);
//   int status = run_session(*p, {.out = "results", .jobs = 8});
//
// Prints to stdout/stderr; returns the exit status (the planner's conclusion: 0 or 1; 2 bad
// input or I/O; 130/143 interrupted). Runs go on `jobs` threads; the calling thread reports.
#pragma once

#include <fmt/format.h>

#include <cstddef>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "batch/batch_runner.h"
#include "batch/session_options.h"
#include "batch/shard.h"
#include "experiments/diagnostic.h"

namespace faultline::batch {

class Planner {
 public:
  virtual ~Planner() = default;
  // "sweep" or "explore": messages and the plan file's format ("faultline-<kind>-plan/1").
  virtual std::string kind() const = 0;
  virtual std::string name() const = 0;
  // The experiment file the plan came from (diagnostics, samples files).
  virtual std::string file() const = 0;
  // The batch's folder under OUT: OUT/<name> for a sweep, OUT/<name>-explore for an explore.
  virtual std::string folder(const std::string& out) const = 0;
  // 16 hex digits of the plan's inputs: shards join only with the same.
  virtual std::string hash() const = 0;
  // plan.json: what the planner's reader rebuilds the plan from, without the experiment file.
  virtual std::string plan_text() const = 0;
  // The plan's runs, in plan order; `index` < run_count().
  virtual std::size_t run_count() const = 0;
  virtual BatchRun run(std::size_t index) const = 0;
  virtual std::string result_format() const = 0;
  // Fills the result of run `index` of the plan (called on worker threads: read only).
  virtual void fill(std::size_t index, const ExperimentRun& run, RunResult* out) const = 0;
  // "4 points x 2 seeds = 8 runs": the line before the runs.
  virtual std::string describe() const = 0;
  // Files of a batch's conclusions in its folder: removed when a different plan takes it over.
  virtual std::vector<std::string> outputs() const = 0;
  // Concludes from every run's result (plan order) into `dir`; returns the exit status. May run
  // more batches itself (explore's adversarial search) with run_more().
  virtual int conclude(const std::vector<RunResult>& results, const std::string& dir,
                       const SessionOptions& options) const = 0;
};

// What every planner answers alike from its plan (a plan with name, file and hash) and its
// runs in plan order; batch_run(plan, ref) and plan_file_text(plan) are the planner's own
// (found by argument-dependent lookup in its namespace).
template <typename Plan, typename RunRef>
class PlanPlanner : public Planner {
 public:
  PlanPlanner(Plan plan, std::vector<RunRef> runs)
      : plan_(std::move(plan)), runs_(std::move(runs)) {}
  std::string name() const override { return plan_.name; }
  std::string file() const override { return plan_.file; }
  std::string hash() const override { return plan_.hash; }
  std::string plan_text() const override { return plan_file_text(plan_); }
  std::size_t run_count() const override { return runs_.size(); }
  BatchRun run(std::size_t index) const override { return batch_run(plan_, runs_[index]); }

 protected:
  Plan plan_;
  std::vector<RunRef> runs_;
};

// plan.json's text: the plan's identity, how many schedules or points (`count_key`), the seeds
// and the whole document, from which rebuild_plan() makes the plan again.
std::string plan_file_text(const std::string& format, const std::string& hash,
                           const std::string& name, const std::string& file, std::uint64_t seed,
                           const std::string& count_key, std::size_t count, int seeds,
                           const nlohmann::json& document);

// Runs `planner`'s runs of `options.shard` and concludes when every run of the plan is in its
// folder (the last shard on a shared folder concludes; otherwise `faultline merge` does).
int run_session(const Planner& planner, const SessionOptions& options);

// Rebuilds a planner from a folder's plan.json, or nullptr with `error` set.
using PlannerReader =
    std::function<std::unique_ptr<Planner>(const std::string& folder, std::string* error)>;

// The reader of a planner `P` built from the plan `read_plan(folder, error)` returns and `args`.
template <typename P, typename ReadPlan, typename... Args>
PlannerReader planner_reader(ReadPlan read_plan, Args... args) {
  return [=](const std::string& folder, std::string* error) -> std::unique_ptr<Planner> {
    auto plan = read_plan(folder, error);
    if (!plan) return nullptr;
    return std::make_unique<P>(std::move(*plan), args...);
  };
}

// Joins `folders` (each a shard's folder of one batch, with plan.json) into
// OUT/<planner folder>: plan, every run, then the conclusions; 2 when they hold different
// batches or a run is missing.
int merge_session(const std::vector<std::string>& folders, const PlannerReader& read,
                  const SessionOptions& options);

// What a plan.json holds for its planner to rebuild the plan: the document (with its `block`,
// "sweep" or "explore"), the seed, the file it came from and the plan's hash.
struct StoredPlan {
  nlohmann::json document;
  std::uint64_t seed = 0;
  std::string file;
  std::string hash;
};
// `dir`/plan.json of `format`; nullopt with `error` set when it is missing or not one.
std::optional<StoredPlan> read_stored_plan(const std::string& dir, const std::string& format,
                                           const std::string& block, std::string* error);
// The error of a plan rebuilt with hash `rebuilt` from a plan.json that says `stored`, or "".
std::string stale_plan_error(const std::string& dir, const std::string& rebuilt,
                             const std::string& stored);

// The plan of `dir`/plan.json, rebuilt by the planner's make_plan(document, seed, file,
// &problems) and checked against the stored hash (another faultline version plans otherwise).
template <typename Plan, typename MakePlan>
std::optional<Plan> rebuild_plan(const std::string& dir, const std::string& format,
                                 const std::string& block, const MakePlan& make_plan,
                                 std::string* error) {
  const std::optional<StoredPlan> stored = read_stored_plan(dir, format, block, error);
  if (!stored) return std::nullopt;
  std::vector<experiments::Diagnostic> problems;
  std::optional<Plan> plan = make_plan(stored->document, stored->seed, stored->file, &problems);
  if (!plan) {
    *error = fmt::format("{}/plan.json: {}", dir, experiments::format(problems));
  } else if (*error = stale_plan_error(dir, plan->hash, stored->hash); !error->empty()) {
    plan.reset();
  }
  return plan;
}

// Runs `runs` on options.jobs threads into `points_dir` (reusing stored results), with a
// progress line; for a planner's conclusion that needs more runs. `fill` gets indices into
// `runs`. Returns the results in `runs` order, or nullopt (errors printed) when a run failed
// or the batch was interrupted (`*status` then holds the exit status).
std::optional<std::vector<RunResult>> run_more(const std::string& label,
                                               const std::vector<BatchRun>& runs,
                                               const std::string& points_dir,
                                               const std::string& format, const std::string& file,
                                               const ResultFn& fill, const SessionOptions& options,
                                               int* status);

}  // namespace faultline::batch

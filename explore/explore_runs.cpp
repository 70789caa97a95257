#include "explore/explore_runs.h"

#include "explore/explore_invariants.h"

namespace faultline::explore {

namespace {

constexpr const char* kFormat = "faultline-explore-run/1";

batch::BatchRun batch_run(const ExplorePlan& plan, const RunRef& ref) {
  return {run_id(plan, ref), run_document(plan, ref)};
}

}  // namespace

std::vector<std::string> failed_names(const batch::ExperimentRun& run) {
  std::vector<std::string> names;
  for (const auto& c : run.evaluation.checks) {
    if (!c.passed) names.push_back(c.name);
  }
  for (std::string& name : broken_invariants(*run.outcome.metrics))
    names.push_back(std::move(name));
  return names;
}

RunnerStats run_explore(const ExplorePlan& plan, const std::vector<RunRef>& runs,
                        const ExploreRunnerOptions& options, const batch::ProgressFn& progress) {
  std::vector<batch::BatchRun> batch_runs;
  batch_runs.reserve(runs.size());
  for (const RunRef& ref : runs) batch_runs.push_back(batch_run(plan, ref));
  return batch::run_batch(
      batch_runs,
      {.jobs = options.jobs,
       .points_dir = options.points_dir,
       .format = kFormat,
       .file = plan.file},
      [&](std::size_t i, const batch::ExperimentRun& run, RunResult* out) {
        RunResult& r = *out;
        r["run"] = run_id(plan, runs[i]);
        r["schedule"] = runs[i].schedule;
        r["replication"] = runs[i].replication;
        r["seed"] = run.experiment->seed;
        const std::vector<std::string> failed = failed_names(run);
        r["passed"] = failed.empty();
        r["failed"] = failed;
        r["metrics"] = batch::run_metrics(run);
        RunResult checks = RunResult::array();
        for (const auto& c : run.evaluation.checks)
          checks.push_back({{"name", c.name}, {"passed", c.passed}});
        r["checks"] = std::move(checks);
      },
      progress);
}

std::vector<std::optional<RunResult>> collect_results(const ExplorePlan& plan,
                                                      const std::vector<std::string>& points_dirs) {
  std::vector<batch::BatchRun> runs;
  for (const RunRef& ref : all_runs(plan)) runs.push_back(batch_run(plan, ref));
  return batch::collect_results(runs, points_dirs, kFormat);
}

}  // namespace faultline::explore

#include "explore/explore_runs.h"

#include <fmt/format.h>

#include "batch/batch_session.h"
#include "explore/explore_invariants.h"

namespace faultline::explore {

batch::BatchRun batch_run(const ExplorePlan& plan, const RunRef& ref) {
  return {run_id(plan, ref), run_document(plan, ref)};
}

std::vector<std::string> failed_names(const batch::ExperimentRun& run) {
  std::vector<std::string> names;
  for (const auto& c : run.evaluation.checks) {
    if (!c.passed) names.push_back(c.name);
  }
  for (std::string& name : broken_invariants(*run.outcome.metrics))
    names.push_back(std::move(name));
  return names;
}

void fill_result(const std::string& run_id, const nlohmann::json& schedule, int replication,
                 const batch::ExperimentRun& run, RunResult* out) {
  RunResult& r = *out;
  r["run"] = run_id;
  r["schedule"] = schedule;
  r["replication"] = replication;
  r["seed"] = run.experiment->seed;
  const std::vector<std::string> failed = failed_names(run);
  r["passed"] = failed.empty();
  r["failed"] = failed;
  r["metrics"] = batch::run_metrics(run);
  RunResult checks = RunResult::array();
  for (const auto& c : run.evaluation.checks)
    checks.push_back({{"name", c.name}, {"passed", c.passed}});
  r["checks"] = std::move(checks);
}

std::string plan_file_text(const ExplorePlan& plan) {
  return batch::plan_file_text(kPlanFormat, plan.hash, plan.name, plan.file, plan.seed, "runs",
                               plan.schedules.size(), plan.seeds, plan.document);
}

std::optional<ExplorePlan> read_plan_file(const std::string& dir, std::string* error) {
  return batch::rebuild_plan<ExplorePlan>(dir, kPlanFormat, "explore", make_plan, error);
}

}  // namespace faultline::explore

#include "sweep/sweep_runs.h"

#include <fmt/format.h>

#include "batch/batch_session.h"

namespace faultline::sweep {

batch::BatchRun batch_run(const SweepPlan& plan, const RunRef& ref) {
  return {run_id(plan, ref), run_document(plan, ref)};
}

void fill_result(const SweepPlan& plan, const RunRef& ref, const batch::ExperimentRun& run,
                 RunResult* out) {
  RunResult& r = *out;
  r["run"] = run_id(plan, ref);
  r["point"] = plan.points[ref.point].id;
  r["replication"] = ref.replication;
  r["seed"] = run.experiment->seed;
  RunResult parameters = RunResult::object();
  for (std::size_t k = 0; k < plan.parameters.size(); ++k) {
    parameters[plan.parameters[k]] = plan.points[ref.point].values[k];
  }
  r["parameters"] = std::move(parameters);
  r["metrics"] = batch::run_metrics(run);
  RunResult checks = RunResult::array();
  for (const auto& c : run.evaluation.checks)
    checks.push_back({{"name", c.name}, {"passed", c.passed}});
  r["checks"] = std::move(checks);
  r["passed"] = run.evaluation.passed;
}

std::string plan_file_text(const SweepPlan& plan) {
  return batch::plan_file_text(kPlanFormat, plan.hash, plan.name, plan.file, plan.seed, "points",
                               plan.points.size(), plan.seeds, plan.document);
}

std::optional<SweepPlan> read_plan_file(const std::string& dir, std::string* error) {
  return batch::rebuild_plan<SweepPlan>(dir, kPlanFormat, "sweep", make_plan, error);
}

}  // namespace faultline::sweep

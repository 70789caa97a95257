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
  nlohmann::ordered_json j;
  j["format"] = kPlanFormat;
  j["plan"] = plan.hash;
  j["experiment"] = plan.name;
  j["file"] = plan.file;
  j["seed"] = plan.seed;
  j["points"] = plan.points.size();
  j["seeds"] = plan.seeds;
  j["document"] = plan.document;
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::optional<SweepPlan> read_plan_file(const std::string& dir, std::string* error) {
  return batch::rebuild_plan<SweepPlan>(
      dir, kPlanFormat, "sweep",
      [](const nlohmann::json& document, std::uint64_t seed, const std::string& file,
         std::vector<experiments::Diagnostic>* problems) {
        return make_plan(document, seed, file, problems);
      },
      error);
}

}  // namespace faultline::sweep

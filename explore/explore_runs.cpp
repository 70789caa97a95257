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
  nlohmann::ordered_json j;
  j["format"] = kPlanFormat;
  j["plan"] = plan.hash;
  j["experiment"] = plan.name;
  j["file"] = plan.file;
  j["seed"] = plan.seed;
  j["runs"] = plan.schedules.size();
  j["seeds"] = plan.seeds;
  j["document"] = plan.document;
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::optional<ExplorePlan> read_plan_file(const std::string& dir, std::string* error) {
  return batch::rebuild_plan<ExplorePlan>(
      dir, kPlanFormat, "explore",
      [](const nlohmann::json& document, std::uint64_t seed, const std::string& file,
         std::vector<experiments::Diagnostic>* problems) {
        return make_plan(document, seed, file, problems);
      },
      error);
}

}  // namespace faultline::explore

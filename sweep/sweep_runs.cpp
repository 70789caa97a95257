#include "sweep/sweep_runs.h"

#include <fmt/format.h>

namespace faultline::sweep {

namespace {

constexpr const char* kFormat = "faultline-sweep-run/1";

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

}  // namespace

RunnerStats run_sweep(const SweepPlan& plan, const std::vector<RunRef>& runs,
                      const SweepRunnerOptions& options, const ProgressFn& progress) {
  std::vector<batch::BatchRun> batch_runs;
  batch_runs.reserve(runs.size());
  for (const RunRef& ref : runs) batch_runs.push_back(batch_run(plan, ref));
  return batch::run_batch(
      batch_runs,
      {.jobs = options.jobs, .points_dir = options.points_dir, .format = kFormat, .file = plan.file},
      [&](std::size_t i, const batch::ExperimentRun& run, RunResult* out) {
        fill_result(plan, runs[i], run, out);
      },
      progress);
}

std::optional<RunResult> load_run_result(const std::string& points_dir, const SweepPlan& plan,
                                         const RunRef& run) {
  return batch::load_result(points_dir, batch_run(plan, run), kFormat);
}

bool write_run_result(const std::string& points_dir, const SweepPlan& plan, const RunRef& run,
                      const RunResult& result, std::string* error) {
  return batch::write_result(points_dir, batch_run(plan, run), result, error);
}

std::vector<std::optional<RunResult>> collect_results(const SweepPlan& plan,
                                                      const std::vector<std::string>& points_dirs) {
  std::vector<batch::BatchRun> runs;
  for (const RunRef& ref : all_runs(plan)) runs.push_back(batch_run(plan, ref));
  return batch::collect_results(runs, points_dirs, kFormat);
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

bool write_plan_file(const SweepPlan& plan, const std::string& dir, std::string* error) {
  return batch::write_file_if_changed(dir + "/plan.json", plan_file_text(plan), error);
}

std::optional<SweepPlan> read_plan_file(const std::string& dir, std::string* error) {
  const std::string path = dir + "/plan.json";
  const std::optional<std::string> text = batch::read_text_file(path);
  if (!text) {
    *error = fmt::format("{}: cannot read (not a sweep folder?)", path);
    return std::nullopt;
  }
  const nlohmann::json j = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || j.value("format", "") != kPlanFormat || !j.contains("document") ||
      !j["document"].is_object() || !j["document"].contains("sweep") || !j.contains("seed") ||
      !j["seed"].is_number_unsigned()) {
    *error = fmt::format("{}: not a faultline sweep plan", path);
    return std::nullopt;
  }
  std::vector<experiments::Diagnostic> problems;
  std::optional<SweepPlan> plan =
      make_plan(j["document"], j["seed"].get<std::uint64_t>(), j.value("file", ""), &problems);
  if (!plan) {
    *error = fmt::format("{}: {}", path, experiments::format(problems));
  } else if (plan->hash != j.value("plan", "")) {
    *error = fmt::format("{}: written by another faultline version (plan {} here, {} there)", path,
                         plan->hash, j.value("plan", ""));
    plan.reset();
  }
  return plan;
}

}  // namespace faultline::sweep

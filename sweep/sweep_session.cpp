#include "sweep/sweep_session.h"

#include <fmt/format.h>

#include <optional>

#include "batch/batch_session.h"
#include "experiments/loader.h"
#include "monitoring/terminal.h"
#include "sweep/sweep_plan.h"
#include "sweep/sweep_report.h"
#include "sweep/sweep_runs.h"

namespace faultline::sweep {

namespace {

// Every combination must be a valid experiment before anything runs: a grid can pair values
// that are each valid alone (warmup_s 60 with duration_s 30).
bool validate_points(const SweepPlan& plan) {
  bool ok = true;
  for (const SweepPoint& point : plan.points) {
    const RunRef first{point.index, 0, point.index * static_cast<std::size_t>(plan.seeds)};
    const experiments::LoadResult r =
        experiments::load_experiment_json(run_document(plan, first), plan.file);
    for (const auto& d : r.diagnostics) {
      std::string values;
      for (std::size_t k = 0; k < plan.parameters.size(); ++k) {
        values +=
            fmt::format("{}{}={}", k == 0 ? "" : ", ", plan.parameters[k], point.values[k].dump());
      }
      fmt::print(stderr, "{} (sweep point {}: {})\n", experiments::format(d), point.id, values);
      ok = false;
    }
  }
  return ok;
}

class SweepPlanner final : public batch::PlanPlanner<SweepPlan, RunRef> {
 public:
  SweepPlanner(SweepPlan plan, std::size_t top) : PlanPlanner(plan, all_runs(plan)), top_(top) {}

  std::string kind() const override { return "sweep"; }
  std::string folder(const std::string& out) const override {
    return fmt::format("{}/{}", out, plan_.name);
  }
  std::string result_format() const override { return kRunFormat; }
  void fill(std::size_t index, const batch::ExperimentRun& run, RunResult* out) const override {
    fill_result(plan_, runs_[index], run, out);
  }
  std::string describe() const override {
    return fmt::format("{} points x {} seeds = {} runs", plan_.points.size(), plan_.seeds,
                       plan_.run_count());
  }
  std::vector<std::string> outputs() const override {
    return {"sweep.json", "sweep.csv", "sweep.html", "recommended.json", "recommended.env"};
  }
  int conclude(const std::vector<RunResult>& results, const std::string& dir,
               const batch::SessionOptions& options) const override {
    PublishOptions publish;
    publish.quiet = options.quiet;
    publish.colour = monitoring::use_colour(monitoring::OutputStream::kStdout);
    publish.top = top_;
    return publish_sweep(plan_, results, dir, publish);
  }

 private:
  std::size_t top_;
};

}  // namespace

int sweep_file(const SweepRequest& request) {
  const std::string& file = request.file;
  experiments::LoadResult loaded = experiments::load_experiment_file(file, request.sets);
  for (const auto& d : loaded.diagnostics) fmt::print(stderr, "{}\n", experiments::format(d));
  if (!loaded.ok()) return 2;
  const experiments::Experiment& experiment = *loaded.experiment;
  if (experiment.sweep.is_null()) {
    fmt::print(stderr, "{}: no \"sweep\" block: nothing to sweep (see docs/sweeps.md)\n", file);
    return 2;
  }
  std::vector<experiments::Diagnostic> problems;
  std::optional<SweepPlan> plan = make_plan(experiment.source, experiment.seed, file, &problems);
  for (const auto& d : problems) fmt::print(stderr, "{}\n", experiments::format(d));
  if (!plan || !validate_points(*plan)) return 2;
  return batch::run_session(SweepPlanner(std::move(*plan), request.top), request.session);
}

bool is_sweep_folder(const std::string& folder) {
  return batch::plan_format(folder) == kPlanFormat;
}

int merge_sweep(const std::vector<std::string>& folders, const batch::SessionOptions& options,
                std::size_t top) {
  return batch::merge_session(folders, batch::planner_reader<SweepPlanner>(read_plan_file, top),
                              options);
}

}  // namespace faultline::sweep

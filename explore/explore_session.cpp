#include "explore/explore_session.h"

#include <fmt/format.h>

#include "batch/batch_session.h"
#include "experiments/loader.h"
#include "explore/explore_plan.h"
#include "explore/explore_report.h"
#include "explore/explore_runs.h"
#include "explore/explore_search.h"
#include "explore/explore_shrink.h"

namespace faultline::explore {

using nlohmann::json;

namespace {

// Every schedule must make a valid experiment before anything runs: the loader has checked
// each template alone, but faults drawn together may not combine (slowdowns of one target
// multiply past the limit).
bool validate_schedules(const ExplorePlan& plan) {
  bool ok = true;
  for (const ExploreSchedule& s : plan.schedules) {
    const auto r =
        experiments::load_experiment_json(schedule_document(plan, s.index, plan.seed), plan.file);
    for (const auto& d : r.diagnostics) {
      fmt::print(stderr, "{} (explore schedule {}: {})\n", experiments::format(d),
                 schedule_id(s.index), s.faults.dump());
      ok = false;
    }
  }
  return ok;
}

class ExplorePlanner final : public batch::PlanPlanner<ExplorePlan, RunRef> {
 public:
  ExplorePlanner(ExplorePlan plan, bool shrink)
      : PlanPlanner(plan, all_runs(plan)), shrink_(shrink) {}

  std::string kind() const override { return "explore"; }
  std::string folder(const std::string& out) const override { return explore_dir(out, plan_.name); }
  std::string result_format() const override { return kRunFormat; }
  void fill(std::size_t index, const batch::ExperimentRun& run, RunResult* out) const override {
    const RunRef& ref = runs_[index];
    fill_result(run_id(plan_, ref), ref.schedule, ref.replication, run, out);
  }
  std::string describe() const override {
    return fmt::format("{} schedules of up to {} faults x {} seeds = {} runs",
                       plan_.schedules.size(), plan_.max_faults, plan_.seeds, plan_.run_count());
  }
  std::vector<std::string> outputs() const override {
    return {"explore.json", "explore.csv", "explore.html", "reproducers"};
  }
  int conclude(const std::vector<RunResult>& results, const std::string& dir,
               const batch::SessionOptions& options) const override;

 private:
  // The search's schedules, each run `seeds` times into points/ (a0012-r0.json...): their
  // objective values, the mean over the seeds.
  std::optional<std::vector<double>> evaluate(const std::vector<json>& schedules, std::size_t first,
                                              const std::string& dir,
                                              const batch::SessionOptions& options,
                                              int* status,
                                              std::vector<std::string>* failing) const;
  void print(const ExploreReport& report, const std::string& dir) const;

  bool shrink_;
};

std::optional<std::vector<double>> ExplorePlanner::evaluate(const std::vector<json>& schedules,
                                                            std::size_t first,
                                                            const std::string& dir,
                                                            const batch::SessionOptions& options,
                                                            int* status,
                                                            std::vector<std::string>* failing) const {
  std::vector<batch::BatchRun> runs;
  for (std::size_t k = 0; k < schedules.size(); ++k) {
    for (int r = 0; r < plan_.seeds; ++r) {
      runs.push_back({fmt::format("{}-r{}", search_id(first + k), r),
                      document_with_faults(plan_, schedules[k], replication_seed(plan_, r))});
    }
  }
  const auto seeds = static_cast<std::size_t>(plan_.seeds);
  const auto results = batch::run_more(
      plan_.name + " search", runs, dir + "/points", kRunFormat, plan_.file,
      [&](std::size_t i, const batch::ExperimentRun& run, RunResult* out) {
        fill_result(runs[i].id, search_id(first + i / seeds), static_cast<int>(i % seeds), run,
                    out);
      },
      options, status);
  if (!results) return std::nullopt;
  for (const RunResult& r : *results) {
    if (!r.value("passed", true)) failing->push_back(r.value("run", std::string()));
  }
  std::vector<double> values(schedules.size(), 0.0);
  for (std::size_t i = 0; i < results->size(); ++i)
    values[i / seeds] += (*results)[i]["metrics"].value(plan_.objective->metric, 0.0);
  for (double& v : values) v /= static_cast<double>(seeds);
  return values;
}

int ExplorePlanner::conclude(const std::vector<RunResult>& results, const std::string& dir,
                             const batch::SessionOptions& options) const {
  std::optional<SearchOutcome> search;
  // Runs of the search that fail a check or an invariant: a failure is a failure however it
  // was found, so they make the exit status 1 even when no random schedule failed.
  std::vector<std::string> search_failing;
  if (plan_.objective && plan_.search_runs > 0) {
    int status = 0;
    search = adversarial_search(
        {plan_.document.at("explore").at("faults"), plan_.max_faults, plan_.seed}, *plan_.objective,
        schedule_values(plan_, results),
        {.runs = plan_.search_runs, .restarts = plan_.restarts, .neighbors = plan_.neighbors},
        [&](const std::vector<json>& schedules, std::size_t first) {
          return evaluate(schedules, first, dir, options, &status, &search_failing);
        });
    if (!search) return status;
  }
  ShrinkFn shrink;
  if (shrink_) {
    shrink = [&](const FailureGroup& g, const json& faults) -> std::optional<Shrunk> {
      ShrinkOutcome s = shrink_schedule(plan_, faults, g.first_seed, g.check);
      return Shrunk{std::move(s.faults), s.runs};
    };
  }
  const ExploreReport report =
      explore::conclude(plan_, results, shrink, search ? &*search : nullptr);
  std::string error;
  if (!write_report(report, dir, &error)) {
    fmt::print(stderr, "faultline: {}\n", error);
    return 2;
  }
  if (!options.quiet) print(report, dir);
  if (!search_failing.empty()) {
    fmt::print("{} of the adversarial search's runs fail a check or an invariant (first: {}/points/{}.json)\n",
               search_failing.size(), dir, search_failing.front());
  }
  return report.found() || !search_failing.empty() ? 1 : 0;
}

void ExplorePlanner::print(const ExploreReport& report, const std::string& dir) const {
  if (!report.found()) {
    fmt::print("no failing schedule in {} schedules\n", plan_.schedules.size());
  } else {
    fmt::print("{} of {} schedules fail; {} failure groups:\n", report.failing_schedules,
               plan_.schedules.size(), report.groups.size());
    for (const FailureGroup& g : report.groups) {
      fmt::print(
          "  ✗ {} — {} schedules, first {} (seed {}): {} faults{}\n      reproduce: "
          "faultline run {}/{}\n",
          g.check, g.schedules, schedule_id(g.first_schedule), g.first_seed, g.faults.size(),
          g.shrink_runs
              ? fmt::format(", shrunk from {} in {} runs",
                            plan_.schedules[g.first_schedule].faults.size(), *g.shrink_runs)
              : "",
          dir, g.reproducer);
    }
  }
  if (plan_.objective) {
    const auto& o = report.json["objective"];
    fmt::print("worst random schedule for \"{}\": {} with {} = {}\n", plan_.objective->text,
               o["worst_schedule"].get<std::string>(), plan_.objective->metric, o["value"].dump());
    if (o.contains("search")) {
      const auto& a = o["search"];
      fmt::print("adversarial search: {} schedules in {} rounds, worst {} = {}{}\n",
                 a["runs"].get<std::size_t>(), a["rounds"].get<int>(), plan_.objective->metric,
                 o["worst"]["value"].dump(),
                 a.contains("worst_schedule") && o["worst"]["schedule"] == a["worst_schedule"]
                     ? fmt::format(" ({})", a["worst_schedule"].get<std::string>())
                     : " (no worse than the random schedules)");
    }
    fmt::print("      reproduce: faultline run {}/{}\n", dir, report.worst_reproducer);
  }
  fmt::print("wrote {}/explore.json, explore.csv, explore.html{}\n", dir,
             report.found() || plan_.objective ? ", reproducers/" : "");
}

}  // namespace

std::string explore_dir(const std::string& out, const std::string& name) {
  return fmt::format("{}/{}-explore", out, name);
}

int explore_file(const ExploreRequest& request) {
  std::vector<std::string> sets = request.sets;
  if (request.runs) sets.push_back(fmt::format("explore.runs={}", *request.runs));
  experiments::LoadResult loaded = experiments::load_experiment_file(request.file, sets);
  for (const auto& d : loaded.diagnostics) fmt::print(stderr, "{}\n", experiments::format(d));
  if (!loaded.ok()) return 2;
  const experiments::Experiment& experiment = *loaded.experiment;
  if (experiment.explore.is_null()) {
    fmt::print(stderr, "{}: no \"explore\" block: nothing to explore (see docs/explore.md)\n",
               request.file);
    return 2;
  }
  std::vector<experiments::Diagnostic> problems;
  std::optional<ExplorePlan> plan =
      make_plan(experiment.source, experiment.seed, request.file, &problems);
  for (const auto& d : problems) fmt::print(stderr, "{}\n", experiments::format(d));
  if (!plan || !validate_schedules(*plan)) return 2;
  return batch::run_session(ExplorePlanner(std::move(*plan), request.shrink), request.session);
}

bool is_explore_folder(const std::string& folder) {
  return batch::plan_format(folder) == kPlanFormat;
}

int merge_explore(const std::vector<std::string>& folders, const batch::SessionOptions& options,
                  bool shrink) {
  return batch::merge_session(
      folders, batch::planner_reader<ExplorePlanner>(read_plan_file, shrink), options);
}

}  // namespace faultline::explore

#include "explore/explore_session.h"

#include <fmt/format.h>

#include "batch/batch_progress.h"
#include "batch/interrupt.h"
#include "experiments/loader.h"
#include "explore/explore_plan.h"
#include "explore/explore_report.h"
#include "explore/explore_runs.h"
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
  const std::optional<ExplorePlan> plan =
      make_plan(experiment.source, experiment.seed, request.file, &problems);
  for (const auto& d : problems) fmt::print(stderr, "{}\n", experiments::format(d));
  if (!plan || !validate_schedules(*plan)) return 2;

  const std::string dir = explore_dir(request.out, plan->name);
  const batch::Shard& shard = request.shard;
  const std::vector<RunRef> runs = shard_runs(*plan, shard);
  if (!request.quiet) {
    fmt::print("explore {}: {} schedules of up to {} faults x {} seeds = {} runs{}, {} at once\n",
               plan->name, plan->schedules.size(), plan->max_faults, plan->seeds, plan->run_count(),
               shard.count > 1
                   ? fmt::format(" (shard {}/{}: {} runs)", shard.index, shard.count, runs.size())
                   : "",
               request.jobs);
    std::fflush(stdout);
  }

  batch::install_interrupt_handlers();
  batch::BatchProgress bar(plan->name, runs.size(), request.progress);
  const RunnerStats stats =
      run_explore(*plan, runs, {.jobs = request.jobs, .points_dir = dir + "/points"},
                  [&](std::size_t finished, std::size_t ran) { bar.update(finished, ran); });
  bar.finish();
  for (const auto& e : stats.errors) fmt::print(stderr, "faultline: {}\n", e);
  if (stats.interrupted) {
    fmt::print(stderr,
               "faultline: interrupted; {} runs saved in {}/points/, the same command resumes\n",
               stats.reused + stats.ran, dir);
    return batch::interrupted_exit_code();
  }
  if (!stats.errors.empty()) return 2;

  // A shard concludes only when every run of the plan is there (the last shard on a shared
  // folder).
  const std::vector<std::optional<RunResult>> found = collect_results(*plan, {dir + "/points"});
  std::vector<RunResult> results;
  for (const auto& r : found) {
    if (r) results.push_back(*r);
  }
  if (results.size() < found.size()) {
    fmt::print("shard {}/{} done: {} of {} runs in {}/points/; the last shard concludes\n",
               shard.index, shard.count, results.size(), found.size(), dir);
    return 0;
  }
  ShrinkFn shrink;
  if (request.shrink) {
    shrink = [&](const FailureGroup& g, const json& faults) -> std::optional<Shrunk> {
      ShrinkOutcome s = shrink_schedule(*plan, faults, g.first_seed, g.check);
      return Shrunk{std::move(s.faults), s.runs};
    };
  }
  const ExploreReport report = conclude(*plan, results, shrink);
  std::string error;
  if (!write_report(report, dir, &error)) {
    fmt::print(stderr, "faultline: {}\n", error);
    return 2;
  }
  if (!request.quiet) {
    if (!report.found()) {
      fmt::print("no failing schedule in {} schedules\n", plan->schedules.size());
    } else {
      fmt::print("{} of {} schedules fail; {} failure groups:\n", report.failing_schedules,
                 plan->schedules.size(), report.groups.size());
      for (const FailureGroup& g : report.groups) {
        fmt::print(
            "  ✗ {} — {} schedules, first {} (seed {}): {} faults{}\n      reproduce: "
            "faultline run {}/{}\n",
            g.check, g.schedules, schedule_id(g.first_schedule), g.first_seed, g.faults.size(),
            g.shrink_runs
                ? fmt::format(", shrunk from {} in {} runs",
                              plan->schedules[g.first_schedule].faults.size(), *g.shrink_runs)
                : "",
            dir, g.reproducer);
      }
    }
    if (plan->objective) {
      const auto& o = report.json["objective"];
      fmt::print("worst for \"{}\": {} with {} = {}\n", plan->objective->text,
                 o["worst_schedule"].get<std::string>(), plan->objective->metric,
                 o["value"].dump());
    }
    fmt::print("wrote {}/explore.json, explore.csv{}\n", dir,
               report.found() ? ", reproducers/" : "");
  }
  const int status = report.found() ? 1 : 0;
  // As for sweep: a shard's status says whether its own runs are done.
  return shard.count > 1 && status == 1 ? 0 : status;
}

}  // namespace faultline::explore

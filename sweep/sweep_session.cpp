#include "sweep/sweep_session.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <optional>
#include <system_error>

#include "batch/batch_progress.h"
#include "batch/interrupt.h"
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

// A plan.json from a different sweep of the same name makes its outputs stale: they go before
// any new run, so a folder never mixes one plan's points with another's conclusions.
void clear_stale_outputs(const std::string& dir, const SweepPlan& plan) {
  std::string ignored_error;
  const auto previous = read_plan_file(dir, &ignored_error);
  if (previous && previous->hash == plan.hash) return;
  std::error_code ignored;
  for (const char* name :
       {"sweep.json", "sweep.csv", "sweep.html", "recommended.json", "recommended.env"}) {
    std::filesystem::remove(fmt::format("{}/{}", dir, name), ignored);
  }
}

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
  const std::optional<SweepPlan> plan =
      make_plan(experiment.source, experiment.seed, file, &problems);
  for (const auto& d : problems) fmt::print(stderr, "{}\n", experiments::format(d));
  if (!plan || !validate_points(*plan)) return 2;

  const std::string dir = fmt::format("{}/{}", request.out, plan->name);
  clear_stale_outputs(dir, *plan);
  std::string error;
  if (!write_plan_file(*plan, dir, &error)) {
    fmt::print(stderr, "faultline: cannot write the sweep's plan: {}\n", error);
    return 2;
  }
  const batch::Shard& shard = request.shard;
  const std::vector<RunRef> runs = shard_runs(*plan, shard);
  if (!request.quiet) {
    fmt::print("sweep {}: {} points x {} seeds = {} runs{}, {} at once\n", plan->name,
               plan->points.size(), plan->seeds, plan->run_count(),
               shard.count > 1
                   ? fmt::format(" (shard {}/{}: {} runs)", shard.index, shard.count, runs.size())
                   : "",
               request.jobs);
    std::fflush(stdout);
  }

  batch::install_interrupt_handlers();
  batch::BatchProgress bar(plan->name, runs.size(), request.progress);
  const RunnerStats stats =
      run_sweep(*plan, runs, {.jobs = request.jobs, .points_dir = dir + "/points"},
                [&](std::size_t finished, std::size_t ran) { bar.update(finished, ran); });
  bar.finish();
  for (const auto& e : stats.errors) fmt::print(stderr, "faultline: {}\n", e);
  if (stats.interrupted) {
    fmt::print(
        stderr,
        "faultline: interrupted; {} runs saved in {}/points/, the same command resumes the sweep\n",
        stats.reused + stats.ran, dir);
    return batch::interrupted_exit_code();
  }
  if (!stats.errors.empty()) return 2;
  if (!request.quiet && stats.reused > 0)
    fmt::print("{} runs were already done, {} run now\n", stats.reused, stats.ran);

  // A shard concludes only when every run of the plan is there (the last shard on a shared
  // folder); otherwise `faultline merge` does.
  const std::vector<std::optional<RunResult>> found = collect_results(*plan, {dir + "/points"});
  std::vector<RunResult> results;
  for (const auto& r : found) {
    if (r) results.push_back(*r);
  }
  if (results.size() < found.size()) {
    fmt::print(
        "shard {}/{} done: {} of {} runs in {}/points/; join the shards with faultline merge\n",
        shard.index, shard.count, results.size(), found.size(), dir);
    return 0;
  }
  PublishOptions publish;
  publish.quiet = request.quiet;
  publish.colour = monitoring::use_colour(monitoring::OutputStream::kStdout);
  publish.top = request.top;
  const int status = publish_sweep(*plan, results, dir, publish);
  // A shard's status says whether its own runs are done: a cluster scheduler must not retry the
  // shard that happened to finish last because no point met the constraints (merge says that).
  return shard.count > 1 && status == 1 ? 0 : status;
}

int merge_sweep(const MergeRequest& request) {
  const std::vector<std::string>& folders = request.folders;
  std::optional<SweepPlan> plan;
  for (const auto& folder : folders) {
    std::string error;
    std::optional<SweepPlan> p = read_plan_file(folder, &error);
    if (!p) {
      fmt::print(stderr, "faultline merge: {}\n", error);
      return 2;
    }
    if (plan && p->hash != plan->hash) {
      fmt::print(stderr,
                 "faultline merge: {} holds another sweep ({} plan {}) than {} ({} plan {})\n",
                 folder, p->name, p->hash, folders.front(), plan->name, plan->hash);
      return 2;
    }
    if (!plan) plan = std::move(p);
  }

  std::vector<std::string> points_dirs;
  for (const auto& folder : folders) points_dirs.push_back(folder + "/points");
  const std::vector<std::optional<RunResult>> found = collect_results(*plan, points_dirs);
  const std::vector<RunRef> runs = all_runs(*plan);
  std::vector<std::string> missing;
  for (std::size_t i = 0; i < found.size(); ++i) {
    if (!found[i]) missing.push_back(run_id(*plan, runs[i]));
  }
  if (!missing.empty()) {
    fmt::print(
        stderr,
        "faultline merge: {} of {} runs of {} are missing (first: {}); run the missing shards, or "
        "`faultline sweep` on the file to run them here\n",
        missing.size(), found.size(), plan->name,
        fmt::join(missing.begin(),
                  missing.begin() + std::min<std::ptrdiff_t>(std::ssize(missing), 5), ", "));
    return 2;
  }

  // The merged folder is a complete sweep folder: plan, every run (so a later sweep of the
  // same file there reuses them), then the conclusions.
  const std::string dir = fmt::format("{}/{}", request.out, plan->name);
  std::string error;
  if (!write_plan_file(*plan, dir, &error)) {
    fmt::print(stderr, "faultline merge: {}\n", error);
    return 2;
  }
  std::vector<RunResult> results;
  results.reserve(found.size());
  for (std::size_t i = 0; i < found.size(); ++i) {
    if (!load_run_result(dir + "/points", *plan, runs[i]) &&
        !write_run_result(dir + "/points", *plan, runs[i], *found[i], &error)) {
      fmt::print(stderr, "faultline merge: {}\n", error);
      return 2;
    }
    results.push_back(*found[i]);
  }
  PublishOptions publish;
  publish.quiet = request.quiet;
  publish.colour = monitoring::use_colour(monitoring::OutputStream::kStdout);
  publish.top = request.top;
  return publish_sweep(*plan, results, dir, publish);
}

}  // namespace faultline::sweep

// `faultline sweep FILE [--jobs N] [--shard I/N] [--out DIR]` (docs/sweeps.md).
#include <fmt/core.h>

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "cli/commands.h"
#include "cli/interrupt.h"
#include "cli/options.h"
#include "cli/sweep_plan.h"
#include "cli/sweep_report.h"
#include "cli/sweep_runner.h"
#include "experiments/loader.h"
#include "monitoring/terminal.h"

namespace faultline::cli {

namespace po = boost::program_options;

namespace {

const char* env(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? v : nullptr;
}

std::optional<int> whole(const std::string& text) {
  try {
    std::size_t used = 0;
    const long v = std::stol(text, &used);
    if (used == text.size() && v >= 0 && v <= 1'000'000) return static_cast<int>(v);
  } catch (const std::exception&) {
  }
  return std::nullopt;
}

// --shard, else Kubernetes' JOB_COMPLETION_INDEX (count: --shard-count or
// FAULTLINE_SHARD_COUNT), else Slurm's SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN of
// SLURM_ARRAY_TASK_COUNT; else the whole sweep.
std::optional<Shard> pick_shard(const po::variables_map& vm, std::string* error) {
  if (vm.count("shard")) return parse_shard(vm["shard"].as<std::string>(), error);
  std::optional<int> count;
  if (vm.count("shard-count")) {
    count = whole(vm["shard-count"].as<std::string>());
  } else if (const char* c = env("FAULTLINE_SHARD_COUNT")) {
    count = whole(c);
  }
  if (const char* index = env("JOB_COMPLETION_INDEX")) {
    if (!count) {
      *error =
          "JOB_COMPLETION_INDEX is set: give the number of shards with --shard-count N or "
          "FAULTLINE_SHARD_COUNT";
      return std::nullopt;
    }
    return parse_shard(fmt::format("{}/{}", index, *count), error);
  }
  if (const char* task = env("SLURM_ARRAY_TASK_ID")) {
    const char* total = env("SLURM_ARRAY_TASK_COUNT");
    const auto id = whole(task),
               min = whole(env("SLURM_ARRAY_TASK_MIN") ? env("SLURM_ARRAY_TASK_MIN") : "0");
    if (total == nullptr || !id || !min || *id < *min) {
      *error =
          "SLURM_ARRAY_TASK_ID is set without a usable SLURM_ARRAY_TASK_COUNT / "
          "SLURM_ARRAY_TASK_MIN";
      return std::nullopt;
    }
    return parse_shard(fmt::format("{}/{}", *id - *min, total), error);
  }
  if (vm.count("shard-count")) {
    *error =
        "--shard-count needs JOB_COMPLETION_INDEX (a Kubernetes Indexed Job); use --shard I/N "
        "otherwise";
    return std::nullopt;
  }
  return Shard{};
}

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

int sweep_command(const Args& args) {
  po::options_description options("sweep");
  std::vector<std::string> files, sets;
  std::string out = "results";
  int jobs = 0;
  std::size_t top = 10;
  // clang-format off
  options.add_options()
      ("file", po::value(&files)->composing(), "experiment file with a sweep block")
      ("jobs,j", po::value(&jobs), "runs at once (default: the number of cores)")
      ("shard", po::value<std::string>(), "I/N: run the I-th (from 0) of N slices of the runs")
      ("shard-count", po::value<std::string>(), "N, with JOB_COMPLETION_INDEX (Kubernetes Indexed Jobs)")
      ("out", po::value(&out), "results directory (default results/)")
      ("set", po::value(&sets)->composing(), "PATH=VALUE override of the file, repeatable")
      ("top", po::value(&top), "points shown in the ranking (0: all; default 10)")
      ("quiet,q", po::bool_switch(), "one line instead of the ranking")
      ("progress", po::bool_switch(), "progress line on stderr even when not a terminal")
      ("no-progress", po::bool_switch(), "no progress line");
  // clang-format on
  po::variables_map vm;
  if (!parse_args("sweep", args, options, "file", &vm)) return 2;
  if (files.size() != 1) return usage_error("sweep", "expected exactly one experiment file");
  if (jobs < 0) return usage_error("sweep", "--jobs must be at least 1");
  if (jobs == 0) jobs = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::string error;
  const std::optional<Shard> shard = pick_shard(vm, &error);
  if (!shard) return usage_error("sweep", error);

  const std::string& file = files[0];
  experiments::LoadResult loaded = experiments::load_experiment_file(file, sets);
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

  const std::string dir = fmt::format("{}/{}", out, plan->name);
  clear_stale_outputs(dir, *plan);
  if (!write_plan_file(*plan, dir, &error)) {
    fmt::print(stderr, "faultline: cannot write the sweep's plan: {}\n", error);
    return 2;
  }
  const std::vector<RunRef> runs = shard_runs(*plan, *shard);
  const bool quiet = vm["quiet"].as<bool>();
  if (!quiet) {
    fmt::print("sweep {}: {} points x {} seeds = {} runs{}, {} at once\n", plan->name,
               plan->points.size(), plan->seeds, plan->run_count(),
               shard->count > 1
                   ? fmt::format(" (shard {}/{}: {} runs)", shard->index, shard->count, runs.size())
                   : "",
               jobs);
    std::fflush(stdout);
  }

  install_interrupt_handlers();
  bool progress = monitoring::stderr_is_terminal();
  if (vm["progress"].as<bool>()) progress = true;
  if (vm["no-progress"].as<bool>()) progress = false;
  SweepProgress bar(plan->name, runs.size(), progress);
  const RunnerStats stats =
      run_sweep(*plan, runs, {.jobs = jobs, .points_dir = dir + "/points"},
                [&](std::size_t finished, std::size_t ran) { bar.update(finished, ran); });
  bar.finish();
  for (const auto& e : stats.errors) fmt::print(stderr, "faultline: {}\n", e);
  if (stats.interrupted) {
    fmt::print(
        stderr,
        "faultline: interrupted; {} runs saved in {}/points/, the same command resumes the sweep\n",
        stats.reused + stats.ran, dir);
    return interrupted_exit_code();
  }
  if (!stats.errors.empty()) return 2;
  if (!quiet && stats.reused > 0)
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
        shard->index, shard->count, results.size(), found.size(), dir);
    return 0;
  }
  PublishOptions publish;
  publish.quiet = quiet;
  publish.colour = monitoring::use_colour(monitoring::OutputStream::kStdout);
  publish.top = top;
  const int status = publish_sweep(*plan, results, dir, publish);
  // A shard's status says whether its own runs are done: a cluster scheduler must not retry the
  // shard that happened to finish last because no point met the constraints (merge says that).
  return shard->count > 1 && status == 1 ? 0 : status;
}

}  // namespace faultline::cli

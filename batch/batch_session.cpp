#include "batch/batch_session.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <system_error>

#include "batch/batch_progress.h"
#include "batch/interrupt.h"

namespace faultline::batch {

namespace {

// A plan.json of a different plan makes the folder's conclusions stale: they go before any new
// run, so a folder never mixes one plan's runs with another's conclusions.
void clear_stale_outputs(const Planner& planner, const std::string& dir) {
  const std::optional<std::string> previous = read_text_file(dir + "/plan.json");
  if (previous && *previous == planner.plan_text()) return;
  std::error_code ignored;
  for (const std::string& name : planner.outputs())
    std::filesystem::remove_all(fmt::format("{}/{}", dir, name), ignored);
}

// The runs' results, or nullopt with the stats' problems printed and `*status` set.
bool report_stats(const RunnerStats& stats, const std::string& points_dir, int* status) {
  for (const auto& e : stats.errors) fmt::print(stderr, "faultline: {}\n", e);
  if (stats.interrupted) {
    fmt::print(stderr, "faultline: interrupted; {} runs saved in {}/, the same command resumes\n",
               stats.reused + stats.ran, points_dir);
    *status = interrupted_exit_code();
    return false;
  }
  if (!stats.errors.empty()) {
    *status = 2;
    return false;
  }
  return true;
}

RunnerStats run_with_progress(const std::string& label, const std::vector<BatchRun>& runs,
                              const RunnerOptions& runner, const ResultFn& fill,
                              const SessionOptions& options) {
  install_interrupt_handlers();
  BatchProgress bar(label, runs.size(), options.progress);
  const RunnerStats stats =
      run_batch(runs, runner, fill,
                [&](std::size_t finished, std::size_t ran) { bar.update(finished, ran); });
  bar.finish();
  return stats;
}

std::vector<BatchRun> plan_runs(const Planner& planner) {
  std::vector<BatchRun> runs;
  runs.reserve(planner.run_count());
  for (std::size_t i = 0; i < planner.run_count(); ++i) runs.push_back(planner.run(i));
  return runs;
}

}  // namespace

std::string plan_format(const std::string& folder) {
  const std::optional<std::string> text = read_text_file(folder + "/plan.json");
  if (!text) return "";
  const nlohmann::json j = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j.contains("format") || !j["format"].is_string()) return "";
  return j["format"].get<std::string>();
}

std::string plan_file_text(const std::string& format, const std::string& hash,
                           const std::string& name, const std::string& file, std::uint64_t seed,
                           const std::string& count_key, std::size_t count, int seeds,
                           const nlohmann::json& document) {
  nlohmann::ordered_json j;
  j["format"] = format;
  j["plan"] = hash;
  j["experiment"] = name;
  j["file"] = file;
  j["seed"] = seed;
  j[count_key] = count;
  j["seeds"] = seeds;
  j["document"] = document;
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::optional<StoredPlan> read_stored_plan(const std::string& dir, const std::string& format,
                                           const std::string& block, std::string* error) {
  const std::string path = dir + "/plan.json";
  const std::optional<std::string> text = read_text_file(path);
  if (!text) {
    *error = fmt::format("{}: cannot read (not a {} folder?)", path, block);
    return std::nullopt;
  }
  const nlohmann::json j = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || j.value("format", "") != format || !j.contains("document") ||
      !j["document"].is_object() || !j["document"].contains(block) || !j.contains("seed") ||
      !j["seed"].is_number_unsigned()) {
    *error = fmt::format("{}: not a faultline {} plan", path, block);
    return std::nullopt;
  }
  return StoredPlan{j["document"], j["seed"].get<std::uint64_t>(), j.value("file", ""),
                    j.value("plan", "")};
}

std::string stale_plan_error(const std::string& dir, const std::string& rebuilt,
                             const std::string& stored) {
  if (rebuilt == stored) return "";
  return fmt::format("{}/plan.json: written by another faultline version (plan {} here, {} there)",
                     dir, rebuilt, stored);
}

std::optional<std::vector<RunResult>> run_more(const std::string& label,
                                               const std::vector<BatchRun>& runs,
                                               const std::string& points_dir,
                                               const std::string& format, const std::string& file,
                                               const ResultFn& fill, const SessionOptions& options,
                                               int* status) {
  const RunnerStats stats = run_with_progress(
      label, runs, {.jobs = options.jobs, .points_dir = points_dir, .format = format, .file = file},
      fill, options);
  if (!report_stats(stats, points_dir, status)) return std::nullopt;
  std::vector<RunResult> results;
  results.reserve(runs.size());
  for (auto& r : collect_results(runs, {points_dir}, format)) {
    if (!r) {
      fmt::print(stderr, "faultline: a result of {} is missing from {}/\n", label, points_dir);
      *status = 2;
      return std::nullopt;
    }
    results.push_back(std::move(*r));
  }
  return results;
}

int run_session(const Planner& planner, const SessionOptions& options) {
  const std::string dir = planner.folder(options.out);
  clear_stale_outputs(planner, dir);
  std::string error;
  if (!write_file_if_changed(dir + "/plan.json", planner.plan_text(), &error)) {
    fmt::print(stderr, "faultline: cannot write the {}'s plan: {}\n", planner.kind(), error);
    return 2;
  }
  const Shard& shard = options.shard;
  const std::vector<std::size_t> indices = shard_indices(planner.run_count(), shard);
  std::vector<BatchRun> runs;
  runs.reserve(indices.size());
  for (const std::size_t k : indices) runs.push_back(planner.run(k));
  if (!options.quiet) {
    fmt::print("{} {}: {}{}, {} at once\n", planner.kind(), planner.name(), planner.describe(),
               shard.count > 1
                   ? fmt::format(" (shard {}/{}: {} runs)", shard.index, shard.count, runs.size())
                   : "",
               options.jobs);
    std::fflush(stdout);
  }
  const std::string points = dir + "/points";
  const RunnerStats stats = run_with_progress(
      planner.name(), runs,
      {.jobs = options.jobs,
       .points_dir = points,
       .format = planner.result_format(),
       .file = planner.file()},
      [&](std::size_t i, const ExperimentRun& run, RunResult* out) {
        planner.fill(indices[i], run, out);
      },
      options);
  int status = 0;
  if (!report_stats(stats, points, &status)) return status;
  if (!options.quiet && stats.reused > 0)
    fmt::print("{} runs were already done, {} run now\n", stats.reused, stats.ran);

  // A shard concludes only when every run of the plan is there (the last shard on a shared
  // folder); otherwise `faultline merge` does.
  std::vector<RunResult> results;
  for (auto& r : collect_results(plan_runs(planner), {points}, planner.result_format())) {
    if (r) results.push_back(std::move(*r));
  }
  if (results.size() < planner.run_count()) {
    fmt::print("shard {}/{} done: {} of {} runs in {}/; join the shards with faultline merge\n",
               shard.index, shard.count, results.size(), planner.run_count(), points);
    return 0;
  }
  status = planner.conclude(results, dir, options);
  // A shard's status says whether its own runs are done: a cluster scheduler must not retry the
  // shard that happened to finish last because of what the batch concluded (merge says that).
  return shard.count > 1 && status == 1 ? 0 : status;
}

int merge_session(const std::vector<std::string>& folders, const PlannerReader& read,
                  const SessionOptions& options) {
  std::unique_ptr<Planner> planner;
  for (const auto& folder : folders) {
    std::string error;
    std::unique_ptr<Planner> p = read(folder, &error);
    if (!p) {
      fmt::print(stderr, "faultline merge: {}\n", error);
      return 2;
    }
    if (planner && p->hash() != planner->hash()) {
      fmt::print(stderr, "faultline merge: {} holds another {} ({} plan {}) than {} ({} plan {})\n",
                 folder, p->kind(), p->name(), p->hash(), folders.front(), planner->name(),
                 planner->hash());
      return 2;
    }
    if (!planner) planner = std::move(p);
  }

  std::vector<std::string> points_dirs;
  for (const auto& folder : folders) points_dirs.push_back(folder + "/points");
  const std::vector<BatchRun> runs = plan_runs(*planner);
  const std::vector<std::optional<RunResult>> found =
      collect_results(runs, points_dirs, planner->result_format());
  std::vector<std::string> missing;
  for (std::size_t i = 0; i < found.size(); ++i) {
    if (!found[i]) missing.push_back(runs[i].id);
  }
  if (!missing.empty()) {
    fmt::print(stderr,
               "faultline merge: {} of {} runs of {} are missing (first: {}); run the missing "
               "shards, or `faultline {}` on the file to run them here\n",
               missing.size(), found.size(), planner->name(),
               fmt::join(missing.begin(),
                         missing.begin() + std::min<std::ptrdiff_t>(std::ssize(missing), 5), ", "),
               planner->kind());
    return 2;
  }

  // The merged folder is a complete batch folder: plan, every run (so a later run of the same
  // file there reuses them), then the conclusions.
  const std::string dir = planner->folder(options.out);
  clear_stale_outputs(*planner, dir);
  std::string error;
  if (!write_file_if_changed(dir + "/plan.json", planner->plan_text(), &error)) {
    fmt::print(stderr, "faultline merge: {}\n", error);
    return 2;
  }
  std::vector<RunResult> results;
  results.reserve(found.size());
  for (std::size_t i = 0; i < found.size(); ++i) {
    if (!load_result(dir + "/points", runs[i], planner->result_format()) &&
        !write_result(dir + "/points", runs[i], *found[i], &error)) {
      fmt::print(stderr, "faultline merge: {}\n", error);
      return 2;
    }
    results.push_back(*found[i]);
  }
  return planner->conclude(results, dir, options);
}

}  // namespace faultline::batch

// `faultline merge DIR... [--out DIR]`: joins the folders of a sweep's shards into one result,
// the same, byte for byte, as the sweep run whole (docs/sweeps.md).
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/options.h"
#include "cli/sweep_plan.h"
#include "cli/sweep_report.h"
#include "cli/sweep_runner.h"
#include "monitoring/terminal.h"

namespace faultline::cli {

namespace po = boost::program_options;

namespace {

namespace fs = std::filesystem;

// The sweep folders a DIR names: itself when it holds plan.json, else its subfolders that do
// (so a shard's whole --out folder can be given).
std::vector<std::string> sweep_folders(const std::string& dir) {
  std::error_code ec;
  if (fs::is_regular_file(fs::path(dir) / "plan.json", ec)) return {dir};
  std::vector<std::string> found;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.is_directory(ec) && fs::is_regular_file(entry.path() / "plan.json", ec))
      found.push_back(entry.path().string());
  }
  std::sort(found.begin(), found.end());
  return found;
}

}  // namespace

int merge_command(const Args& args) {
  po::options_description options("merge");
  std::vector<std::string> dirs;
  std::string out = "results";
  std::size_t top = 10;
  // clang-format off
  options.add_options()
      ("dir", po::value(&dirs)->composing(), "shard folders (results/<name>/ or a shard's --out folder)")
      ("out", po::value(&out), "results directory (default results/)")
      ("top", po::value(&top), "points shown in the ranking (0: all; default 10)")
      ("quiet,q", po::bool_switch(), "one line instead of the ranking");
  // clang-format on
  po::variables_map vm;
  if (!parse_args("merge", args, options, "dir", &vm)) return 2;
  if (dirs.empty()) return usage_error("merge", "no shard folder given");

  std::vector<std::string> folders;
  for (const auto& d : dirs) {
    const auto found = sweep_folders(d);
    if (found.empty()) {
      fmt::print(
          stderr,
          "faultline merge: {}: no plan.json here or in its subfolders (not a sweep folder)\n", d);
      return 2;
    }
    folders.insert(folders.end(), found.begin(), found.end());
  }
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
  const std::string dir = fmt::format("{}/{}", out, plan->name);
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
  publish.quiet = vm["quiet"].as<bool>();
  publish.colour = monitoring::use_colour(monitoring::OutputStream::kStdout);
  publish.top = top;
  return publish_sweep(*plan, results, dir, publish);
}

}  // namespace faultline::cli

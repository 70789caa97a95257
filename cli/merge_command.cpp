// `faultline merge DIR... [--out DIR]`: joins the folders of a batch's shards into one result,
// the same, byte for byte, as the batch run whole (docs/sweeps.md). Options and folder lookup
// only; the join itself is the planner's (sweep/sweep_session.h).
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/options.h"
#include "sweep/sweep_session.h"

namespace faultline::cli {

namespace po = boost::program_options;

namespace {

namespace fs = std::filesystem;

// The batch folders a DIR names: itself when it holds plan.json, else its subfolders that do
// (so a shard's whole --out folder can be given).
std::vector<std::string> batch_folders(const std::string& dir) {
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
  sweep::MergeRequest request;
  // clang-format off
  options.add_options()
      ("dir", po::value(&dirs)->composing(), "shard folders (results/<name>/ or a shard's --out folder)")
      ("out", po::value(&request.out), "results directory (default results/)")
      ("top", po::value(&request.top), "points shown in the ranking (0: all; default 10)")
      ("quiet,q", po::bool_switch(), "one line instead of the ranking");
  // clang-format on
  po::variables_map vm;
  if (!parse_args("merge", args, options, "dir", &vm)) return 2;
  if (dirs.empty()) return usage_error("merge", "no shard folder given");

  for (const auto& d : dirs) {
    const auto found = batch_folders(d);
    if (found.empty()) {
      fmt::print(
          stderr,
          "faultline merge: {}: no plan.json here or in its subfolders (not a sweep folder)\n", d);
      return 2;
    }
    request.folders.insert(request.folders.end(), found.begin(), found.end());
  }
  request.quiet = vm["quiet"].as<bool>();
  return sweep::merge_sweep(request);
}

}  // namespace faultline::cli

// `faultline merge DIR... [--out DIR] [--jobs N]`: joins the folders of a batch's shards (a
// sweep's or an explore's) into one result, the same, byte for byte, as the batch run whole
// (docs/sweeps.md, docs/explore.md). Options, folder lookup and the choice of planner by
// plan.json's format only; the join is batch/batch_session.h, through each planner's merge.
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "batch/session_options.h"
#include "cli/commands.h"
#include "cli/options.h"
#include "explore/explore_session.h"
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
  batch::SessionOptions session;
  std::size_t top = 10;
  int jobs = 0;
  // clang-format off
  options.add_options()
      ("dir", po::value(&dirs)->composing(), "shard folders (results/<name>/ or a shard's --out folder)")
      ("out", po::value(&session.out), "results directory (default results/)")
      ("jobs,j", po::value(&jobs), "explore: runs at once for shrinking and the search (default: the cores)")
      ("top", po::value(&top), "sweep: points shown in the ranking (0: all; default 10)")
      ("no-shrink", po::bool_switch(), "explore: reproducers hold the failing schedules as drawn")
      ("quiet,q", po::bool_switch(), "a short summary only");
  // clang-format on
  po::variables_map vm;
  if (!parse_args("merge", args, options, "dir", &vm)) return 2;
  if (dirs.empty()) return usage_error("merge", "no shard folder given");
  if (jobs < 0) return usage_error("merge", "--jobs must be at least 1");
  session.jobs =
      jobs > 0 ? jobs : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  session.quiet = vm["quiet"].as<bool>();

  std::vector<std::string> folders;
  for (const auto& d : dirs) {
    const auto found = batch_folders(d);
    if (found.empty()) {
      fmt::print(stderr,
                 "faultline merge: {}: no plan.json here or in its subfolders (not a sweep or "
                 "explore folder)\n",
                 d);
      return 2;
    }
    folders.insert(folders.end(), found.begin(), found.end());
  }
  // The first folder's plan says which planner joins them; a folder of another kind then fails
  // to read as that kind.
  if (explore::is_explore_folder(folders.front()))
    return explore::merge_explore(folders, session, !vm["no-shrink"].as<bool>());
  return sweep::merge_sweep(folders, session, top);
}

}  // namespace faultline::cli

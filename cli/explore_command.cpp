// `faultline explore FILE [--runs N] [--jobs N] [--out DIR] [--shard I/N]` (docs/explore.md):
// options only; the explore itself is explore/explore_session.h.
#include <fmt/core.h>

#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "batch/shard.h"
#include "cli/commands.h"
#include "cli/options.h"
#include "explore/explore_session.h"
#include "monitoring/terminal.h"

namespace faultline::cli {

namespace po = boost::program_options;

int explore_command(const Args& args) {
  po::options_description options("explore");
  std::vector<std::string> files, sets;
  explore::ExploreRequest request;
  int jobs = 0;
  long long runs = 0;
  // clang-format off
  options.add_options()
      ("file", po::value(&files)->composing(), "experiment file with an explore block")
      ("runs", po::value(&runs), "schedules to try (the block's runs otherwise)")
      ("jobs,j", po::value(&jobs), "runs at once (default: the number of cores)")
      ("shard", po::value<std::string>(), "I/N: run the I-th (from 0) of N slices of the runs")
      ("shard-count", po::value<std::string>(), "N, with JOB_COMPLETION_INDEX (Kubernetes Indexed Jobs)")
      ("out", po::value(&request.out), "results directory (default results/)")
      ("set", po::value(&sets)->composing(), "PATH=VALUE override of the file, repeatable")
      ("no-shrink", po::bool_switch(), "reproducers hold the failing schedules as drawn")
      ("quiet,q", po::bool_switch(), "no summary")
      ("progress", po::bool_switch(), "progress line on stderr even when not a terminal")
      ("no-progress", po::bool_switch(), "no progress line");
  // clang-format on
  po::variables_map vm;
  if (!parse_args("explore", args, options, "file", &vm)) return 2;
  if (files.size() != 1) return usage_error("explore", "expected exactly one experiment file");
  if (jobs < 0) return usage_error("explore", "--jobs must be at least 1");
  if (vm.count("runs") && runs < 1) return usage_error("explore", "--runs must be at least 1");
  if (jobs == 0) jobs = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  batch::ShardOptions shard_options;
  if (vm.count("shard")) shard_options.shard = vm["shard"].as<std::string>();
  if (vm.count("shard-count")) shard_options.shard_count = vm["shard-count"].as<std::string>();
  std::string error;
  const std::optional<batch::Shard> shard = batch::pick_shard(shard_options, &error);
  if (!shard) return usage_error("explore", error);

  request.file = files[0];
  request.sets = sets;
  if (vm.count("runs")) request.runs = runs;
  request.jobs = jobs;
  request.shard = *shard;
  request.quiet = vm["quiet"].as<bool>();
  request.shrink = !vm["no-shrink"].as<bool>();
  request.progress = monitoring::stderr_is_terminal();
  if (vm["progress"].as<bool>()) request.progress = true;
  if (vm["no-progress"].as<bool>()) request.progress = false;
  return explore::explore_file(request);
}

}  // namespace faultline::cli

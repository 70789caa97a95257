#include "cli/options.h"

#include <fmt/core.h>

#include <algorithm>
#include <optional>
#include <thread>

#include "batch/shard.h"
#include "monitoring/terminal.h"

namespace faultline::cli {

namespace po = boost::program_options;

int usage_error(const std::string& command, const std::string& message) {
  fmt::print(stderr, "faultline {}: {}\n(see 'faultline --help')\n", command, message);
  return 2;
}

bool parse_args(const std::string& command, const Args& args,
                const po::options_description& options, const std::string& positional_name,
                po::variables_map* vm) {
  try {
    po::positional_options_description positional;
    if (!positional_name.empty()) positional.add(positional_name.c_str(), -1);
    po::store(po::command_line_parser(args).options(options).positional(positional).run(), *vm);
    po::notify(*vm);
    return true;
  } catch (const po::error& e) {
    usage_error(command, e.what());
    return false;
  }
}

void add_batch_options(po::options_description* options, BatchOptions* values,
                       const std::string& what) {
  const std::string file_help = "experiment file with " + what + " block";
  // clang-format off
  options->add_options()
      ("file", po::value(&values->files)->composing(), file_help.c_str())
      ("jobs,j", po::value(&values->jobs), "runs at once (default: the number of cores)")
      ("shard", po::value<std::string>(), "I/N: run the I-th (from 0) of N slices of the runs")
      ("shard-count", po::value<std::string>(), "N, with JOB_COMPLETION_INDEX (Kubernetes Indexed Jobs)")
      ("out", po::value(&values->session.out), "results directory (default results/)")
      ("set", po::value(&values->sets)->composing(), "PATH=VALUE override of the file, repeatable")
      ("quiet,q", po::bool_switch(), "a short summary only")
      ("progress", po::bool_switch(), "progress line on stderr even when not a terminal")
      ("no-progress", po::bool_switch(), "no progress line");
  // clang-format on
}

int read_batch_options(const std::string& command, const po::variables_map& vm,
                       BatchOptions* values) {
  if (values->files.size() != 1)
    return usage_error(command, "expected exactly one experiment file");
  if (values->jobs < 0) return usage_error(command, "--jobs must be at least 1");
  batch::ShardOptions shard_options;
  if (vm.count("shard")) shard_options.shard = vm["shard"].as<std::string>();
  if (vm.count("shard-count")) shard_options.shard_count = vm["shard-count"].as<std::string>();
  std::string error;
  const std::optional<batch::Shard> shard = batch::pick_shard(shard_options, &error);
  if (!shard) return usage_error(command, error);
  batch::SessionOptions& s = values->session;
  s.jobs = values->jobs > 0 ? values->jobs
                            : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  s.shard = *shard;
  s.quiet = vm["quiet"].as<bool>();
  s.progress = monitoring::stderr_is_terminal();
  if (vm["progress"].as<bool>()) s.progress = true;
  if (vm["no-progress"].as<bool>()) s.progress = false;
  return 0;
}

}  // namespace faultline::cli

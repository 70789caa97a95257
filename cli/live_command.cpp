// `faultline live FILE`: parses and dispatches; the run itself is live/live_session.h.
#include <string>
#include <vector>

#include <fmt/core.h>

#include "cli/commands.h"
#include "cli/options.h"
#include "experiments/loader.h"
#include "live/live_session.h"

namespace faultline::cli {

namespace po = boost::program_options;

int live_command(const Args& args) {
  po::options_description options("live");
  std::vector<std::string> files, sets;
  std::string out = "results";
  options.add_options()
      ("file", po::value(&files)->composing(), "experiment file")
      ("seed", po::value<std::string>(), "seed override (64-bit)")
      ("out", po::value(&out), "results directory (default results/): DIR/<name>/live/")
      ("set", po::value(&sets)->composing(), "PATH=VALUE override, repeatable")
      ("target", po::value<std::string>(), "http://HOST:PORT: send the load to this service instead of the reference one")
      ("progress", po::bool_switch(), "a status line on stderr every 5 s");
  po::variables_map vm;
  if (!parse_args("live", args, options, "file", &vm)) return 2;
  if (files.size() != 1) return usage_error("live", "expected exactly one experiment file");
  const std::vector<std::string> user_sets = sets;
  if (vm.count("seed")) sets.push_back("seed=" + vm["seed"].as<std::string>());
  experiments::LoadResult r = experiments::load_experiment_file(files[0], sets);
  for (const auto& d : r.diagnostics) fmt::print(stderr, "{}\n", experiments::format(d));
  if (!r.ok()) return 2;
  live::LiveOptions lo;
  lo.out_dir = out;
  lo.set_args = user_sets;
  lo.progress = vm["progress"].as<bool>();
  if (vm.count("target")) lo.target = vm["target"].as<std::string>();
  return live::run_live(std::move(*r.experiment), lo);
}

}  // namespace faultline::cli

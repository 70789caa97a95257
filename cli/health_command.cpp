// `faultline health FILE --at SECONDS`: the guide's health report at a virtual instant.
#include <cmath>
#include <cstdio>
#include <string>

#include <fmt/core.h>

#include "cli/commands.h"
#include "batch/experiment_run.h"
#include "batch/interrupt.h"
#include "cli/options.h"
#include "experiments/loader.h"
#include "monitoring/health_report.h"

namespace faultline::cli {

using batch::ExperimentRun;
using batch::install_interrupt_handlers;
using batch::interrupted_exit_code;
using batch::run_experiment;
using batch::RunOptions;

namespace po = boost::program_options;

int health_command(const Args& args) {
  po::options_description options("health");
  std::vector<std::string> files, sets;
  double at = -1;
  options.add_options()
      ("file", po::value(&files)->composing(), "experiment file")
      ("at", po::value(&at)->required(), "virtual instant in seconds")
      ("set", po::value(&sets)->composing(), "PATH=VALUE override, repeatable");
  po::variables_map vm;
  if (!parse_args("health", args, options, "file", &vm)) return 2;
  if (files.size() != 1) return usage_error("health", "expects exactly one experiment file");
  experiments::LoadResult r = experiments::load_experiment_file(files[0], sets);
  for (const auto& d : r.diagnostics) fmt::print(stderr, "{}\n", experiments::format(d));
  if (!r.ok()) return 2;
  const double duration_s = to_seconds(r.experiment->duration);
  if (!(at >= 0) || !std::isfinite(at) || at > duration_s) {
    return usage_error("health", fmt::format("--at must be between 0 and the duration ({} s)", duration_s));
  }
  install_interrupt_handlers();
  RunOptions ro;
  ro.stop_at = Instant(static_cast<std::int64_t>(std::llround(at * 1e9)));
  ExperimentRun run = run_experiment(std::move(*r.experiment), ro);
  if (run.interrupted) return interrupted_exit_code();
  std::puts(monitoring::health_report(run.outcome).dump(2).c_str());
  return 0;
}

}  // namespace faultline::cli

// `faultline proxy FILE --listen PORT --upstream HOST:PORT [--dependency NAME]`: the file's
// faults on one dependency, applied in real time by a proxy in front of a real service
// (docs/live.md, "faultline proxy"). Parses and dispatches only; the logic is in live/.
#include <iostream>
#include <string>

#include <fmt/core.h>

#include "cli/commands.h"
#include "cli/options.h"
#include "experiments/loader.h"
#include "live/proxy_runner.h"

namespace faultline::cli {

namespace po = boost::program_options;

int proxy_command(const Args& args) {
  po::options_description options("proxy");
  std::vector<std::string> files, sets;
  std::string upstream, dependency;
  int listen = -1;
  options.add_options()
      ("file", po::value(&files)->composing(), "experiment file")
      ("listen", po::value(&listen)->required(), "port to listen on, on 127.0.0.1 (0: any)")
      ("upstream", po::value(&upstream)->required(), "HOST:PORT of the real dependency")
      ("dependency", po::value(&dependency), "the file's dependency whose faults apply")
      ("seed", po::value<std::string>(), "seed override (64-bit)")
      ("set", po::value(&sets)->composing(), "PATH=VALUE override, repeatable");
  po::variables_map vm;
  if (!parse_args("proxy", args, options, "file", &vm)) return 2;
  if (files.size() != 1) return usage_error("proxy", "expects exactly one experiment file");
  if (listen < 0 || listen > 65535) return usage_error("proxy", "--listen must be a port, 0-65535");
  live::ProxyCommand command;
  command.listen_port = static_cast<std::uint16_t>(listen);
  command.dependency = dependency;
  if (!live::parse_upstream(upstream, command.upstream)) {
    return usage_error("proxy", "--upstream must be HOST:PORT with an IP address or localhost");
  }
  if (vm.count("seed")) sets.push_back("seed=" + vm["seed"].as<std::string>());
  experiments::LoadResult r = experiments::load_experiment_file(files[0], sets);
  for (const auto& d : r.diagnostics) fmt::print(stderr, "{}\n", experiments::format(d));
  if (!r.ok()) return 2;
  return live::run_proxy(*r.experiment, command, std::cout, std::cerr);
}

}  // namespace faultline::cli

// run_proxy: `faultline proxy` — a FaultProxy for one dependency of an experiment file, in
// front of an upstream the user names (a real staging dependency, Toxiproxy-like), running the
// file's fault schedule on the wall clock from the moment it listens until SIGINT/SIGTERM.
//
//   ProxyCommand c{.listen_port = 8474, .upstream = {"127.0.0.1", 5432}, .dependency = "postgres"};
//   return run_proxy(experiment, c, std::cout, std::cerr);   // 130/143 when interrupted
//
// Runs its own io_context on the calling thread.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>

#include "experiments/experiment_config.h"
#include "live/http_client.h"

namespace faultline::live {

struct ProxyCommand {
  std::uint16_t listen_port = 0;  // 0: the OS picks (printed)
  Upstream upstream;
  std::string dependency;  // empty: the one dependency the file's faults target
};

// The dependency `command` names, or the only one the faults target (or the only one there
// is). Returns false with a message when there is none or it is ambiguous.
bool choose_dependency(const experiments::Experiment& e, const std::string& requested, std::string& chosen,
                       std::string& error);

// Returns the exit status: 2 when the dependency or the listening port is unusable,
// 128 + signal after SIGINT/SIGTERM.
int run_proxy(const experiments::Experiment& e, const ProxyCommand& command, std::ostream& out, std::ostream& err);

}  // namespace faultline::live

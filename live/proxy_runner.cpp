#include "live/proxy_runner.h"

// clang-format off
#include <utility>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
// clang-format on

#include <csignal>
#include <cstdio>
#include <ostream>
#include <set>
#include <system_error>

#include "experiments/fault_build.h"
#include "live/fault_proxy.h"
#include "resilience/asio_scheduler.h"

namespace faultline::live {

bool choose_dependency(const experiments::Experiment& e, const std::string& requested, std::string& chosen,
                       std::string& error) {
  std::set<std::string> names;
  for (const auto& d : e.dependencies) names.insert(d.name);
  if (!requested.empty()) {
    if (names.count(requested) == 0) {
      error = "--dependency " + requested + ": the file has no such dependency";
      return false;
    }
    chosen = requested;
    return true;
  }
  std::set<std::string> targeted;
  for (const auto& f : e.faults) {
    if (names.count(f.target) != 0) targeted.insert(f.target);
  }
  const std::set<std::string>& pool = targeted.empty() ? names : targeted;
  if (pool.size() != 1) {
    error = "name the dependency to proxy with --dependency (the file's faults target ";
    std::string list;
    for (const auto& n : pool) list += (list.empty() ? "" : ", ") + n;
    error += (list.empty() ? "none" : list) + ")";
    return false;
  }
  chosen = *pool.begin();
  return true;
}

int run_proxy(const experiments::Experiment& e, const ProxyCommand& command, std::ostream& out, std::ostream& err) {
  std::string name, error;
  if (!choose_dependency(e, command.dependency, name, error)) {
    err << "faultline proxy: " << error << "\n";
    return 2;
  }
  FaultProxyOptions o;
  o.upstream = command.upstream;
  o.listen_port = command.listen_port;
  for (std::size_t i = 0; i < e.faults.size(); ++i) {
    if (e.faults[i].target != name) continue;
    o.faults.push_back(experiments::make_fault(e.faults[i], i, e.duration));
    o.draws.push_back(faults::fault_draws(e.seed, i));
  }
  for (const auto& d : e.dependencies) {
    if (d.name == name) o.queue_limit = d.queue_limit;
  }
  o.log = [&out](Instant t, const std::string& what) {
    out << "  " << to_seconds(t) << " s  " << what << std::endl;
  };

  boost::asio::io_context io;
  resilience::AsioScheduler scheduler(io);
  FaultProxy proxy(io, scheduler, std::move(o));
  std::uint16_t port = 0;
  try {
    port = proxy.start();
  } catch (const std::system_error& x) {
    err << "faultline proxy: " << x.what() << "\n";
    return 2;
  }
  out << "faultline proxy: 127.0.0.1:" << port << " -> " << command.upstream.host << ":" << command.upstream.port
      << " (dependency " << name << ", seed " << e.seed << ")\n";
  for (std::size_t i = 0; i < e.faults.size(); ++i) {
    const auto& f = e.faults[i];
    if (f.target != name) continue;
    out << "  fault " << i << ": " << faults::to_string(experiments::fault_kind(f.kind)) << " from "
        << to_seconds(f.start) << " s";
    if (f.duration) {
      out << " for " << to_seconds(*f.duration) << " s\n";
    } else {
      out << " to the end\n";
    }
  }
  out << "  t = 0 now; SIGINT/SIGTERM stops" << std::endl;

  int signal_number = 0;
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int sig) {
    if (ec) return;
    signal_number = sig;
    proxy.stop();  // closes every socket and timer: io.run() returns
    io.stop();
  });
  io.run();
  out << "faultline proxy: stopped after " << proxy.requests() << " requests" << std::endl;
  return signal_number != 0 ? 128 + signal_number : 0;
}

}  // namespace faultline::live

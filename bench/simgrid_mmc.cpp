// simgrid_mmc: the M/M/c queue written for SimGrid's S4U API, as fast as we could make it — a
// generator actor and c server actors sharing a FIFO of arrival instants; a server that finds
// the FIFO empty suspends itself until an arrival resumes it, so a busy server costs one
// sleep_for() per customer and no communication activity at all. Logging is off.
//
//   simgrid_mmc --servers 8 --customers 2000000 --service-ms 10
//
// Prints the same `key=value` line as minimal_loop. Single-threaded (SimGrid's maestro).
#include <simgrid/s4u.hpp>
#include <xbt/log.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <vector>

#include "bench/bench_rng.h"

namespace sg4 = simgrid::s4u;

namespace {

struct Model {
  BenchRng arrivals{1};
  BenchRng services{2};
  double interarrival_s = 0;
  double service_s = 0;
  std::uint64_t customers = 0;
  std::uint64_t served = 0;
  double response_s = 0;
  std::deque<double> waiting;       // arrival instants, FIFO
  std::vector<sg4::Actor*> idle;    // suspended servers
  sg4::Actor* generator = nullptr;  // suspended at the end until the last departure
};

void server(Model* m) {
  sg4::Actor::self()->daemonize();  // ends with the generator
  for (;;) {
    while (!m->waiting.empty()) {
      const double arrived = m->waiting.front();
      m->waiting.pop_front();
      sg4::this_actor::sleep_for(m->services.exponential(m->service_s));
      m->response_s += sg4::Engine::get_clock() - arrived;
      if (++m->served == m->customers && m->generator != nullptr) m->generator->resume();
    }
    m->idle.push_back(sg4::Actor::self());
    sg4::this_actor::suspend();
  }
}

void generator(Model* m) {
  m->generator = sg4::Actor::self();
  for (std::uint64_t i = 0; i < m->customers; ++i) {
    sg4::this_actor::sleep_for(m->arrivals.exponential(m->interarrival_s));
    m->waiting.push_back(sg4::Engine::get_clock());
    if (!m->idle.empty()) {
      sg4::Actor* s = m->idle.back();
      m->idle.pop_back();
      s->resume();
    }
  }
  if (m->served < m->customers) sg4::this_actor::suspend();
}

}  // namespace

int main(int argc, char** argv) {
  sg4::Engine engine(&argc, argv);
  xbt_log_control_set("root.thresh:critical");
  Model m;
  m.customers = 2'000'000;
  int servers = 1;
  double rho = 0.8;
  double service_ms = 1.0;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--customers") == 0) m.customers = std::strtoull(argv[i + 1], nullptr, 10);
    if (std::strcmp(argv[i], "--servers") == 0) servers = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--rho") == 0) rho = std::atof(argv[i + 1]);
    if (std::strcmp(argv[i], "--service-ms") == 0) service_ms = std::atof(argv[i + 1]);
  }
  m.service_s = service_ms / 1e3;
  m.interarrival_s = m.service_s / (servers * rho);

  sg4::NetZone* zone = sg4::create_full_zone("world");
  sg4::Host* host = zone->create_host("host", 1e9);
  zone->seal();
  for (int s = 0; s < servers; ++s) sg4::Actor::create("server", host, server, &m);
  sg4::Actor::create("generator", host, generator, &m);

  const auto wall_start = std::chrono::steady_clock::now();
  engine.run();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  const double theory_ms = erlang_c_response(servers, rho, service_ms);
  std::printf("customers=%llu events=%llu seconds=%.6f mean_ms=%.6f theory_ms=%.6f\n",
              static_cast<unsigned long long>(m.served), static_cast<unsigned long long>(2 * m.served),
              seconds, m.response_s / static_cast<double>(m.served) * 1e3, theory_ms);
  return 0;
}

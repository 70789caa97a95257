#include "live/live_session.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <thread>

// clang-format off
#include <utility>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
// clang-format on
#include <fmt/format.h>

#include "batch/experiment_run.h"
#include "batch/interrupt.h"
#include "experiments/alert_rules.h"
#include "experiments/fault_build.h"
#include "experiments/world.h"
#include "faults/fault.h"
#include "live/dependency_emulator.h"
#include "live/fault_proxy.h"
#include "live/http_dependency.h"
#include "live/load_generator.h"
#include "live/reference_service.h"
#include "live/wall_clock_driver.h"
#include "monitoring/atomic_file.h"
#include "monitoring/console_report.h"
#include "monitoring/evaluate.h"
#include "monitoring/fidelity.h"
#include "resilience/asio_scheduler.h"
#include "sim/api_model.h"

namespace faultline::live {

bool parse_target_url(const std::string& text, std::string& host, std::uint16_t& port) {
  std::string t = text;
  if (t.rfind("http://", 0) == 0) t = t.substr(7);
  while (!t.empty() && t.back() == '/') t.pop_back();
  Upstream u;
  if (!parse_upstream(t, u)) return false;
  host = u.host;
  port = u.port;
  return true;
}

namespace {

Duration drain_of(const experiments::Experiment& e) {
  Duration longest{};
  for (const auto& ep : e.endpoints) longest = std::max(longest, ep.client_timeout.value_or(e.load.client_timeout));
  return e.load.drain.value_or(longest.count() > 0 ? longest : Duration(std::chrono::seconds(30)));
}

using monitoring::Fidelity;

// Why a --target run has no breaker or dependency data: its API is the user's service.
constexpr const char* kTargetUnobserved =
    "no data in live --target run (the API is the user's service: faultline observes none of its breakers "
    "or dependency calls)";

std::string send_lag_text(const SendLag& lag) {
  return fmt::format("send lag: {} sends, mean {:.2f} ms, p99 {:.2f} ms, max {:.2f} ms", lag.sends, lag.mean_ms,
                     lag.p99_ms, lag.max_ms);
}

// The file's alerts computed from breaker or worker state: a --target run sees neither.
std::vector<std::string> internal_alerts(const experiments::Experiment& e) {
  std::vector<std::string> names;
  for (const experiments::AlertRule& r : experiments::effective_alert_rules(e)) {
    const auto signal = experiments::parse_alert_signal(r.sli);
    if (!signal) continue;
    if (signal->kind == experiments::AlertSignalKind::kBreakerOpen ||
        signal->kind == experiments::AlertSignalKind::kWorkerUtilisation) {
      names.push_back(r.name);
    }
  }
  return names;
}

void print_fidelity(const Fidelity& f, const SendLag& lag) {
  fmt::print("fidelity (live vs sim, same file and seed): {}\n", f.passed ? "PASS" : "FAIL");
  for (const auto& s : f.slis) {
    fmt::print("  {:<14} sim {:>10.3f} live {:>10.3f} {:<4} diff {:>+9.3f}{}{}\n", s.name, s.sim, s.live, s.unit, s.diff,
               s.rel_diff ? fmt::format(" ({:+.1f} %)", *s.rel_diff * 100) : "", s.judged ? (s.ok ? "  ok" : "  FAIL") : "");
  }
  for (const auto& b : f.breakers) {
    for (const auto& t : b.transitions) {
      fmt::print("  breaker {} {}->{}: sim {} live {}{}\n", b.name, t.from, t.to,
                 t.sim_s ? fmt::format("{:.3f} s", *t.sim_s) : "-", t.live_s ? fmt::format("{:.3f} s", *t.live_s) : "-",
                 t.ok ? "  ok" : "  FAIL");
    }
  }
  fmt::print("  alerts: sim [{}] live [{}]{}\n", fmt::join(f.sim_alerts, ", "), fmt::join(f.live_alerts, ", "),
             f.alerts_ok ? "  ok" : "  FAIL");
  for (const auto& [what, why] : f.not_compared) fmt::print("  {}: not compared: {}\n", what, why);
  fmt::print("  {}\n", send_lag_text(lag));
}

}  // namespace

int run_live(experiments::Experiment experiment, const LiveOptions& options) {
  batch::install_interrupt_handlers();
  batch::ExperimentRun run;
  run.experiment = std::make_unique<experiments::Experiment>(std::move(experiment));
  const experiments::Experiment& e = *run.experiment;

  std::optional<Upstream> target;
  if (options.target.has_value()) {
    Upstream u;
    if (!parse_target_url(*options.target, u.host, u.port)) {
      fmt::print(stderr, "faultline live: --target: expected http://HOST:PORT, got '{}'\n", *options.target);
      return 2;
    }
    target = u;
  }

  // --- dependencies: emulators behind fault proxies, on their own thread ---
  boost::asio::io_context deps_io;
  resilience::AsioScheduler deps_clock(deps_io);
  std::vector<std::unique_ptr<DependencyEmulator>> emulators;
  std::vector<std::unique_ptr<FaultProxy>> proxies;
  if (!target.has_value()) {
    for (const auto& d : e.dependencies) {
      emulators.push_back(std::make_unique<DependencyEmulator>(deps_io, deps_clock, d, e.seed));
      const std::uint16_t port = emulators.back()->listen();
      FaultProxyOptions po;
      po.upstream = Upstream{"127.0.0.1", port};
      for (std::size_t i = 0; i < e.faults.size(); ++i) {
        if (e.faults[i].target != d.name) continue;
        po.faults.push_back(experiments::make_fault(e.faults[i], i, e.duration));
        po.draws.push_back(faults::fault_draws(e.seed, i));
      }
      po.base_concurrency = d.concurrency;
      po.queue_limit = d.queue_limit;
      proxies.push_back(std::make_unique<FaultProxy>(deps_io, deps_clock, std::move(po)));
    }
  }

  // --- the world on the wall clock: the API (the reference service) and the load ---
  boost::asio::io_context io;
  resilience::AsioScheduler clock(io);
  WallClockDriver driver(clock);
  std::vector<std::unique_ptr<HttpDependency>> deps;
  std::unique_ptr<LiveLoad> load;
  std::vector<LiveEndpoint> endpoints;
  for (const auto& ep : e.endpoints) {
    endpoints.push_back(LiveEndpoint{"/" + ep.name, ep.expected_status, ep.client_timeout.value_or(e.load.client_timeout)});
  }
  experiments::LiveWiring wiring;
  wiring.serve_api = !target.has_value();
  wiring.dependency = [&](std::size_t) -> sim::Dependency* {
    deps.push_back(std::make_unique<HttpDependency>(io, driver));
    return deps.back().get();
  };
  sim::Metrics* live_metrics = nullptr;
  wiring.sink = [&](sim::EventLoop& loop, sim::Metrics& metrics) -> sim::RequestSink* {
    live_metrics = &metrics;
    load = std::make_unique<LiveLoad>(io, driver, loop, metrics, endpoints);
    return load.get();
  };
  run.world = std::make_unique<experiments::World>(e, &wiring);
  experiments::World& world = *run.world;

  std::unique_ptr<ReferenceService> service;
  if (target.has_value()) {
    load->set_target(*target);
    fmt::print(stderr, "live: load -> {}:{} (the user's service)\n", target->host, target->port);
  } else {
    service = std::make_unique<ReferenceService>(io, driver, *world.api());
    const std::uint16_t port = service->listen();
    load->set_target(Upstream{"127.0.0.1", port});
    fmt::print(stderr, "live: reference service on 127.0.0.1:{}\n", port);
  }

  // --- start: the proxies' fault schedules and the world's clock begin together ---
  for (std::size_t i = 0; i < proxies.size(); ++i) {
    const std::uint16_t port = proxies[i]->start();
    deps[i]->set_upstream(Upstream{"127.0.0.1", port});
    fmt::print(stderr, "live: dependency {} on 127.0.0.1:{} behind fault proxy 127.0.0.1:{}\n", e.dependencies[i].name,
               emulators[i]->port(), port);
  }
  const auto wall_start = std::chrono::steady_clock::now();
  driver.start(world);
  load->start();
  auto guard = boost::asio::make_work_guard(deps_io);
  std::thread deps_thread([&] { deps_io.run(); });

  // --- run: duration_s, then the drain, in wall time; a signal ends it early ---
  const Duration drain = drain_of(e);
  bool partial = false;
  Instant stopped_at{};
  Instant next_progress = std::chrono::seconds(5);
  std::function<void()> check;
  TimerId check_timer = kNoTimer;
  const auto stop_all = [&] {
    driver.stop();
    if (check_timer != kNoTimer) clock.cancel(check_timer);
    if (service) service->stop();
    load->close();
    for (auto& d : deps) d->close();
    io.stop();
  };
  check = [&] {
    check_timer = kNoTimer;
    const Instant now = driver.wall_now();
    if (batch::interrupted() != 0) {
      partial = true;
      stopped_at = std::min(now, e.duration);
      stop_all();
      return;
    }
    if (options.progress && now >= next_progress) {
      const SendLag lag = load->lag();
      fmt::print(stderr, "live: {:.0f} s / {:.0f} s, {} sent, {} in flight, send lag p99 {:.1f} ms\n", to_seconds(now),
                 to_seconds(e.duration), lag.sends, load->in_flight(), lag.p99_ms);
      next_progress += std::chrono::seconds(5);
    }
    if (now >= e.duration + std::chrono::milliseconds(1) && (load->in_flight() == 0 || now >= e.duration + drain)) {
      driver.deliver([] {});  // the world measured up to now
      stopped_at = e.duration;
      stop_all();
      return;
    }
    check_timer = clock.schedule_after(std::chrono::milliseconds(20), [&] { check(); });
  };
  check_timer = clock.schedule_after(std::chrono::milliseconds(20), [&] { check(); });
  io.run();

  boost::asio::post(deps_io, [&] {
    for (auto& p : proxies) p->stop();
    for (auto& em : emulators) em->stop();
    deps_io.stop();
  });
  guard.reset();
  deps_thread.join();
  // The faults were applied by the proxies: their hit counts are the run's.
  {
    std::size_t p = 0;
    for (const auto& d : e.dependencies) {
      if (p >= proxies.size()) break;
      std::size_t k = 0;
      for (std::size_t i = 0; i < e.faults.size(); ++i) {
        if (e.faults[i].target != d.name) continue;
        if (k < proxies[p]->hits().size()) live_metrics->faults()[i].hits += proxies[p]->hits()[k];
        ++k;
      }
      ++p;
    }
  }

  // --- results, from the measured data, through the same pipeline as `run` ---
  world.finish();
  run.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  run.outcome.experiment = run.experiment.get();
  run.outcome.metrics = &world.metrics();
  run.outcome.end = partial ? world.now() : world.end();
  run.outcome.events = world.events();
  run.outcome.wall_seconds = run.wall_seconds;
  run.outcome.live = true;
  if (target.has_value()) run.outcome.unobserved = kTargetUnobserved;
  run.evaluation = monitoring::evaluate(run.outcome);
  run.interrupted = partial;
  const SendLag lag = load->lag();

  // --- the simulation of the same file and seed, first: the folder is written once, whole,
  // with the comparison in report.html and fidelity.json beside the live results ---
  const std::string folder = options.out_dir + "/" + e.name + "/live";
  batch::LiveResults results;
  results.partial = partial;
  monitoring::LiveComparison comparison;
  comparison.notes.push_back(send_lag_text(lag));
  batch::ExperimentRun sim;
  std::optional<Fidelity> f;
  if (!partial) {
    batch::RunOptions sim_options;
    sim_options.interruptible = false;
    sim = batch::run_experiment(e, sim_options);
    f = monitoring::compare(sim.evaluation, sim.world->metrics(), run.evaluation, world.metrics(), e.live.fidelity,
                            run.outcome.unobserved, internal_alerts(e));
    comparison.sim = &sim.outcome;
    comparison.sim_evaluation = &sim.evaluation;
    comparison.fidelity = &*f;
    const std::string extra = fmt::format(
        R"({{"send_lag":{{"sends":{},"mean_ms":{},"p99_ms":{},"max_ms":{}}},"live_wall_seconds":{},"api":"{}"}})",
        lag.sends, lag.mean_ms, lag.p99_ms, lag.max_ms, run.wall_seconds,
        target.has_value() ? "target" : "reference service");
    results.extra_files.emplace_back("fidelity.json", monitoring::fidelity_json(*f, extra));
  } else {
    comparison.notes.push_back(
        fmt::format("Interrupted at {:.1f} s: partial results, not compared with the simulation.", to_seconds(stopped_at)));
  }
  results.comparison = &comparison;

  std::error_code ec;
  std::filesystem::create_directories(options.out_dir + "/" + e.name, ec);
  std::string error;
  if (!batch::write_results_to(run, folder, options.set_args, results, &error)) {
    fmt::print(stderr, "faultline live: cannot write results of {}: {}\n", e.name, error);
    return 2;
  }
  monitoring::ConsoleOptions console;
  console.set_args = options.set_args;
  std::fputs(monitoring::console_report(run.outcome, run.evaluation, console).c_str(), stdout);
  if (partial) {
    fmt::print("live: interrupted at {:.1f} s: partial results in {}/ (no fidelity.json)\n", to_seconds(stopped_at), folder);
    std::fflush(stdout);
    return batch::interrupted_exit_code();
  }
  if (target.has_value()) fmt::print("live --target: breaker and dependency checks and comparisons: {}\n", kTargetUnobserved);
  print_fidelity(*f, lag);
  fmt::print("results: {}/\n", folder);
  std::fflush(stdout);
  return run.evaluation.passed && f->passed ? 0 : 1;
}

}  // namespace faultline::live

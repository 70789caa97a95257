// ScriptedRun: a finished run built by hand for monitoring tests — an Experiment and a
// sim::Metrics fed second by second through Metrics' recording API, no simulation.
//
//   ScriptedRun r(experiment);
//   r.seconds(100, {.ok = 100, .latency = millis(50)});   // 100 s of 100 good answers each
//   Evaluation e = evaluate(r.outcome());
#pragma once

#include <memory>
#include <vector>

#include "experiments/alert_rules.h"
#include "experiments/check_windows.h"
#include "experiments/experiment_config.h"
#include "monitoring/evaluation.h"
#include "sim/metrics.h"

namespace faultline::monitoring::testing {

// One scripted virtual second: `ok` successes then `failed` answers with `status`, all
// issued at the second's start and answered `latency` later (within the same second).
struct Second {
  int ok = 0;
  int failed = 0;
  int status = 502;
  Duration latency = millis(10);
  Duration failed_latency = millis(10);
  std::uint32_t busy_workers = 0;
  std::vector<sim::BreakerSecondState> breakers{};  // empty: all CLOSED
};

inline experiments::Experiment basic_experiment(Duration duration = std::chrono::seconds(100)) {
  experiments::Experiment e;
  e.name = "scripted";
  e.seed = 42;
  e.duration = duration;
  e.slo = experiments::SloConfig{};
  return e;
}

class ScriptedRun {
 public:
  explicit ScriptedRun(experiments::Experiment experiment) : experiment_(std::move(experiment)) {
    sim::MetricsLayout layout;
    layout.duration = experiment_.duration;
    layout.warmup = experiment_.warmup;
    for (const auto& d : experiment_.dependencies) layout.dependencies.push_back(d.name);
    for (const auto& [name, b] : experiment_.breakers) {
      layout.breakers.push_back(name);
      layout.breaker_types.push_back(b.type);
    }
    for (std::size_t i = 0; i < experiment_.faults.size(); ++i) layout.faults.push_back("fault " + std::to_string(i));
    layout.latency_windows = experiments::latency_windows(experiments::effective_alert_rules(experiment_));
    layout.check_windows = experiments::sli_check_windows(experiment_);
    metrics_ = std::make_unique<sim::Metrics>(layout);
  }

  void second(const Second& s) {
    const Instant start = std::chrono::seconds(now_s_);
    for (int i = 0; i < s.ok + s.failed; ++i) metrics_->on_request_issued(start);
    for (int i = 0; i < s.ok; ++i) metrics_->on_request_done(start, start + s.latency, 200, true, false);
    for (int i = 0; i < s.failed; ++i) {
      metrics_->on_request_done(start, start + s.failed_latency, s.status, false, false);
    }
    std::vector<sim::BreakerSecondState> states = s.breakers;
    states.resize(experiment_.breakers.size(), sim::BreakerSecondState::kClosed);
    metrics_->close_second(s.busy_workers, 0, states);
    ++now_s_;
  }
  void seconds(int n, const Second& s) {
    for (int i = 0; i < n; ++i) second(s);
  }

  RunOutcome outcome() const {
    RunOutcome o;
    o.experiment = &experiment_;
    o.metrics = metrics_.get();
    o.end = std::chrono::seconds(now_s_);
    return o;
  }
  experiments::Experiment& experiment() { return experiment_; }
  sim::Metrics& metrics() { return *metrics_; }
  std::int64_t now_s() const { return now_s_; }

 private:
  experiments::Experiment experiment_;
  std::unique_ptr<sim::Metrics> metrics_;
  std::int64_t now_s_ = 0;
};

inline experiments::DependencyConfig dependency(const std::string& name) {
  experiments::DependencyConfig d;
  d.name = name;
  return d;
}

inline experiments::BreakerConfig breaker(const std::string& name, const std::string& type) {
  experiments::BreakerConfig b;
  b.name = name;
  b.type = type;
  return b;
}

inline sim::BreakerTransitionRecord transition(double at_s, std::string from, std::string to,
                                               std::string reason = "") {
  return sim::BreakerTransitionRecord{Instant(static_cast<std::int64_t>(at_s * 1e9 + 0.5)), std::move(from),
                                      std::move(to), std::move(reason)};
}

}  // namespace faultline::monitoring::testing

// Fidelity: how far a live run is from the simulation of the same file and seed. Per SLI
// {sim, live, diff, rel_diff}, per breaker the transition instants in both, the alerts fired
// in both, and a verdict against the file's tolerances (`live.fidelity`, defaults in
// experiments/experiment_config.h and docs/live.md).
//
//   Fidelity f = compare(sim_eval, sim_metrics, live_eval, live_metrics, experiment.live.fidelity);
//   write fidelity_json(f) to DIR/<name>/live/fidelity.json;  f.passed
//
// Judged: availability (points), latency_p95 and latency_p99 (relative), every breaker
// transition (the i-th transition of a breaker in both runs: same states, instants within the
// tolerance; a transition in one run only fails), the set of alert names fired. Other SLIs are
// reported, not judged. Pure.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "experiments/experiment_config.h"
#include "monitoring/evaluation.h"
#include "sim/metrics.h"

namespace faultline::live {

struct SliFidelity {
  std::string name, unit;
  double sim = 0, live = 0, diff = 0;
  std::optional<double> rel_diff;  // absent when sim is 0
  bool judged = false, ok = true;
};

struct TransitionFidelity {
  std::string from, to;
  std::optional<double> sim_s, live_s;  // absent: no such transition in that run
  std::optional<double> diff_s;
  bool ok = true;
};

struct BreakerFidelity {
  std::string name;
  std::vector<TransitionFidelity> transitions;
  bool ok = true;
};

struct Fidelity {
  experiments::FidelityTolerances tolerances;
  std::vector<SliFidelity> slis;
  std::vector<BreakerFidelity> breakers;
  std::vector<std::string> sim_alerts, live_alerts;  // names fired, sorted, unique
  bool alerts_ok = true;
  bool passed = true;
  std::vector<std::string> failures;  // one line per failed item
};

Fidelity compare(const monitoring::Evaluation& sim, const sim::Metrics& sim_metrics,
                 const monitoring::Evaluation& live, const sim::Metrics& live_metrics,
                 const experiments::FidelityTolerances& tolerances);

// fidelity.json's text; `extra` (an object's JSON text, e.g. the send lag) is merged in.
std::string fidelity_json(const Fidelity& f, const std::string& extra_json);

}  // namespace faultline::live

// Fidelity: how far a live run (`faultline live`, live/live_session.h) is from the simulation
// of the same file and seed. Per SLI {sim, live, diff, rel_diff}, per breaker the transition
// instants in both, the alerts fired in both, and a verdict against the file's tolerances
// (`live.fidelity`, defaults in experiments/experiment_config.h and docs/live.md). Here in
// monitoring/ because report.html shows it (LiveComparison); live/ computes it.
//
//   Fidelity f = compare(sim_eval, sim_metrics, live_eval, live_metrics, experiment.live.fidelity);
//   write fidelity_json(f) to DIR/<name>/live/fidelity.json;  f.passed
//
// Judged: availability (points), latency_p95 and latency_p99 (relative), every breaker
// transition (the i-th transition of a breaker in both runs: same states, instants within the
// tolerance; a transition in one run only fails), the set of alert names fired. Other SLIs are
// reported, not judged. A live run that observes no breaker (live --target: `unobserved` says
// why) compares none, nor the alerts it cannot raise (`unobserved_alerts`, e.g.
// CircuitBreakerOpen), and records the reasons in `not_compared`. Pure.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "experiments/experiment_config.h"
#include "monitoring/evaluation.h"
#include "sim/metrics.h"

namespace faultline::monitoring {

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
  // What was not compared and why, e.g. {"breakers", "no data in live --target run: ..."}.
  std::vector<std::pair<std::string, std::string>> not_compared;
};

// `unobserved`: why the live run has no breaker or dependency data (RunOutcome::unobserved);
// empty when it has them. `unobserved_alerts`: names of alerts computed from that data (left
// out of the alert comparison when `unobserved` is set).
Fidelity compare(const monitoring::Evaluation& sim, const sim::Metrics& sim_metrics,
                 const monitoring::Evaluation& live, const sim::Metrics& live_metrics,
                 const experiments::FidelityTolerances& tolerances, const std::string& unobserved = {},
                 const std::vector<std::string>& unobserved_alerts = {});

// What report.html of a live run shows beside the live data: the simulated run of the same
// file and seed (its series drawn dashed on the live charts) and the fidelity table. `sim` and
// `fidelity` are absent for an interrupted run (nothing was compared). Not owning.
struct LiveComparison {
  const RunOutcome* sim = nullptr;
  const Evaluation* sim_evaluation = nullptr;
  const Fidelity* fidelity = nullptr;
  std::vector<std::string> notes;  // one line each, e.g. the load's send lag
};

// fidelity.json's text; `extra` (an object's JSON text, e.g. the send lag) is merged in.
std::string fidelity_json(const Fidelity& f, const std::string& extra_json);

}  // namespace faultline::monitoring

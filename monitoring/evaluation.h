// Evaluation: what monitoring/ concludes from a finished run — SLIs with their status, the
// experiment's checks, alert firings — and the verdict. Built by evaluate() from the
// experiment and its metrics; read by every writer (summary.json, JUnit, CSV, HTML, console).
//
//   RunOutcome run = ...;                       // experiment + metrics of a finished run
//   Evaluation e = evaluate(run);
//   return e.passed ? 0 : 1;
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "experiments/experiment_config.h"
#include "resilience/clock.h"
#include "sim/metrics.h"

namespace faultline::monitoring {

// A finished (or stopped-at-an-instant) run, as monitoring sees it. Not owning.
struct RuleSet;  // monitoring/prometheus_rule_file.h

struct RunOutcome {
  const experiments::Experiment* experiment = nullptr;
  const sim::Metrics* metrics = nullptr;
  Instant end{};                 // virtual instant the run stopped measuring (duration, or --at)
  std::uint64_t events = 0;      // events the loop processed (run.json only)
  double wall_seconds = 0;       // run.json only: never in summary.json
  const RuleSet* prometheus_rules = nullptr;  // rule files to evaluate over the run, or none
  // Live mode (live/live_session.h): measured on the wall clock, not simulated.
  bool live = false;
  // Why the run has no breaker or dependency data (live --target: the API is the user's
  // service), or empty. Checks that need that data are then not evaluated (checks.h); the
  // report and the fidelity comparison say so.
  std::string unobserved = {};
};

enum class SliStatus { kMeeting, kAtRisk, kBreaching };
enum class Trend { kImproving, kStable, kDegrading };

struct SliResult {
  std::string name;   // availability | latency_p95 | latency_p99 | error_rate | throughput
  double current = 0;
  std::optional<double> target;  // absent: reported, not judged
  std::string unit;   // "%", "ms", "rps"
  SliStatus status = SliStatus::kMeeting;
  Trend trend = Trend::kStable;
};

struct CheckResult {
  std::string name;    // e.g. "breaker content-generation opens within 15 s of fault 0"
  bool passed = false;
  std::string detail;  // what was seen, e.g. "opened at 121.4 s, 1.4 s after fault 0 started"
  std::string pointer; // the expect item's JSON pointer, empty for SLO-derived checks
  std::string sli;     // SLO gate checks only: the SliResult::name judged ("availability", ...)
  // false: the run has no data to answer the check (RunOutcome::unobserved); `passed` is then
  // false too (no false pass) and `detail` says why.
  bool evaluated = true;
};

struct AlertEvent {
  std::string name;
  std::string severity;
  double pending_at_s = 0;
  double fired_at_s = 0;
  std::optional<double> resolved_at_s;  // absent: still firing at the end
  // Prometheus rules (monitoring/prometheus_rules_eval.h) only: source "prometheus", the rule's
  // file:line, the alert's labels (alertname aside) and annotations as written. An episode that
  // was pending and never fired has fired = false; resolved_at_s is then when it was dropped.
  std::string source;
  std::string rule;
  std::vector<std::pair<std::string, std::string>> labels;
  std::vector<std::pair<std::string, std::string>> annotations;
  bool fired = true;
};

struct Evaluation {
  std::vector<SliResult> slis;
  std::vector<CheckResult> checks;    // expect items, then SLO gate checks
  std::vector<AlertEvent> alerts;
  bool passed = true;
};

std::string to_string(SliStatus s);  // "meeting" | "at_risk" | "breaching"
std::string to_string(Trend t);      // "improving" | "stable" | "degrading"

}  // namespace faultline::monitoring

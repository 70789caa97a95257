// Prometheus's rule manager over a finished run: each group evaluated at every multiple of its
// interval from virtual instant 0 to the run's last sample (promtool test rules' schedule),
// rules in file order, recording rules' output visible to the rules after them; alerting rules
// with Prometheus 2.42's states (rules/alerting.go): a new result is pending, fires once it has
// been active for `for:`, stays firing `keep_firing_for` after its condition stops, and is
// resolved at the first evaluation where it neither holds nor is kept firing.
//
//   RuleEvaluation r = evaluate_prometheus_rules(run, rules);
//   // r.alerts: {name "HighErrorRate", source "prometheus", pending_at_s 180, fired_at_s 300, ...}
//
// Pure; thread-safe on distinct inputs.
#pragma once

#include <string>
#include <vector>

#include "monitoring/evaluation.h"
#include "monitoring/prometheus_rule_file.h"

namespace faultline::monitoring {

struct RuleEvaluation {
  // Every alert episode (each distinct label set, each time it became pending), ordered by the
  // instant it became pending, then rule order, then labels.
  std::vector<AlertEvent> alerts;
  // Evaluations that failed ("alert X (file:line) at 120 s: many-to-many matching ...").
  std::vector<std::string> errors;
};

RuleEvaluation evaluate_prometheus_rules(const RunOutcome& run, const RuleSet& rules);

}  // namespace faultline::monitoring

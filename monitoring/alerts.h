// Alert rules evaluated over a run's timeline, as Prometheus would: every virtual second, over
// a sliding window, with `for:` semantics (pending, then firing once the condition has held
// for `for_s`, resolved when it stops holding).
//
//   auto events = evaluate_alerts(run, experiments::effective_alert_rules(*run.experiment));
//   // {name "HighErrorRate", pending_at_s 131, fired_at_s 251, resolved_at_s 400}
//
// Row s of the timeline covers [s, s+1); the rule is evaluated at its end, instant s + 1, over
// the rows of the last window_s seconds. Pure functions; thread-safe on distinct inputs.
#pragma once

#include <optional>
#include <vector>

#include "experiments/alert_rules.h"
#include "monitoring/evaluation.h"

namespace faultline::monitoring {

// The rule's SLI over the window ending with each timeline row, one value per row (0 for rows
// before warm-up, which are not evaluated). Error budget burn: the value over the long window.
std::vector<double> alert_values(const RunOutcome& run, const experiments::AlertRule& rule);

// Whether the condition holds at each row: value > above, value < below (either, when both are
// set), > 0 for breaker_open without a threshold; error_budget_burn must hold over the long
// window and the short one. Rows before warm-up never hold.
std::vector<bool> alert_condition(const RunOutcome& run, const experiments::AlertRule& rule);

// The `for:` state machine over per-row conditions (row s evaluated at instant s + 1): true
// starts pending; still true `for_duration` after the pending instant fires (at once when it
// is 0); false resolves a firing alert and drops a pending one (not reported).
std::vector<AlertEvent> alert_events(const experiments::AlertRule& rule, const std::vector<bool>& condition);

// Every rule's events, ordered by the instant they fired, then by rule order.
std::vector<AlertEvent> evaluate_alerts(const RunOutcome& run, const std::vector<experiments::AlertRule>& rules);

// An alert's name as reports show it: the name, then for a Prometheus rule's alert its labels
// other than severity, {endpoint="checkout",status="500"}.
std::string alert_display_name(const AlertEvent& a);

// The error budget as a ratio: (100 - slo.availability) / 100; the guide's 99.9 % when the
// experiment has no availability target.
double error_budget(const experiments::SloConfig& slo);

}  // namespace faultline::monitoring

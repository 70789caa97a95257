#include "monitoring/evaluate.h"

#include <algorithm>

#include "experiments/alert_rules.h"
#include "monitoring/alerts.h"
#include "monitoring/checks.h"
#include "monitoring/prometheus_rules_eval.h"
#include "monitoring/sli.h"

namespace faultline::monitoring {

Evaluation evaluate(const RunOutcome& run) {
  Evaluation e;
  e.slis = compute_slis(run);
  e.checks = expectation_checks(run, e.slis);
  for (CheckResult& c : slo_gate_checks(run.experiment->slo, e.slis)) e.checks.push_back(std::move(c));
  if (auto c = answer_check(run)) e.checks.push_back(std::move(*c));
  e.alerts = evaluate_alerts(run, experiments::effective_alert_rules(*run.experiment));
  if (run.prometheus_rules != nullptr && !run.prometheus_rules->empty()) {
    // The file's own rules, beside the built-in ones; a failed evaluation fails the run.
    RuleEvaluation rules = evaluate_prometheus_rules(run, *run.prometheus_rules);
    for (AlertEvent& a : rules.alerts) e.alerts.push_back(std::move(a));
    for (std::string& error : rules.errors) {
      e.checks.push_back(CheckResult{"prometheus rule evaluation", false, std::move(error), "", "", true});
    }
  }
  e.passed = std::all_of(e.checks.begin(), e.checks.end(), [](const CheckResult& c) { return c.passed; });
  return e;
}

}  // namespace faultline::monitoring

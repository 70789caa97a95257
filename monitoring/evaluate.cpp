#include "monitoring/evaluate.h"

#include <algorithm>

#include "experiments/alert_rules.h"
#include "monitoring/alerts.h"
#include "monitoring/checks.h"
#include "monitoring/sli.h"

namespace faultline::monitoring {

Evaluation evaluate(const RunOutcome& run) {
  Evaluation e;
  e.slis = compute_slis(run);
  e.checks = expectation_checks(run, e.slis);
  for (CheckResult& c : slo_gate_checks(run.experiment->slo, e.slis)) e.checks.push_back(std::move(c));
  if (auto c = answer_check(run)) e.checks.push_back(std::move(*c));
  e.alerts = evaluate_alerts(run, experiments::effective_alert_rules(*run.experiment));
  e.passed = std::all_of(e.checks.begin(), e.checks.end(), [](const CheckResult& c) { return c.passed; });
  return e;
}

}  // namespace faultline::monitoring

// evaluate(): from a finished run to its Evaluation — the SLIs with their bands and trends,
// a check per `expect` item then the SLO gate checks, the alert firings of the effective rules,
// and the verdict (every check passed).
//
//   Evaluation e = evaluate(run);   // run.experiment and run.metrics must be set
//   return e.passed ? 0 : 1;
//
// Pure function; thread-safe on distinct inputs.
#pragma once

#include "monitoring/evaluation.h"

namespace faultline::monitoring {

Evaluation evaluate(const RunOutcome& run);

}  // namespace faultline::monitoring

// Invariants: what must hold of every run whatever its faults, checked from its metrics — the
// totals add up, every breaker's transitions follow the state machine, no call passes an OPEN
// breaker, a coalesced key has at most one call in flight. A broken one is a simulator or
// resilience bug, never a configuration's weakness; explore reports it like a failed check,
// under the name given here.
//
//   for (const std::string& name : broken_invariants(*run.outcome.metrics)) ...
//
// Pure function; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "sim/metrics.h"

namespace faultline::explore {

// The names of the invariants `metrics` breaks, in a fixed order ("invariant: ..."); empty
// when all hold.
std::vector<std::string> broken_invariants(const sim::Metrics& metrics);

}  // namespace faultline::explore

// The state changes of a fault schedule on the wall clock: whether a dependency refuses
// connections (an outage or a flapping down phase that hits every call) and the capacity in
// force, and the next instant either can change, so the fault proxy arms one timer per edge
// instead of polling.
//
//   if (auto next = next_edge(faults, now)) scheduler.schedule_after(*next - now, ...);
//
// Pure functions over faults::Fault (t = 0 is the start of the live run).
#pragma once

#include <optional>
#include <vector>

#include "faults/fault.h"

namespace faultline::live {

// True iff a fault hitting every call (probability 1) refuses connections at `now`: then the
// proxy closes its listening socket, so connecting is refused as in a real outage.
bool refusing(const std::vector<faults::Fault>& faults, Instant now);

// The first instant after `now` at which refusing() or a capacity fault's window can change;
// nullopt when none is left.
std::optional<Instant> next_edge(const std::vector<faults::Fault>& faults, Instant now);

}  // namespace faultline::live

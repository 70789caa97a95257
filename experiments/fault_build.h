// The faults::Fault of a `faults[]` item: shared by the simulated world (world.cpp) and live
// mode (live/), so both apply the same windows and parameters.
//
//   faults::Fault f = make_fault(e.faults[i], i, e.duration);   // open-ended: to run_end
//
// Pure functions.
#pragma once

#include <cstddef>

#include "experiments/experiment_config.h"
#include "faults/fault.h"

namespace faultline::experiments {

faults::FaultKind fault_kind(FaultKind k);
// Fault number `index` of the file; a fault without duration lasts until `run_end`.
faults::Fault make_fault(const FaultConfig& c, std::size_t index, Instant run_end);

}  // namespace faultline::experiments

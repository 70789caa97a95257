// Which fault kinds take which of the kind-specific keys of a `faults[]` item (add_ms for
// latency, factor for slowdown...). The loader refuses a key its kind does not take; explore
// templates whose `kind` is a list keep, for the kind drawn, only the keys that kind takes.
//
//   if (!fault_kind_takes(FaultKind::kOutage, "rate")) ...   // true: outage takes no rate
//
// Immutable table; thread-safe.
#pragma once

#include <string_view>
#include <vector>

#include "experiments/experiment_config.h"

namespace faultline::experiments {

struct KindParameter {
  std::string_view key;
  std::vector<FaultKind> kinds;
  std::string_view kinds_text;  // the kinds, for messages ("error, outage and flapping")
};

const std::vector<KindParameter>& kind_parameters();

// False only for a kind-specific key (one of kind_parameters()) that `kind` does not take:
// target, kind, start_s and duration_s apply to every kind.
bool fault_kind_takes(FaultKind kind, std::string_view key);

}  // namespace faultline::experiments

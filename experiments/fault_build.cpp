#include "experiments/fault_build.h"

namespace faultline::experiments {

faults::FaultKind fault_kind(FaultKind k) {
  switch (k) {
    case FaultKind::kLatency: return faults::FaultKind::kLatency;
    case FaultKind::kSlowdown: return faults::FaultKind::kSlowdown;
    case FaultKind::kError: return faults::FaultKind::kError;
    case FaultKind::kOutage: return faults::FaultKind::kOutage;
    case FaultKind::kHang: return faults::FaultKind::kHang;
    case FaultKind::kCapacity: return faults::FaultKind::kCapacity;
    case FaultKind::kFlapping: return faults::FaultKind::kFlapping;
  }
  return faults::FaultKind::kOutage;
}

faults::Fault make_fault(const FaultConfig& c, std::size_t index, Instant run_end) {
  faults::Fault f;
  f.index = index;
  f.kind = fault_kind(c.kind);
  f.start = c.start;
  f.end = c.duration.has_value() ? c.start + *c.duration : run_end;
  f.probability = c.probability;
  f.add = c.add;
  f.factor = c.factor;
  f.rate = c.rate;
  f.status = c.status;
  f.concurrency = c.concurrency;
  f.period = c.period;
  f.down_fraction = c.down_fraction;
  return f;
}

}  // namespace faultline::experiments

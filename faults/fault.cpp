#include "faults/fault.h"

#include <cmath>

namespace faultline::faults {

sim::CallDraws fault_draws(std::uint64_t seed, std::size_t index) {
  return sim::CallDraws(seed, "fault/" + std::to_string(index));
}

const char* to_string(FaultKind kind) {
  switch (kind) {
    case FaultKind::kLatency: return "latency";
    case FaultKind::kSlowdown: return "slowdown";
    case FaultKind::kError: return "error";
    case FaultKind::kOutage: return "outage";
    case FaultKind::kHang: return "hang";
    case FaultKind::kCapacity: return "capacity";
    case FaultKind::kFlapping: return "flapping";
  }
  return "unknown";
}

bool Fault::down(Instant now) const {
  if (kind != FaultKind::kFlapping || period.count() <= 0) return true;
  const std::int64_t phase = (now - start).count() % period.count();
  // Integer comparison of the phase against the down share keeps the edges exact.
  const auto down_ns = static_cast<std::int64_t>(std::llround(down_fraction * static_cast<double>(period.count())));
  return phase < down_ns;
}

}  // namespace faultline::faults

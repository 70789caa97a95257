#include "live/fault_schedule.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace faultline::live {

using faults::FaultKind;

bool refusing(const std::vector<faults::Fault>& faults, Instant now) {
  for (const faults::Fault& f : faults) {
    if (f.probability < 1) continue;  // some calls pass: refused per call (reset) instead
    if ((f.kind == FaultKind::kOutage || f.kind == FaultKind::kFlapping) && f.active(now) && f.down(now)) return true;
  }
  return false;
}

std::optional<Instant> next_edge(const std::vector<faults::Fault>& faults, Instant now) {
  constexpr auto kNever = std::numeric_limits<std::int64_t>::max();
  std::optional<Instant> best;
  const auto consider = [&](Instant t) {
    if (t > now && t.count() != kNever && (!best || t < *best)) best = t;
  };
  for (const faults::Fault& f : faults) {
    if (f.kind != FaultKind::kOutage && f.kind != FaultKind::kFlapping && f.kind != FaultKind::kCapacity) continue;
    consider(f.start);
    consider(f.end);
    if (f.kind == FaultKind::kFlapping && f.period.count() > 0 && f.active(now)) {
      // Down in the first down_fraction of each period (Fault::down); the edges of the period
      // that contains `now` and the start of the next one.
      const std::int64_t k = (now - f.start).count() / f.period.count();
      const Instant period_start = f.start + f.period * k;
      const auto down_len = Duration(std::llround(f.down_fraction * static_cast<double>(f.period.count())));
      consider(std::min(period_start + down_len, f.end));
      consider(std::min(period_start + f.period, f.end));
    }
  }
  return best;
}

}  // namespace faultline::live

// Capacity faults as a schedule: the edges of their windows, and the capacity in force at an
// instant (the smallest active `concurrency`, or the target's own). Shared by FaultyDependency
// (server concurrency) and FaultyApi (API workers).
//
//   schedule_capacity_edges(loop, faults, [this] { apply(capacity_at(faults, now, base)); });
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <vector>

#include "faults/fault.h"
#include "sim/event_loop.h"

namespace faultline::faults {

// The capacity in force at `now`: `base`, lowered by every active capacity fault.
inline int capacity_at(const std::vector<Fault>& faults, Instant now, int base) {
  int capacity = base;
  for (const Fault& f : faults) {
    if (f.kind == FaultKind::kCapacity && f.active(now)) capacity = std::min(capacity, f.concurrency);
  }
  return capacity;
}

// Runs `on_edge` at the start and the end of every capacity fault's window.
template <typename OnEdge>
void schedule_capacity_edges(sim::EventLoop& loop, const std::vector<Fault>& faults, OnEdge on_edge) {
  for (const Fault& f : faults) {
    if (f.kind != FaultKind::kCapacity) continue;
    loop.schedule_at(std::max(f.start, loop.now()), on_edge);
    if (f.end.count() < std::numeric_limits<std::int64_t>::max()) loop.schedule_at(f.end, on_edge);
  }
}

}  // namespace faultline::faults

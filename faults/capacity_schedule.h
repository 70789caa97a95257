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

// The capacity fault that makes an arrival wait, to be counted as its hit: every server of the
// lowered capacity is `busy`, where the target's own capacity `base` would have had one free.
// The fault in force (the smallest active value, the first of equals); nullptr when no capacity
// fault lowers the capacity now, or the arrival would have waited anyway.
inline const Fault* capacity_fault_in_the_way(const std::vector<Fault>& faults, Instant now, int busy,
                                              int base) {
  const Fault* in_force = nullptr;
  for (const Fault& f : faults) {
    if (f.kind != FaultKind::kCapacity || !f.active(now)) continue;
    if (in_force == nullptr || f.concurrency < in_force->concurrency) in_force = &f;
  }
  if (in_force == nullptr || in_force->concurrency >= base) return nullptr;
  return busy >= in_force->concurrency && busy < base ? in_force : nullptr;
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

// Fault: one scheduled failure, as data — what breaks (kind and its parameters), when
// (a window of virtual time), and how often (the share of calls hit). The experiment file's
// `faults` items become Faults; FaultyDependency and FaultyApi apply them.
//
//   Fault f{.kind = FaultKind::kOutage, .start = 120s, .end = 300s};
//   if (f.active(now) && f.down(now)) ...   // flapping is down only part of each period
//
// Plain data; each fault has its own draws (fault_draws), so adding a fault shifts no others.
#pragma once

#include <cstdint>
#include <limits>
#include <string>

#include "resilience/clock.h"
#include "sim/distribution.h"
#include "sim/call_draws.h"

namespace faultline::faults {

enum class FaultKind { kLatency, kSlowdown, kError, kOutage, kHang, kCapacity, kFlapping };

const char* to_string(FaultKind kind);

// The random draws of the experiment's fault number `index` (its owner name is
// "fault/<index>"): keyed by the call when it has a key, else in call order. The one place
// that names the owner, since renaming it would change every draw.
sim::CallDraws fault_draws(std::uint64_t seed, std::size_t index);

struct Fault {
  std::size_t index = 0;   // position in the experiment's `faults`, for metrics and checks
  FaultKind kind = FaultKind::kOutage;
  Instant start{};
  Instant end{Duration(std::numeric_limits<std::int64_t>::max())};
  double probability = 1;  // share of calls hit
  sim::Distribution add = sim::Distribution::constant(0);  // latency
  double factor = 1;       // slowdown
  double rate = 1;         // error
  int status = 0;          // error (and API outage): the status given; 0 = the kind's default
  int concurrency = 1;     // capacity
  Duration period{};       // flapping
  double down_fraction = 0.5;  // flapping

  // True iff `now` is inside [start, end).
  bool active(Instant now) const { return now >= start && now < end; }
  // True iff the window [a, b) overlaps the fault's window (for the per-second timeline).
  bool overlaps(Instant a, Instant b) const { return start < b && end > a; }
  // Flapping: true in the first down_fraction of each period since start. Other kinds: true.
  bool down(Instant now) const;
};

}  // namespace faultline::faults

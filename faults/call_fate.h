// CallFate: what the faults active at an instant do to one dependency call — refused, held
// forever, failed, delayed, slowed. Decided once when the call starts, drawing from each
// fault's own draws in a fixed order: from the call's keyed stream when the call has a key,
// so the simulator (FaultyDependency) and the live fault proxy (live/fault_proxy.h) give the
// same call the same fate whatever order the calls come in; without a key, from the fault's
// stream in call order (the same fates for the same sequence of calls).
//
//   CallFate fate = decide_call_fate(faults, draws, now, options.key, [&](const Fault& f) { hit(f); });
//   if (fate.refuse) ...
//
// Capacity faults are not decided per call (they change the server's concurrency).
#pragma once

#include <optional>
#include <vector>

#include "faults/fault.h"
#include "sim/call_draws.h"
#include "sim/call_key.h"

namespace faultline::faults {

struct CallFate {
  bool refuse = false;        // outage / flapping down: connection refused at once
  bool hang = false;          // accepted, never answered
  bool fail = false;          // a success becomes an error after the normal latency
  int status = 0;             // the failing error fault's status (0: the default, 500)
  Duration add{};             // latency added after the server answers
  double service_scale = 1;   // slowdown: multiplies the server's service time
};

// `draws[i]` are the draws of `faults[i]`; `key` names the call (absent: call order).
// `on_hit(fault)` runs for every fault that hits the call. Composition: see FaultyDependency.
template <typename OnHit>
CallFate decide_call_fate(const std::vector<Fault>& faults, std::vector<sim::CallDraws>& draws, Instant now,
                          const std::optional<sim::CallKey>& key, OnHit&& on_hit) {
  CallFate fate;
  for (std::size_t i = 0; i < faults.size(); ++i) {
    const Fault& f = faults[i];
    if (!f.active(now) || f.kind == FaultKind::kCapacity || !f.down(now)) continue;
    sim::Rng& rng = draws[i].for_call(key);
    if (f.probability < 1 && !rng.bernoulli(f.probability)) continue;
    switch (f.kind) {
      case FaultKind::kOutage:
      case FaultKind::kFlapping:
        fate.refuse = true;
        break;
      case FaultKind::kHang:
        fate.hang = true;
        break;
      case FaultKind::kLatency:
        fate.add += f.add.sample(rng);
        break;
      case FaultKind::kSlowdown:
        fate.service_scale *= f.factor;
        break;
      case FaultKind::kError:
        if (!rng.bernoulli(f.rate)) continue;  // not hit: no metric either
        if (!fate.fail) fate.status = f.status;
        fate.fail = true;
        break;
      case FaultKind::kCapacity:
        break;
    }
    on_hit(f);
  }
  return fate;
}

}  // namespace faultline::faults

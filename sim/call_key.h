// CallKey: the name of one dependency call — which request, which of its steps, which attempt
// — from which every random decision about that call is drawn (sim/call_draws.h), so that the
// same call gets the same fate whatever order the calls arrive in: in the simulator and in
// live mode, where HTTP and scheduling jitter reorder them.
//
//   CallKey key{.request = 17, .step = 1, .attempt = 0};   // request 17's second step, first try
//
// Plain data. `request` comes from the load plan (sim/load_generator.h), identical in both modes.
#pragma once

#include <cstdint>

namespace faultline::sim {

struct CallKey {
  std::uint64_t request = 0;  // the load plan's number of the request (LoadGenerator)
  std::uint32_t step = 0;     // the step's index in its endpoint; degradation services follow
  std::uint32_t attempt = 0;  // 0: the first attempt, 1: the first retry...

  friend bool operator==(const CallKey&, const CallKey&) = default;
};

}  // namespace faultline::sim

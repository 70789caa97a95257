// The guide's four load-test profiles (smoke, load, stress, spike), as `load.preset` expands
// them: a closed model with a number of users, a run length and, for spike, a ramp.
//
//   const LoadPreset* p = find_load_preset("spike");   // 500 users, 120 s, 10 s ramp
//
// Immutable table; thread-safe.
#pragma once

#include <string_view>
#include <vector>

#include "resilience/clock.h"

namespace faultline::experiments {

struct LoadPreset {
  std::string_view name;
  int users = 0;
  Duration duration{};
  Duration ramp{};  // 0: all users from the start; else a linear ramp from 0 users
};

const std::vector<LoadPreset>& load_presets();
// nullptr for an unknown name.
const LoadPreset* find_load_preset(std::string_view name);

}  // namespace faultline::experiments

#include "experiments/load_presets.h"

#include <chrono>

namespace faultline::experiments {

const std::vector<LoadPreset>& load_presets() {
  using std::chrono::minutes;
  using std::chrono::seconds;
  // The guide's "Types de Tests": smoke 5 users 30 s; load 50 users 5 min; stress 200 users
  // 10 min; spike 500 users 2 min, "montée très rapide (10s)".
  static const std::vector<LoadPreset> kPresets = {
      {"smoke", 5, seconds(30), Duration{}},
      {"load", 50, minutes(5), Duration{}},
      {"stress", 200, minutes(10), Duration{}},
      {"spike", 500, minutes(2), seconds(10)},
  };
  return kPresets;
}

const LoadPreset* find_load_preset(std::string_view name) {
  for (const LoadPreset& p : load_presets()) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

}  // namespace faultline::experiments

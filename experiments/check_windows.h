// The windows the `expect` items judge an SLI over (`from_s`/`to_s`, `during_fault`): the world
// has Metrics keep totals and a latency histogram for each, since a window's quantile cannot be
// rebuilt from per-second ones afterwards.
//
//   layout.check_windows = sli_check_windows(experiment);
//   std::size_t w = check_window_index(layout.check_windows, *expectation.window);
#pragma once

#include <algorithm>
#include <cstddef>
#include <utility>
#include <vector>

#include "experiments/experiment_config.h"

namespace faultline::experiments {

using CheckWindow = std::pair<Instant, Instant>;  // [from, to) of issue instants

// Every distinct window of the experiment's sli expectations, sorted.
inline std::vector<CheckWindow> sli_check_windows(const Experiment& e) {
  std::vector<CheckWindow> out;
  for (const Expectation& x : e.expect) {
    if (x.window) out.push_back(*x.window);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

// The index of `window` in `windows`, or windows.size() when it is not there.
inline std::size_t check_window_index(const std::vector<CheckWindow>& windows, const CheckWindow& window) {
  return static_cast<std::size_t>(std::find(windows.begin(), windows.end(), window) - windows.begin());
}

}  // namespace faultline::experiments

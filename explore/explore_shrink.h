// Shrinking: a failing schedule reduced, by greedy delta debugging, to a smaller one that still
// fails the same check with the same seed — fewer faults, then shorter windows, then smaller
// magnitudes — so a reproducer shows what is needed to break the configuration and no more.
//
//   ShrinkOutcome s = shrink_schedule(plan, faults, seed, "breaker db never opens");
//   // s.faults: a sub-schedule of `faults`, each window no longer, each magnitude no larger
//
// Runs the experiment once per attempt on the calling thread (at most `max_runs` attempts);
// deterministic, so every --jobs and shard split shrinks to the same schedule.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "explore/explore_plan.h"

namespace faultline::explore {

struct ShrinkOutcome {
  nlohmann::json faults;  // the smallest schedule found that still fails `check`
  std::size_t runs = 0;   // experiments run to find it
};

// Steps, each kept only when `check` still fails, in this order and repeated until none helps
// or the budget is spent: drop one fault; halve a fault's duration (a fault to the end of the
// run first gets a window of half of what is left); move its start later by half its duration
// while shortening it by as much (the window's end stays); halve its magnitude (rate,
// probability, a constant add_ms, down_fraction; a slowdown factor halfway to 1). Values are
// whole thousandths.
ShrinkOutcome shrink_schedule(const ExplorePlan& plan, const nlohmann::json& faults,
                              std::uint64_t seed, const std::string& check,
                              std::size_t max_runs = 200);

}  // namespace faultline::explore

// ExploreReport: the conclusions of an explore once every run of its plan is there —
// explore.json (every schedule with its verdict and failed checks, the failures grouped by
// check with the first schedule and seed and the count), explore.csv (one row per schedule),
// and one reproducer per failure group: the standalone experiment of the group's first
// failing schedule and seed, which `faultline run` fails with the same check.
//
//   ExploreReport r = conclude(plan, results);   // results in all_runs(plan) order
//   if (!write_report(r, "results/x-explore", &error)) ...
//
// Pure functions but write_report(); thread-safe.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "explore/explore_plan.h"
#include "explore/explore_runs.h"
#include "explore/explore_search.h"

namespace faultline::explore {

struct FailureGroup {
  std::string check;          // a check's name or an invariant's ("invariant: ...")
  std::size_t schedules = 0;  // schedules with at least one run failing it
  std::size_t first_schedule = 0;
  std::uint64_t first_seed = 0;            // the first failing run of that schedule
  std::string reproducer;                  // "reproducers/01-<check>.json"
  nlohmann::json faults;                   // the reproducer's schedule: the first one's, or shrunk
  std::optional<std::size_t> shrink_runs;  // set when shrunk: experiments run to shrink it
  nlohmann::json document;                 // the reproducer
};

// The shrunk schedule of a group's first failing schedule (explore/explore_shrink.h), or
// nullopt to keep it as drawn.
struct Shrunk {
  nlohmann::json faults;
  std::size_t runs = 0;
};
using ShrinkFn =
    std::function<std::optional<Shrunk>(const FailureGroup& group, const nlohmann::json& faults)>;

struct ExploreReport {
  nlohmann::ordered_json json;       // explore.json
  std::string csv;                   // explore.csv
  std::vector<FailureGroup> groups;  // by first schedule, then check name
  std::size_t failing_schedules = 0;
  // With an objective: the worst schedule found (random or searched) as a standalone
  // experiment, "reproducers/worst-<metric>.json".
  std::string worst_reproducer;
  nlohmann::json worst_document;
  bool found() const { return !groups.empty(); }
};

// The objective's value of every random schedule (the mean over its seeds), with its index, in
// plan order: the adversarial search's starts. Empty without an objective.
std::vector<std::pair<std::size_t, double>> schedule_values(const ExplorePlan& plan,
                                                            const std::vector<RunResult>& results);

// With `shrink`, each group's reproducer holds the schedule it returns; with `search`, the
// objective section reports the adversarial search and the worst schedule is the worse of the
// random and searched ones.
ExploreReport conclude(const ExplorePlan& plan, const std::vector<RunResult>& results,
                       const ShrinkFn& shrink = {}, const SearchOutcome* search = nullptr);

// Writes explore.json, explore.csv, explore.html and reproducers/ into `dir`, each file whole
// (monitoring/atomic_file.h); reproducers of an earlier explore there are removed first.
bool write_report(const ExploreReport& report, const std::string& dir, std::string* error);

// "a-check-name" from a check's name: lower case letters and digits, runs of anything else one
// '-', at most 60 characters.
std::string slug(const std::string& text);

}  // namespace faultline::explore

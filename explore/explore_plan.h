// ExplorePlan: the schedules of an `explore` block (docs/explore.md) and the documents they
// run. Schedule i is drawn from the file's seed and i alone (the stream "explore/<i>"), so
// every machine, --jobs and shard split draws the same schedules; its faults are added after
// the file's own `faults[]`, which stay the scenario explored around.
//
//   auto plan = make_plan(experiment.source, experiment.seed, file, &problems);
//   json doc = run_document(*plan, {.schedule = 7, .replication = 1});   // seed + 1
//
// Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "batch/run_metrics.h"
#include "batch/shard.h"
#include "experiments/diagnostic.h"

namespace faultline::explore {

struct ExploreSchedule {
  std::size_t index = 0;
  nlohmann::json faults;  // the faults[] items drawn (0 to max_faults)
};

struct ExplorePlan {
  std::string name;
  std::string file;
  nlohmann::json document;  // the whole file, explore block included
  std::uint64_t seed = 0;
  int seeds = 1;
  int max_faults = 1;
  std::size_t file_faults = 0;  // the file's own faults; the drawn ones come after
  std::optional<batch::Objective> objective;
  // With an objective, the adversarial search after the random schedules (explore.search;
  // explore/explore_search.h): schedules it may try, climbers, moves per climber and round.
  std::size_t search_runs = 0;
  int restarts = 2;
  int neighbors = 8;
  std::string hash;  // 16 hex digits of the document, seed and version
  std::vector<ExploreSchedule> schedules;
  std::size_t run_count() const { return schedules.size() * static_cast<std::size_t>(seeds); }
};

// One run: schedule `schedule`, replication `replication` (seed + replication); `index` is its
// position in the plan (schedule-major).
struct RunRef {
  std::size_t schedule = 0;
  int replication = 0;
  std::size_t index = 0;
};

// The schedule `index` of `templates` (an explore block's faults): 0 to max_faults faults,
// each from a template picked uniformly.
nlohmann::json draw_schedule(const nlohmann::json& templates, int max_faults, std::uint64_t seed,
                             std::size_t index);

// The plan of a loaded document (the loader has checked the block's shape); nullopt with
// `problems` (a bad objective) otherwise.
std::optional<ExplorePlan> make_plan(const nlohmann::json& document, std::uint64_t seed,
                                     const std::string& file,
                                     std::vector<experiments::Diagnostic>* problems);

std::vector<RunRef> all_runs(const ExplorePlan& plan);
std::vector<RunRef> shard_runs(const ExplorePlan& plan, const batch::Shard& shard);
std::string schedule_id(std::size_t schedule);                   // "s0007"
std::string search_id(std::size_t step);                         // "a0012": the search's 13th
std::string run_id(const ExplorePlan& plan, const RunRef& run);  // "s0007-r1"

// The standalone experiment of schedule `schedule` with seed `seed`: the file without its
// explore block, the schedule's faults after its own. What `faultline run` of a reproducer runs.
nlohmann::json schedule_document(const ExplorePlan& plan, std::size_t schedule, std::uint64_t seed);
// The same with `faults` in place of the schedule's (a shrunk schedule).
nlohmann::json document_with_faults(const ExplorePlan& plan, const nlohmann::json& faults,
                                    std::uint64_t seed);
// The run's document: schedule_document() with the replication's seed.
nlohmann::json run_document(const ExplorePlan& plan, const RunRef& run);
std::uint64_t replication_seed(const ExplorePlan& plan, int replication);

}  // namespace faultline::explore

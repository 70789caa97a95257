// Adversarial search: with an explore `objective` ("minimize availability"), the worst schedule
// within the fault budget, found by a random start and then local search over the templates'
// choices and ranges — the random schedules' best `restarts` are the climbers' starts; each
// round every climber tries `neighbors` moves (one range value stepped or set to an end, one
// kind or target changed, one fault added, dropped or redrawn), takes the best one that is
// worse for the system, and halves its step when none is; a climber stalled at the smallest
// step restarts from the best of `neighbors` fresh random schedules.
//
//   SearchOutcome s = adversarial_search(space, objective, starts, {.runs = 200}, evaluate);
//
// Every draw comes from the file's seed and the round and climber numbers, and each round's
// schedules are evaluated as one batch (all cores), so the outcome is the same for any --jobs.
// Runs on the calling thread apart from what `evaluate` does.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "batch/run_metrics.h"
#include "experiments/fault_template.h"

namespace faultline::explore {

// One settled choice of a template: a pick of `count` values, or a value of [min, max].
struct Choice {
  bool pick = true;
  std::size_t count = 1;
  double min = 0, max = 0;
  bool integer = false;
  double value = 0;  // the pick's index, or the value
};

// A schedule as the choices that make it: per fault, its template and its choices in
// instantiate_fault()'s order. What the local search moves.
struct Gene {
  std::size_t tmpl = 0;
  std::vector<Choice> choices;
};
using Genome = std::vector<Gene>;

// The fault space of an explore block.
struct FaultSpace {
  nlohmann::json templates;
  int max_faults = 1;
  std::uint64_t seed = 0;
};

// Schedule `index` as draw_schedule() draws it, with its choices.
Genome draw_genome(const FaultSpace& space, std::size_t index);
// A random genome from the stream `stream` (restarts, added faults).
Genome random_genome(const FaultSpace& space, sim::Rng& rng);
// The faults[] items of `genome`; its choices are settled again on the way (a changed kind
// takes other keys), so the genome is left as the faults read.
nlohmann::json faults_of(const FaultSpace& space, Genome* genome);

struct SearchOptions {
  std::size_t runs = 0;  // schedules the search may try (each run `seeds` times)
  int restarts = 2;      // climbers, each started from one of the best random schedules
  int neighbors = 8;     // moves a climber tries per round
};

struct SearchStep {
  nlohmann::json faults;
  double value = 0;
  int round = 0;
  int climber = 0;
};

struct SearchOutcome {
  std::vector<SearchStep> tried;       // in the order evaluated: the search's schedules
  std::optional<std::size_t> worst;    // index in `tried` of the worst for the system
  std::vector<double> worst_by_round;  // the worst value known after each round (start included)
  int rounds = 0;
  int restarts_done = 0;  // restarts beyond the first starts
};

// The objective's values of `schedules` (faults lists), in order; nullopt to stop (interrupted
// or an error, which it has printed). `first` is the search index of schedules[0].
using EvaluateFn = std::function<std::optional<std::vector<double>>(
    const std::vector<nlohmann::json>& schedules, std::size_t first)>;

// `starts`: the random schedules' indices and objective values, in plan order. nullopt when
// `evaluate` stopped.
std::optional<SearchOutcome> adversarial_search(
    const FaultSpace& space, const batch::Objective& objective,
    const std::vector<std::pair<std::size_t, double>>& starts, const SearchOptions& options,
    const EvaluateFn& evaluate);

}  // namespace faultline::explore

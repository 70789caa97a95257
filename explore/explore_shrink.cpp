#include "explore/explore_shrink.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "batch/experiment_run.h"
#include "experiments/loader.h"
#include "explore/explore_runs.h"

namespace faultline::explore {

using nlohmann::json;

namespace {

double thousandths(double v) { return std::round(v * 1000) / 1000; }

class Shrinker {
 public:
  Shrinker(const ExplorePlan& plan, std::uint64_t seed, const std::string& check,
           std::size_t max_runs)
      : plan_(plan), seed_(seed), check_(check), max_runs_(max_runs) {
    // The run's length as the loader settles it (a preset file may not write duration_s).
    const auto base = experiments::load_experiment_json(
        document_with_faults(plan, json::array(), seed), plan.file);
    if (base.ok()) duration_s_ = to_seconds(base.experiment->duration);
  }

  // Whether `faults` still fails the check. An invalid candidate (a window moved past the end)
  // does not fail: it is simply not kept.
  bool fails(const json& faults) {
    if (runs_ >= max_runs_) return false;
    ++runs_;
    auto loaded =
        experiments::load_experiment_json(document_with_faults(plan_, faults, seed_), plan_.file);
    if (!loaded.ok()) return false;
    const batch::ExperimentRun run =
        batch::run_experiment(std::move(*loaded.experiment),
                              {.stop_at = std::nullopt, .progress = false, .interruptible = false});
    const std::vector<std::string> failed = failed_names(run);
    return std::find(failed.begin(), failed.end(), check_) != failed.end();
  }

  bool budget_left() const { return runs_ < max_runs_; }
  std::size_t runs() const { return runs_; }

  // One pass of every step; true when something was kept.
  bool pass(json& faults) {
    bool changed = false;
    for (std::size_t k = 0; k < faults.size() && budget_left();) {
      json candidate = faults;
      candidate.erase(k);
      if (fails(candidate)) {
        faults = std::move(candidate);
        changed = true;
      } else {
        ++k;
      }
    }
    for (std::size_t k = 0; k < faults.size() && budget_left(); ++k) {
      changed |= try_change(faults, k, [&](json& f) { return shorten(f); });
      changed |= try_change(faults, k, [&](json& f) { return move_later(f); });
      for (const char* key : {"rate", "probability", "down_fraction", "add_ms", "factor"})
        changed |= try_change(faults, k, [&](json& f) { return weaken(f, key); });
    }
    return changed;
  }

 private:
  // Applies `step` to fault k of a copy, repeatedly while the check still fails.
  template <typename Step>
  bool try_change(json& faults, std::size_t k, Step step) {
    bool kept = false;
    while (budget_left()) {
      json candidate = faults;
      if (!step(candidate[k]) || !fails(candidate)) break;
      faults = std::move(candidate);
      kept = true;
    }
    return kept;
  }

  double start(const json& f) const { return f.value("start_s", 0.0); }
  double duration(const json& f) const {
    return f.contains("duration_s") ? f["duration_s"].get<double>() : duration_s_ - start(f);
  }

  bool shorten(json& f) const {
    const double d = thousandths(duration(f) / 2);
    if (d < 0.001 || d >= duration(f)) return false;
    f["duration_s"] = d;
    return true;
  }

  bool move_later(json& f) const {
    const double half = thousandths(duration(f) / 2);
    if (half < 0.001) return false;
    f["start_s"] = thousandths(start(f) + half);
    f["duration_s"] = thousandths(duration(f) - half);
    return true;
  }

  static bool weaken(json& f, const char* key) {
    if (!f.contains(key) || !f[key].is_number()) return false;
    const double v = f[key].get<double>();
    const double target = std::string_view(key) == "factor" ? 1.0 : 0.0;
    const double next = thousandths(target + (v - target) / 2);
    if (next == v) return false;
    f[key] = next;
    return true;
  }

  const ExplorePlan& plan_;
  std::uint64_t seed_;
  std::string check_;
  std::size_t max_runs_;
  std::size_t runs_ = 0;
  double duration_s_ = 0;
};

}  // namespace

ShrinkOutcome shrink_schedule(const ExplorePlan& plan, const json& faults, std::uint64_t seed,
                              const std::string& check, std::size_t max_runs) {
  Shrinker shrinker(plan, seed, check, max_runs);
  json current = faults;
  while (shrinker.budget_left() && shrinker.pass(current)) {
  }
  return {current, shrinker.runs()};
}

}  // namespace faultline::explore

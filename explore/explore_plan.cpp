#include "explore/explore_plan.h"

#include <fmt/format.h>

#include "experiments/fault_template.h"
#include "sim/rng.h"

#ifndef FAULTLINE_VERSION
#define FAULTLINE_VERSION "0.1.0"
#endif

namespace faultline::explore {

using nlohmann::json;

json draw_schedule(const json& templates, int max_faults, std::uint64_t seed, std::size_t index) {
  experiments::RngChooser chooser(sim::make_stream(seed, fmt::format("explore/{}", index)));
  // The count first, then each fault's template and values in turn: a schedule's draws depend
  // only on its own stream.
  const auto count = chooser.rng().next_below(static_cast<std::uint64_t>(max_faults) + 1);
  json faults = json::array();
  for (std::uint64_t k = 0; k < count; ++k) {
    const json& t = templates.at(chooser.pick(templates.size()));
    faults.push_back(experiments::instantiate_fault(t, chooser));
  }
  return faults;
}

std::optional<ExplorePlan> make_plan(const json& document, std::uint64_t seed,
                                     const std::string& file,
                                     std::vector<experiments::Diagnostic>* problems) {
  const json& explore = document.at("explore");
  ExplorePlan plan;
  plan.name = document.value("name", "");
  plan.file = file;
  plan.document = document;
  plan.seed = seed;
  plan.seeds = explore.value("seeds", 1);
  plan.max_faults = explore.at("max_faults").get<int>();
  if (const auto f = document.find("faults"); f != document.end() && f->is_array())
    plan.file_faults = f->size();
  if (const auto o = explore.find("objective"); o != explore.end()) {
    std::string error;
    plan.objective =
        batch::parse_objective(o->get<std::string>(), batch::breaker_names(document), &error);
    if (!plan.objective) {
      problems->push_back({file, "/explore/objective", 0, 0, error});
      return std::nullopt;
    }
  }
  const auto runs = explore.at("runs").get<std::size_t>();
  if (plan.objective) {
    const json search = explore.value("search", json::object());
    plan.search_runs = search.value("runs", runs);
    plan.restarts = search.value("restarts", 2);
    plan.neighbors = search.value("neighbors", 8);
  }
  plan.schedules.reserve(runs);
  for (std::size_t i = 0; i < runs; ++i)
    plan.schedules.push_back({i, draw_schedule(explore.at("faults"), plan.max_faults, seed, i)});
  plan.hash = fmt::format(
      "{:016x}", sim::fnv1a64(fmt::format("{}|{}|{}", document.dump(), seed, FAULTLINE_VERSION)));
  return plan;
}

std::vector<RunRef> all_runs(const ExplorePlan& plan) { return shard_runs(plan, {0, 1}); }

std::vector<RunRef> shard_runs(const ExplorePlan& plan, const batch::Shard& shard) {
  std::vector<RunRef> runs;
  const auto seeds = static_cast<std::size_t>(plan.seeds);
  for (const std::size_t k : batch::shard_indices(plan.run_count(), shard))
    runs.push_back({k / seeds, static_cast<int>(k % seeds), k});
  return runs;
}

std::string schedule_id(std::size_t schedule) { return fmt::format("s{:04}", schedule); }

std::string search_id(std::size_t step) { return fmt::format("a{:04}", step); }

std::string run_id(const ExplorePlan& plan, const RunRef& run) {
  return fmt::format("{}-r{}", schedule_id(run.schedule), run.replication);
}

std::uint64_t replication_seed(const ExplorePlan& plan, int replication) {
  return plan.seed + static_cast<std::uint64_t>(replication);
}

json document_with_faults(const ExplorePlan& plan, const json& added, std::uint64_t seed) {
  json doc = plan.document;
  doc.erase("explore");
  json& faults = doc["faults"];
  if (!faults.is_array()) faults = json::array();
  for (const json& f : added) faults.push_back(f);
  doc["seed"] = seed;
  return doc;
}

json schedule_document(const ExplorePlan& plan, std::size_t schedule, std::uint64_t seed) {
  return document_with_faults(plan, plan.schedules.at(schedule).faults, seed);
}

json run_document(const ExplorePlan& plan, const RunRef& run) {
  return schedule_document(plan, run.schedule, replication_seed(plan, run.replication));
}

}  // namespace faultline::explore

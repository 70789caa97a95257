// The `explore` block (docs/explore.md), checked for shape and kept as written: the explore
// planner reads it. Each template's values are checked here only as templates (a choice list,
// a [min, max] range); whether every kind, target and range end makes a valid fault is checked
// by the loader in the whole document (validate_explore_corners).
#include <fmt/format.h>

#include "experiments/fault_template.h"
#include "experiments/sections.h"

namespace faultline::experiments {

using nlohmann::json;

namespace {

// `kind` or `target`: one string, or a non-empty list of strings to pick from.
void check_choices(const Fields& f, std::string_view key, bool is_kind) {
  ReadContext& ctx = f.context();
  const json* v = f.get(key, Need::kRequired);
  if (v == nullptr) return;
  const std::string pointer = f.pointer(key);
  auto check_one = [&](const json& item, const std::string& at) {
    const auto s = check_string(ctx, item, at, kMaxNameBytes * 10);
    if (!s || !is_kind) return;
    const auto& kinds = words(Vocabulary::kFaultKind);
    if (std::find(kinds.begin(), kinds.end(), *s) == kinds.end()) {
      ctx.error(
          at, fmt::format("unknown fault kind {} (known: {})", quote(*s), fmt::join(kinds, ", ")));
    }
  };
  if (v->is_array()) {
    if (v->empty() || v->size() > kMaxItems) {
      ctx.error(pointer, fmt::format("expected 1 to {} values to pick from", kMaxItems));
      return;
    }
    for (std::size_t i = 0; i < v->size(); ++i) check_one((*v)[i], pointer_append(pointer, i));
  } else {
    check_one(*v, pointer);
  }
}

// A number, or [min, max] with min <= max (add_ms may also be a distribution object).
void check_value(const Fields& f, std::string_view key, const json& v) {
  ReadContext& ctx = f.context();
  const std::string pointer = f.pointer(key);
  if (v.is_number()) return;
  if (key == "add_ms" && v.is_object()) return;  // a distribution, checked in full later
  if (key != "status" && v.is_array()) {
    if (!is_range(v)) {
      ctx.error(pointer, fmt::format("a range is [min, max], two numbers; got {}", describe(v)));
    } else if (v[0].get<double>() > v[1].get<double>()) {
      ctx.error(pointer, fmt::format("the range's min ({}) is above its max ({})", v[0].dump(),
                                     v[1].dump()));
    }
    return;
  }
  ctx.error(pointer, fmt::format("expected {}, got {}",
                                 key == "status" ? "one status" : "a number or a [min, max] range",
                                 describe(v)));
}

}  // namespace

void read_explore(const Fields& root, Experiment& e) {
  ReadContext& ctx = root.context();
  const json* explore = root.get("explore", Need::kOptional);
  if (explore == nullptr) return;
  if (root.has("sweep")) {
    ctx.error(root.pointer("explore"),
              "a file has a sweep block or an explore block, not both (explore runs the file's "
              "settings; sweep varies them)");
  }
  const Fields f(ctx, *explore, root.pointer("explore"), Keys::kExplore);
  if (!f.is_object()) return;
  if (const json* faults = f.array("faults", Need::kRequired, kMaxExploreTemplates)) {
    if (faults->empty()) ctx.error(f.pointer("faults"), "needs at least one fault template");
    for (std::size_t i = 0; i < faults->size(); ++i) {
      const Fields t(ctx, (*faults)[i], pointer_append(f.pointer("faults"), i),
                     Keys::kExploreFault);
      if (!t.is_object()) continue;
      check_choices(t, "kind", true);
      check_choices(t, "target", false);
      for (const auto& [key, value] : (*faults)[i].items()) {
        if (key == "kind" || key == "target") continue;
        const auto& keys = key_set(Keys::kExploreFault).keys;
        if (std::find(keys.begin(), keys.end(), key) == keys.end()) continue;  // reported
        check_value(t, key, value);
      }
    }
  }
  f.integer("max_faults", 1, kMaxExploreFaults, Need::kRequired);
  const auto runs = f.integer("runs", 1, kMaxExploreRuns, Need::kRequired);
  const auto seeds = f.integer("seeds", 1, kMaxSweepSeeds);
  if (runs && seeds && *runs * *seeds > kMaxExploreRuns) {
    ctx.error(f.pointer("seeds"), fmt::format("runs times seeds is {}; the limit is {}",
                                              *runs * *seeds, kMaxExploreRuns));
  }
  if (auto o = f.string("objective", Need::kOptional, 1024); o && o->empty()) {
    ctx.error(f.pointer("objective"), "must not be empty");
  }
  // The adversarial search's budget (explore/explore_search.h): it climbs the objective, so it
  // needs one.
  if (const json* search = f.object("search", Need::kOptional)) {
    if (!f.has("objective")) {
      ctx.error(f.pointer("search"),
                "needs an \"objective\" to search for (e.g. \"minimize availability\")");
    }
    const Fields s(ctx, *search, f.pointer("search"), Keys::kExploreSearch);
    const auto search_runs = s.integer("runs", 0, kMaxExploreRuns);
    s.integer("restarts", 1, kMaxExploreRestarts);
    s.integer("neighbors", 1, kMaxExploreNeighbors);
    if (search_runs && seeds && *search_runs * *seeds > kMaxExploreRuns) {
      ctx.error(s.pointer("runs"), fmt::format("runs times seeds is {}; the limit is {}",
                                               *search_runs * *seeds, kMaxExploreRuns));
    }
  }
  e.explore = *explore;
}

}  // namespace faultline::experiments

// The `sweep` block (contract section 3), checked for shape and kept as written: the sweep
// engine reads it. Its parameter paths are --set paths: any the schema accepts, written in
// the file or not.
#include <fmt/format.h>

#include "experiments/overrides.h"
#include "experiments/sections.h"

namespace faultline::experiments {

using nlohmann::json;

void read_sweep(const Fields& root, const json& doc, Experiment& e) {
  ReadContext& ctx = root.context();
  const json* sweep = root.get("sweep", Need::kOptional);
  if (sweep == nullptr) return;
  const Fields f(ctx, *sweep, root.pointer("sweep"), Keys::kSweep);
  if (!f.is_object()) return;
  if (const json* parameters = f.object("parameters", Need::kRequired)) {
    if (parameters->empty()) ctx.error(f.pointer("parameters"), "needs at least one parameter");
    for (const auto& [path, values] : parameters->items()) {
      const std::string pointer = pointer_append(f.pointer("parameters"), path);
      const ResolvedPath resolved = resolve_path(doc, path);
      if (resolved.error) {
        ctx.error(pointer, fmt::format("not a path of an experiment file: {}", resolved.error->message));
      } else if (resolved.pointer == "/sweep" || resolved.pointer.rfind("/sweep/", 0) == 0) {
        ctx.error(pointer, "a sweep cannot vary its own settings");
      }
      if (!values.is_array() || values.empty() || values.size() > kMaxSweepValues) {
        ctx.error(pointer,
                  fmt::format("expected an array of 1 to {} values to try, got {}", kMaxSweepValues,
                              values.is_array() ? fmt::format("{} values", values.size())
                                                : describe(values)));
      }
    }
  }
  f.integer("seeds", 1, kMaxSweepSeeds);
  if (auto o = f.string("objective", Need::kOptional, 1024); o && o->empty()) {
    ctx.error(f.pointer("objective"), "must not be empty");
  }
  if (const json* constraints = f.array("constraints", Need::kOptional, 1000)) {
    for (std::size_t i = 0; i < constraints->size(); ++i) {
      check_string(ctx, (*constraints)[i], pointer_append(f.pointer("constraints"), i), 1024);
    }
  }
  // Bounded like the runs a sweep may plan: the plan draws its samples before it counts them.
  f.integer("samples", 1, kMaxSweepSamples);
  e.sweep = *sweep;
}

}  // namespace faultline::experiments

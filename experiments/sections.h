// The validator, section by section: each function reads one part of an experiment document
// into the Experiment, reporting every problem through the Fields' context. The loader calls
// them in this order, since later sections refer to names read by earlier ones.
//
//   Fields root(ctx, doc, "", Keys::kExperiment);
//   read_dependencies(root, e);  ...  read_expect(root, e);
//
// Internal to the loader; single-threaded.
#pragma once

#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "experiments/experiment_config.h"
#include "experiments/field_reader.h"

namespace faultline::experiments {

void read_api(const Fields& root, Experiment& e);
void read_dependencies(const Fields& root, Experiment& e);
// Returns the names of the breakers whose `type` the file writes.
std::set<std::string> read_resilience(const Fields& root, Experiment& e);
// Also gives each breaker without a written type the type of the first dependency called
// through it.
void read_endpoints(const Fields& root, const std::set<std::string>& typed_breakers, Experiment& e);
// Sets e.duration when the file does not write duration_s (preset, else the stages' total).
void read_load(const Fields& root, bool duration_written, Experiment& e);
void read_faults(const Fields& root, Experiment& e);
void read_env(const Fields& root, Experiment& e);
void read_slo(const Fields& root, Experiment& e);
void read_alerts(const Fields& root, Experiment& e);
void read_expect(const Fields& root, Experiment& e);
void read_report(const Fields& root, Experiment& e);
// prometheus_rules: rule file paths, resolved against the experiment file's folder.
void read_prometheus_rules(const Fields& root, Experiment& e);
void read_live(const Fields& root, Experiment& e);
void read_sweep(const Fields& root, const nlohmann::json& doc, Experiment& e);
// The explore block's shape (its templates' corners are validated by the loader, in full
// documents).
void read_explore(const Fields& root, Experiment& e);

// Calls fn(name, value, pointer) for each entry of the name map at `key` whose name is a valid
// component name (`what` names the component in messages).
template <typename Fn>
void for_each_named(const Fields& parent, std::string_view key, std::string_view what, Fn fn) {
  const nlohmann::json* map = parent.object(key);
  if (map == nullptr) return;
  for (const auto& [name, value] : map->items()) {
    const std::string pointer = pointer_append(parent.pointer(key), name);
    if (check_component_name(parent.context(), name, pointer, what)) fn(name, value, pointer);
  }
}

// Reports `name` unless it is in `known`: `unknown dependency "opena" (known: openai, postgres)`.
bool check_reference(ReadContext& ctx, const std::string& pointer, std::string_view what,
                     const std::string& name, const std::vector<std::string>& known,
                     std::string_view declared_in);

std::vector<std::string> dependency_names(const Experiment& e);
std::vector<std::string> breaker_names(const Experiment& e);

}  // namespace faultline::experiments

// Loads an experiment file: reads and parses it, applies the --set overrides, validates every
// section against the contract (../shared/spec/experiment-format.md, sections 2-4) and returns
// the typed Experiment, or every problem found, each located by JSON pointer or line:column.
//
//   LoadResult r = load_experiment_file("experiments/ai-outage.json", {"faults.0.start_s=30"});
//   if (!r.ok()) { std::cerr << format(r.diagnostics); return 2; }
//
// Never throws, whatever the input; inputs are bounded (experiments/limits.h). Thread-safe:
// no shared state (distinct calls may run on distinct threads).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "experiments/diagnostic.h"
#include "experiments/experiment_config.h"

namespace faultline::experiments {

struct LoadResult {
  std::optional<Experiment> experiment;  // set iff there is no diagnostic
  std::vector<Diagnostic> diagnostics;
  bool ok() const { return experiment.has_value() && diagnostics.empty(); }
};

// Reads `path` (at most kMaxFileBytes); diagnostics and Experiment::file name it as given.
LoadResult load_experiment_file(const std::string& path,
                                const std::vector<std::string>& set_overrides = {});
// `file_label` names the text in diagnostics; relative samples files resolve against its folder.
LoadResult load_experiment_text(std::string_view text, const std::string& file_label,
                                const std::vector<std::string>& set_overrides = {});
LoadResult load_experiment_json(const nlohmann::json& doc, const std::string& file_label,
                                const std::vector<std::string>& set_overrides = {});

}  // namespace faultline::experiments

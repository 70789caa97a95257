// Reads a distribution written in an experiment file (all values in ms) into a
// sim::Distribution: a plain number (a constant) or {"dist": kind, ...parameters}; the
// empirical kind may name a samples file, resolved against the experiment file's folder.
//
//   auto d = read_distribution(ctx, doc["api"]["overhead_ms"], "/api/overhead_ms");
//
// Single-threaded (uses the context's samples cache).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "experiments/field_reader.h"
#include "sim/distribution.h"

namespace faultline::experiments {

// Reports every problem at its pointer and returns nullopt if there was any.
std::optional<sim::Distribution> read_distribution(ReadContext& ctx, const nlohmann::json& value,
                                                   const std::string& pointer);

// Parses a samples file's text: one sample (ms) a line; blank lines and '#' comments skipped.
// On a bad line returns nullopt and sets `error` ("line 3: \"abc\" is not a number").
std::optional<std::vector<double>> parse_samples(std::string_view text, std::string* error);

}  // namespace faultline::experiments

// experiments/schema.json, compiled into the program: the JSON Schema of an experiment file.
// --set and sweep parameter paths are checked against it (experiments/schema_cursor.h), so
// every path the schema accepts can be set, whether the file writes it or not.
//
//   const nlohmann::json& s = experiment_schema();   // s["$defs"]["circuit_breaker"] ...
//
// The text is the file as it was at build time (CMake regenerates it when schema.json
// changes). Parsed once, on first use; thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

namespace faultline::experiments {

// The text of experiments/schema.json.
std::string_view experiment_schema_text();
// That text parsed. Never throws: schema_test checks it parses.
const nlohmann::json& experiment_schema();

}  // namespace faultline::experiments

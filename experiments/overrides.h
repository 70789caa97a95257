// `--set PATH=VALUE`: changes one value of an experiment document before validation (contract
// section 1); the sweep engine applies its parameters the same way.
//
//   apply_override(doc, "resilience.circuit_breakers.content-generation.failure_threshold=3");
//   apply_override(doc, "faults.0.start_s", 30);   // array elements by index
//
// PATH is dotted; a segment in double quotes is taken literally (`sweep.parameters."a.b"`),
// with \" and \\ inside. Names of dependencies, breakers etc. cannot contain dots, so quoting
// is only needed for keys such as sweep parameters. VALUE is JSON when it parses as JSON
// (3, true, {"dist":"constant","value":5}), else a string. The path must exist.
// Pure functions of their arguments; thread-safe on distinct documents. Never throw.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "experiments/diagnostic.h"

namespace faultline::experiments {

// Splits "PATH=VALUE" at the first '=' outside quotes and applies it. The Diagnostic has no
// file (the caller knows it); its pointer locates the part of the path that does not exist.
std::optional<Diagnostic> apply_override(nlohmann::json& doc, std::string_view path_equals_value);
// Sets the existing value at dotted `path` to `value`.
std::optional<Diagnostic> apply_override(nlohmann::json& doc, std::string_view path,
                                         const nlohmann::json& value);

// The JSON pointer of the existing value at dotted `path`, or a Diagnostic saying which
// segment does not exist (with the keys that do, or the array's size); its message does not
// repeat the path, so callers can say where the path came from.
struct ResolvedPath {
  std::string pointer;
  std::optional<Diagnostic> error;
};
ResolvedPath resolve_path(const nlohmann::json& doc, std::string_view path);

// The segments of a dotted path, quotes removed; nullopt (and `error` set) when malformed.
std::optional<std::vector<std::string>> split_path(std::string_view path, std::string* error);

// VALUE as JSON when it parses as a JSON document, else as a string.
nlohmann::json parse_override_value(std::string_view text);

}  // namespace faultline::experiments

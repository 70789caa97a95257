// `--set PATH=VALUE`: changes one value of an experiment document before validation (contract
// section 1); the sweep engine applies its parameters the same way.
//
//   apply_override(doc, "resilience.circuit_breakers.content-generation.failure_threshold=3");
//   apply_override(doc, "faults.0.start_s", 30);   // array elements by index
//
// PATH is dotted; a segment in double quotes is taken literally (`sweep.parameters."a.b"`),
// with \" and \\ inside. Names of dependencies, breakers etc. cannot contain dots, so quoting
// is only needed for keys such as sweep parameters. VALUE is JSON when it parses as JSON
// (3, true, {"dist":"constant","value":5}), else a string; where the schema allows only a
// string (a name, load.preset), it is the text. The path must be one experiments/schema.json
// accepts; the file need not write it: the objects on the way are added (`--set duration_s=60`
// on a file that takes its duration from a preset). Array elements are never added: an index
// must be inside an array the file writes.
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
// file (the caller knows it); its pointer locates the part of the path that cannot be.
std::optional<Diagnostic> apply_override(nlohmann::json& doc, std::string_view path_equals_value);
// Sets the value at dotted `path` to `value` (as it is: no string typing).
std::optional<Diagnostic> apply_override(nlohmann::json& doc, std::string_view path,
                                         const nlohmann::json& value);

// Where dotted `path` leads in `doc`, or a Diagnostic saying which segment cannot be there:
// a key the schema does not know (with the nearest one, or the keys it knows), an index
// outside an array of the file (with its size), a step into a scalar. Its message does not
// repeat the path, so callers can say where the path came from.
struct ResolvedPath {
  std::string pointer;        // of the value, or of where it will be once set
  std::string absent;         // the first object on the way the file lacks ("": the value exists)
  unsigned types = 0;         // SchemaTypes the schema allows there (experiments/schema_cursor.h)
  std::optional<Diagnostic> error;
};
ResolvedPath resolve_path(const nlohmann::json& doc, std::string_view path);
// Undoes one apply_override of a path resolved before it: puts `previous` back, or removes
// what it added (the key at `absent`).
void remove_set_value(nlohmann::json& doc, const ResolvedPath& resolved,
                      const nlohmann::json& previous);

// The segments of a dotted path, quotes removed; nullopt (and `error` set) when malformed.
std::optional<std::vector<std::string>> split_path(std::string_view path, std::string* error);

// VALUE as JSON when it parses as a JSON document, else as a string.
nlohmann::json parse_override_value(std::string_view text);
// The same, for a place that allows `types` (SchemaTypes): the text itself where only a string
// may go, unless it is a JSON string ("\"quoted\"").
nlohmann::json parse_override_value(std::string_view text, unsigned types);

}  // namespace faultline::experiments

// Reads experiment text into a JSON document, defensively: bounded size and nesting, UTF-8
// checked (a UTF-8 byte-order mark is skipped), duplicate keys refused, and every syntax error
// located by line:column. Also reads whole files with a size bound.
//
//   JsonText parsed = parse_json_text(text, "x.json");
//   if (!parsed.doc) print(parsed.diagnostics);   // e.g. "x.json:12:7: syntax error: ..."
//
// Pure functions (file reads aside); thread-safe. Never throws.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "experiments/diagnostic.h"

namespace faultline::experiments {

struct JsonText {
  std::optional<nlohmann::json> doc;  // set iff `diagnostics` is empty
  std::vector<Diagnostic> diagnostics;
};

// Parses `text`; diagnostics name `file_label`. Refuses more than kMaxFileBytes, nesting
// deeper than kMaxDepth, bytes that are not UTF-8 (and UTF-16/32 files) and duplicate keys.
JsonText parse_json_text(std::string_view text, const std::string& file_label);

// The 1-based line and column (in characters) of byte `offset` of `text`.
struct TextPosition {
  int line = 1;
  int column = 1;
};
TextPosition text_position(std::string_view text, std::size_t offset);

// The offset of the first byte of `text` that is not part of a well-formed UTF-8 sequence
// (overlong forms, surrogates and code points above U+10FFFF included), or nullopt.
std::optional<std::size_t> find_invalid_utf8(std::string_view text);

// Reads the whole file into `out`. On failure returns a sentence naming the cause
// ("cannot open: No such file or directory", "larger than 16 MiB", ...).
std::optional<std::string> read_file(const std::string& path, std::size_t max_bytes,
                                     std::string& out);

}  // namespace faultline::experiments

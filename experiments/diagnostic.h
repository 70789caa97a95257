// Diagnostic: one problem found in an experiment file (or a --set argument), located by its
// JSON pointer (RFC 6901) or, for text-level problems, by line and column.
//
//   format({"x.json", "/faults/0/kind", 0, 0, "unknown fault kind \"oops\""})
//     == "x.json: /faults/0/kind: unknown fault kind \"oops\""
//   format({"x.json", "", 12, 7, "syntax error: ..."}) == "x.json:12:7: syntax error: ..."
//
// Plain data and pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace faultline::experiments {

struct Diagnostic {
  std::string file;     // as given by the caller (a path or a label such as "<stdin>")
  std::string pointer;  // RFC 6901; "" is the whole document
  int line = 0;         // 1-based; 0 when the pointer locates the problem
  int column = 0;       // 1-based, in characters; 0 when unknown
  std::string message;
};

// "file:line:column: message" when a line is known, else "file: pointer: message" (the
// pointer part is left out for the whole document, the file part when `file` is empty).
std::string format(const Diagnostic& diagnostic);
// One formatted diagnostic a line.
std::string format(const std::vector<Diagnostic>& diagnostics);

// `base` extended by one reference token, escaped per RFC 6901 ("~" -> "~0", "/" -> "~1").
std::string pointer_append(std::string_view base, std::string_view token);
std::string pointer_append(std::string_view base, std::size_t index);

// A value as it should appear in a message: JSON text (strings quoted and escaped), cut to
// about `max_chars`. Never throws, whatever the bytes.
// Containers are described ("an array of 3 items"), not dumped.
std::string quote_value(const nlohmann::json& value, std::size_t max_chars = 60);
std::string quote(std::string_view text, std::size_t max_chars = 60);
// A file's path as it should appear in a message: quoted like quote(), but whole up to 4096
// bytes (Linux's PATH_MAX). A path cut at 60 characters loses its end, the file's name, which
// is the part the user needs (and a checkout in a deep folder made every such message useless).
std::string quote_path(std::string_view path);

}  // namespace faultline::experiments

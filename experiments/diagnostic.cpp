#include "experiments/diagnostic.h"

#include <fmt/format.h>

namespace faultline::experiments {

std::string format(const Diagnostic& d) {
  std::string out = d.file;
  if (d.line > 0) {
    out += fmt::format(":{}", d.line);
    if (d.column > 0) out += fmt::format(":{}", d.column);
    out += ": ";
  } else {
    if (!out.empty()) out += ": ";
    if (!d.pointer.empty()) out += d.pointer + ": ";
  }
  return out + d.message;
}

std::string format(const std::vector<Diagnostic>& diagnostics) {
  std::string out;
  for (const Diagnostic& d : diagnostics) out += format(d) + "\n";
  return out;
}

std::string pointer_append(std::string_view base, std::string_view token) {
  std::string out(base);
  out += '/';
  for (char c : token) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

std::string pointer_append(std::string_view base, std::size_t index) {
  return std::string(base) + "/" + std::to_string(index);
}

namespace {

// Cuts JSON text after about `max_chars` bytes without splitting a UTF-8 sequence.
std::string shorten(std::string text, std::size_t max_chars) {
  if (text.size() <= max_chars) return text;
  std::size_t cut = max_chars;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  text.resize(cut);
  return text + "...";
}

}  // namespace

std::string quote_value(const nlohmann::json& value, std::size_t max_chars) {
  // Containers are described rather than dumped, and strings cut before they are escaped:
  // a message must cost little whatever the size of the value.
  if (value.is_array()) return fmt::format("an array of {} items", value.size());
  if (value.is_object()) return fmt::format("an object with {} keys", value.size());
  if (value.is_string()) {
    const auto& s = value.get_ref<const std::string&>();
    if (s.size() > max_chars)
      return shorten(nlohmann::json(s.substr(0, max_chars + 8))
                         .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                     max_chars);
  }
  // `replace` keeps dump() from throwing on strings that are not UTF-8 (a --set value).
  return shorten(value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), max_chars);
}

std::string quote(std::string_view text, std::size_t max_chars) {
  return quote_value(nlohmann::json(std::string(text.substr(0, max_chars + 8))), max_chars);
}

std::string quote_path(std::string_view path) { return quote(path, 4096); }

}  // namespace faultline::experiments

#include "experiments/overrides.h"

#include <fmt/format.h>

#include "experiments/json_reader.h"
#include "experiments/limits.h"
#include "experiments/suggest.h"

namespace faultline::experiments {

using nlohmann::json;

std::optional<std::vector<std::string>> split_path(std::string_view path, std::string* error) {
  std::vector<std::string> segments;
  std::string current;
  bool quoted = false;      // inside "..."
  bool was_quoted = false;  // the current segment was quoted (so it may be empty)
  for (std::size_t i = 0; i < path.size(); ++i) {
    const char c = path[i];
    if (quoted) {
      if (c == '\\' && i + 1 < path.size() && (path[i + 1] == '"' || path[i + 1] == '\\')) {
        current += path[++i];
      } else if (c == '"') {
        quoted = false;
      } else {
        current += c;
      }
    } else if (c == '"' && current.empty() && !was_quoted) {
      quoted = was_quoted = true;
    } else if (c == '.') {
      if (current.empty() && !was_quoted) {
        if (error) *error = fmt::format("empty segment at character {}", i + 1);
        return std::nullopt;
      }
      segments.push_back(std::move(current));
      current.clear();
      was_quoted = false;
    } else if (was_quoted) {
      if (error)
        *error = fmt::format("'.' expected after the closing quote at character {}", i + 1);
      return std::nullopt;
    } else {
      current += c;
    }
  }
  if (quoted) {
    if (error) *error = "unterminated quote";
    return std::nullopt;
  }
  if (current.empty() && !was_quoted) {
    if (error) *error = path.empty() ? "empty path" : "empty last segment";
    return std::nullopt;
  }
  segments.push_back(std::move(current));
  if (segments.size() > static_cast<std::size_t>(kMaxDepth)) {
    if (error) *error = fmt::format("more than {} segments", kMaxDepth);
    return std::nullopt;
  }
  return segments;
}

namespace {

std::optional<std::size_t> parse_index(const std::string& s) {
  if (s.empty() || s.size() > 9 || (s.size() > 1 && s[0] == '0')) return std::nullopt;
  std::size_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<std::size_t>(c - '0');
  }
  return v;
}

std::string where(const std::string& pointer) { return pointer.empty() ? "the document" : pointer; }

// Walks `segments`; returns the value found, or sets `error` (pointer and message).
const json* walk(const json& doc, const std::vector<std::string>& segments, std::string& pointer,
                 Diagnostic& error) {
  const json* cur = &doc;
  for (const std::string& seg : segments) {
    if (cur->is_object()) {
      const auto it = cur->find(seg);
      if (it == cur->end()) {
        std::vector<std::string> keys;
        for (const auto& [k, v] : cur->items()) keys.push_back(k);
        std::string msg = fmt::format("no key {} in {}", quote(seg), where(pointer));
        if (const auto near = closest(seg, keys)) {
          msg += fmt::format("; did you mean {}?", quote(*near));
        } else if (!keys.empty()) {
          msg += fmt::format(" (keys there: {})", known_list(keys));
        }
        error = Diagnostic{"", pointer_append(pointer, seg), 0, 0, msg};
        return nullptr;
      }
      pointer = pointer_append(pointer, seg);
      cur = &*it;
    } else if (cur->is_array()) {
      const auto index = parse_index(seg);
      if (!index || *index >= cur->size()) {
        const std::string range =
            cur->empty() ? "it is empty" : fmt::format("indexes 0 to {}", cur->size() - 1);
        error = Diagnostic{"", pointer_append(pointer, seg), 0, 0,
                           fmt::format("{} is an array with {} items: {} is not an index ({})",
                                       where(pointer), cur->size(), quote(seg), range)};
        return nullptr;
      }
      pointer = pointer_append(pointer, *index);
      cur = &(*cur)[*index];
    } else {
      error = Diagnostic{"", pointer, 0, 0,
                         fmt::format("{} is a {}, not an object or array: nothing to find {} in",
                                     where(pointer), cur->type_name(), quote(seg))};
      return nullptr;
    }
  }
  return cur;
}

}  // namespace

ResolvedPath resolve_path(const json& doc, std::string_view path) {
  ResolvedPath out;
  std::string split_error;
  const auto segments = split_path(path, &split_error);
  if (!segments) {
    out.error = Diagnostic{"", "", 0, 0, "malformed path: " + split_error};
    return out;
  }
  Diagnostic error;
  std::string pointer;
  if (walk(doc, *segments, pointer, error) == nullptr) {
    out.error = std::move(error);
    return out;
  }
  out.pointer = std::move(pointer);
  return out;
}

json parse_override_value(std::string_view text) {
  JsonText parsed = parse_json_text(text, "");
  if (parsed.doc) return std::move(*parsed.doc);
  return json(std::string(text));
}

namespace {

std::optional<Diagnostic> set_at(json& doc, std::string_view path, const json& value) {
  ResolvedPath resolved = resolve_path(doc, path);
  if (resolved.error) return resolved.error;
  // The pointer was built from existing keys and indexes, so this cannot throw.
  doc[json::json_pointer(resolved.pointer)] = value;
  return std::nullopt;
}

}  // namespace

std::optional<Diagnostic> apply_override(json& doc, std::string_view path, const json& value) {
  std::optional<Diagnostic> d = set_at(doc, path, value);
  if (d) d->message = fmt::format("path {}: {}", quote(path), d->message);
  return d;
}

std::optional<Diagnostic> apply_override(json& doc, std::string_view path_equals_value) {
  const std::string shown = quote(path_equals_value, 200);
  if (path_equals_value.size() > kMaxOverrideBytes) {
    return Diagnostic{"", "", 0, 0,
                      fmt::format("--set {}: longer than {} bytes", shown, kMaxOverrideBytes)};
  }
  if (find_invalid_utf8(path_equals_value)) {
    return Diagnostic{"", "", 0, 0, fmt::format("--set {}: not valid UTF-8", shown)};
  }
  bool quoted = false;
  std::size_t eq = std::string_view::npos;
  for (std::size_t i = 0; i < path_equals_value.size(); ++i) {
    const char c = path_equals_value[i];
    if (quoted && c == '\\') {
      ++i;
    } else if (c == '"') {
      quoted = !quoted;
    } else if (c == '=' && !quoted) {
      eq = i;
      break;
    }
  }
  if (eq == std::string_view::npos) {
    return Diagnostic{"", "", 0, 0, fmt::format("--set {}: expected PATH=VALUE", shown)};
  }
  const std::string_view path = path_equals_value.substr(0, eq);
  const json value = parse_override_value(path_equals_value.substr(eq + 1));
  std::optional<Diagnostic> d = set_at(doc, path, value);
  if (d) d->message = fmt::format("--set {}: {}", shown, d->message);
  return d;
}

}  // namespace faultline::experiments

#include "experiments/overrides.h"

#include <algorithm>

#include <fmt/format.h>

#include "experiments/experiment_schema.h"
#include "experiments/json_reader.h"
#include "experiments/limits.h"
#include "experiments/schema_cursor.h"
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

// "a number", "a string or a number": what the schema lets a value be, for messages.
std::string types_text(unsigned types) {
  std::vector<std::string> names;
  if (types & kObject) names.push_back("an object");
  if (types & kArray) names.push_back("an array");
  if (types & kString) names.push_back("a string");
  if (types & kNumber) {
    names.push_back("a number");
  } else if (types & kInteger) {
    names.push_back("a whole number");
  }
  if (types & kBoolean) names.push_back("a boolean");
  if (types & kNull) names.push_back("null");
  if (names.empty()) return "nothing";
  std::string out = names[0];
  for (std::size_t i = 1; i < names.size(); ++i)
    out += (i + 1 == names.size() ? " or " : ", ") + names[i];
  return out;
}

// The document and the schema walked side by side: the document says whether each step
// exists (and the size of its arrays), the schema whether it may. `out.pointer` ends where
// the value is or would be; `out.absent` is the first key the document does not hold.
void walk(const json& doc, const std::vector<std::string>& segments, ResolvedPath& out) {
  const json* cur = &doc;  // nullptr once a step is absent from the document
  SchemaCursor schema(experiment_schema());
  std::string& pointer = out.pointer;
  auto fail = [&](std::string at, std::string message) {
    out.error = Diagnostic{"", std::move(at), 0, 0, std::move(message)};
  };
  for (const std::string& seg : segments) {
    const std::string next = pointer_append(pointer, seg);
    std::optional<std::size_t> index;
    if (cur != nullptr && cur->is_array()) {
      index = parse_index(seg);
      if (!index || *index >= cur->size()) {
        const std::string range =
            cur->empty() ? "it is empty" : fmt::format("indexes 0 to {}", cur->size() - 1);
        return fail(next, fmt::format("{} is an array with {} items: {} is not an index ({})",
                                      where(pointer), cur->size(), quote(seg), range));
      }
    } else if (cur != nullptr && !cur->is_object()) {
      return fail(pointer,
                  fmt::format("{} is a {}, not an object or array: nothing to find {} in",
                              where(pointer), cur->type_name(), quote(seg)));
    } else if (cur == nullptr && !(schema.types() & kObject) && (schema.types() & kArray)) {
      // Only objects are created on the way: an array the file does not write is empty.
      return fail(next, fmt::format("{} is not in the file, so it is an array with 0 items: {} "
                                    "is not an index (set the whole array, as JSON)",
                                    pointer, quote(seg)));
    }
    const std::vector<std::string> keys = schema.keys();
    const unsigned types = schema.types();
    if (!schema.step(seg)) {
      if (!(types & (kObject | kArray))) {
        return fail(pointer, fmt::format("{} holds {}, not an object or array: nothing to find "
                                         "{} in",
                                         where(pointer), types_text(types), quote(seg)));
      }
      std::string msg = fmt::format("no key {} in {}", quote(seg), where(pointer));
      if (const auto near = closest(seg, keys)) {
        msg += fmt::format("; did you mean {}?", quote(*near));
      } else if (!keys.empty()) {
        msg += fmt::format(" (keys there: {})", known_list(keys));
      }
      return fail(next, msg);
    }
    // A name the user chooses (a breaker, a dependency, a bulkhead) cannot be told from a typo
    // of one: --set adds only keys the schema names, and a chosen name must be in the file.
    const bool in_file = cur != nullptr && !index && cur->contains(seg);
    if (!index && !in_file && std::find(keys.begin(), keys.end(), seg) == keys.end()) {
      std::vector<std::string> names;
      if (cur != nullptr)
        for (const auto& item : cur->items()) names.push_back(item.key());
      std::string msg = fmt::format("no {} in {}: names chosen in the file must be written "
                                    "there first (--set adds only keys the schema names)",
                                    quote(seg), where(pointer));
      if (const auto near = closest(seg, names)) {
        msg += fmt::format("; did you mean {}?", quote(*near));
      } else if (!names.empty()) {
        msg += fmt::format(" (names there: {})", known_list(names));
      }
      return fail(next, msg);
    }
    if (index) {
      pointer = pointer_append(pointer, *index);
      cur = &(*cur)[*index];
    } else {
      pointer = next;
      if (cur != nullptr) {
        const auto it = cur->find(seg);
        if (it == cur->end()) {
          out.absent = pointer;
          cur = nullptr;
        } else {
          cur = &*it;
        }
      }
    }
  }
  out.types = schema.types();
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
  walk(doc, *segments, out);
  if (out.error) out.pointer.clear();
  return out;
}

json parse_override_value(std::string_view text) {
  JsonText parsed = parse_json_text(text, "");
  if (parsed.doc) return std::move(*parsed.doc);
  return json(std::string(text));
}

json parse_override_value(std::string_view text, unsigned types) {
  json value = parse_override_value(text);
  // Where only a string may go (a name, a word of a vocabulary such as load.preset), the text
  // is the string: name=123 names the run "123", preset=null is the preset "null" (refused).
  if (types == kString && !value.is_string()) return json(std::string(text));
  return value;
}

void remove_set_value(json& doc, const ResolvedPath& resolved, const json& previous) {
  if (resolved.absent.empty()) {
    doc[json::json_pointer(resolved.pointer)] = previous;
    return;
  }
  const json::json_pointer added(resolved.absent);
  doc[added.parent_pointer()].erase(added.back());
}

namespace {

// Sets `value` at the resolved path, adding the objects on the way the document lacks.
void set_resolved(json& doc, const ResolvedPath& resolved, json value) {
  std::vector<std::string> tokens;  // leaf first
  for (json::json_pointer p(resolved.pointer); !p.empty(); p = p.parent_pointer())
    tokens.push_back(p.back());
  json* cur = &doc;
  for (auto it = tokens.rbegin(); it != tokens.rend(); ++it) {
    if (cur->is_array()) {  // resolve_path checked the index is in range
      cur = &(*cur)[static_cast<std::size_t>(std::stoul(*it))];
      continue;
    }
    // Absent on the way (resolve_path saw that the schema has an object here), or existing.
    if (cur->is_null()) *cur = json::object();
    cur = &(*cur)[*it];
  }
  *cur = std::move(value);
}

std::optional<Diagnostic> set_at(json& doc, std::string_view path, const json* value,
                                 std::string_view text) {
  ResolvedPath resolved = resolve_path(doc, path);
  if (resolved.error) return resolved.error;
  set_resolved(doc, resolved, value ? *value : parse_override_value(text, resolved.types));
  return std::nullopt;
}

}  // namespace

std::optional<Diagnostic> apply_override(json& doc, std::string_view path, const json& value) {
  std::optional<Diagnostic> d = set_at(doc, path, &value, {});
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
  std::optional<Diagnostic> d = set_at(doc, path, nullptr, path_equals_value.substr(eq + 1));
  if (d) d->message = fmt::format("--set {}: {}", shown, d->message);
  return d;
}

}  // namespace faultline::experiments

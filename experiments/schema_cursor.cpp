#include "experiments/schema_cursor.h"

#include <set>
#include <utility>

namespace faultline::experiments {

using nlohmann::json;

namespace {

// Deeper than any $ref chain of a sane schema; a cycle stops here (and allows nothing).
constexpr int kMaxRefDepth = 32;

bool parse_index(std::string_view s, std::size_t& out) {
  if (s.empty() || s.size() > 9 || (s.size() > 1 && s[0] == '0')) return false;
  out = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    out = out * 10 + static_cast<std::size_t>(c - '0');
  }
  return true;
}

unsigned type_named(const json& name) {
  if (!name.is_string()) return kNoType;
  const std::string& n = name.get_ref<const std::string&>();
  if (n == "null") return kNull;
  if (n == "boolean") return kBoolean;
  if (n == "integer") return kInteger;
  if (n == "number") return kNumber | kInteger;
  if (n == "string") return kString;
  if (n == "array") return kArray;
  if (n == "object") return kObject;
  return kNoType;
}

unsigned type_of(const json& v) {
  switch (v.type()) {
    case json::value_t::null: return kNull;
    case json::value_t::boolean: return kBoolean;
    case json::value_t::number_integer:
    case json::value_t::number_unsigned: return kInteger | kNumber;
    case json::value_t::number_float: return kNumber;
    case json::value_t::string: return kString;
    case json::value_t::array: return kArray;
    case json::value_t::object: return kObject;
    default: return kNoType;
  }
}

// The types `node` itself allows through "type", "const" and "enum".
unsigned local_types(const json& node) {
  unsigned t = kAnyType;
  if (const auto it = node.find("type"); it != node.end()) {
    unsigned named = kNoType;
    if (it->is_array()) {
      for (const json& n : *it) named |= type_named(n);
    } else {
      named = type_named(*it);
    }
    t &= named;
  }
  if (const auto it = node.find("const"); it != node.end()) t &= type_of(*it);
  if (const auto it = node.find("enum"); it != node.end() && it->is_array()) {
    unsigned listed = kNoType;
    for (const json& v : *it) listed |= type_of(v);
    t &= listed;
  }
  return t;
}

// A conjunction of schemas, simplified: `true` parts dropped, any `false` part wins.
json all_of(std::vector<json> parts) {
  std::vector<json> kept;
  for (json& p : parts) {
    if (p.is_boolean() && !p.get<bool>()) return false;
    if (!(p.is_boolean() && p.get<bool>())) kept.push_back(std::move(p));
  }
  if (kept.empty()) return true;
  if (kept.size() == 1) return std::move(kept.front());
  return json{{"allOf", std::move(kept)}};
}

// A disjunction, simplified: `false` branches dropped, any `true` branch wins.
json any_of(std::vector<json> branches) {
  std::vector<json> kept;
  for (json& b : branches) {
    if (b.is_boolean() && b.get<bool>()) return true;
    if (!b.is_boolean()) kept.push_back(std::move(b));
  }
  if (kept.empty()) return false;
  if (kept.size() == 1) return std::move(kept.front());
  return json{{"anyOf", std::move(kept)}};
}

class Walker {
 public:
  explicit Walker(const json& root) : root_(root) {}

  // The schema of child `segment` of a value matching `node`.
  json child(const json& node, std::string_view segment, int depth) const {
    if (node.is_boolean()) return node;
    if (!node.is_object() || depth > kMaxRefDepth) return false;
    std::vector<json> all;
    if (const json* target = ref_target(node)) all.push_back(child(*target, segment, depth + 1));
    all.push_back(local_child(node, segment));
    if (const auto it = node.find("allOf"); it != node.end() && it->is_array()) {
      for (const json& part : *it) all.push_back(child(part, segment, depth + 1));
    }
    for (const char* key : {"anyOf", "oneOf"}) {
      if (const auto it = node.find(key); it != node.end() && it->is_array()) {
        std::vector<json> branches;
        for (const json& b : *it) branches.push_back(child(b, segment, depth + 1));
        all.push_back(any_of(std::move(branches)));
      }
    }
    return all_of(std::move(all));
  }

  unsigned types(const json& node, int depth) const {
    if (node.is_boolean()) return node.get<bool>() ? kAnyType : kNoType;
    if (!node.is_object() || depth > kMaxRefDepth) return kNoType;
    unsigned t = local_types(node);
    if (const json* target = ref_target(node)) t &= types(*target, depth + 1);
    if (const auto it = node.find("allOf"); it != node.end() && it->is_array()) {
      for (const json& part : *it) t &= types(part, depth + 1);
    }
    for (const char* key : {"anyOf", "oneOf"}) {
      if (const auto it = node.find(key); it != node.end() && it->is_array()) {
        unsigned any = kNoType;
        for (const json& b : *it) any |= types(b, depth + 1);
        t &= any;
      }
    }
    return t;
  }

  void keys(const json& node, int depth, std::set<std::string>& out) const {
    if (!node.is_object() || depth > kMaxRefDepth) return;
    if (const auto it = node.find("properties"); it != node.end() && it->is_object()) {
      for (const auto& [k, v] : it->items()) out.insert(k);
    }
    if (const json* target = ref_target(node)) keys(*target, depth + 1, out);
    for (const char* key : {"allOf", "anyOf", "oneOf"}) {
      if (const auto it = node.find(key); it != node.end() && it->is_array()) {
        for (const json& part : *it) keys(part, depth + 1, out);
      }
    }
  }

 private:
  // The schema a local "$ref" ("#/$defs/x") names; nullptr when there is none.
  const json* ref_target(const json& node) const {
    const auto it = node.find("$ref");
    if (it == node.end() || !it->is_string()) return nullptr;
    const std::string& ref = it->get_ref<const std::string&>();
    if (ref.empty() || ref[0] != '#') return &kNothing;
    try {
      const json::json_pointer pointer(ref.substr(1));
      return root_.contains(pointer) ? &root_.at(pointer) : &kNothing;
    } catch (const json::exception&) {
      return &kNothing;  // a malformed pointer: a reference to nothing allows nothing
    }
  }

  // What `node`'s own keywords (properties, additionalProperties, items, prefixItems) say
  // of child `segment`. Object keywords apply to objects only and array keywords to arrays
  // only, as in JSON Schema; a node whose types allow neither has no children.
  static json local_child(const json& node, std::string_view segment) {
    const unsigned t = local_types(node);
    std::vector<json> options;
    if (t & kObject) {
      const auto props = node.find("properties");
      const auto additional = node.find("additionalProperties");
      if (props != node.end() && props->is_object() && props->contains(segment)) {
        options.push_back(props->at(std::string(segment)));
      } else if (additional != node.end()) {
        options.push_back(*additional);
      } else {
        options.push_back(true);
      }
    }
    std::size_t index = 0;
    if ((t & kArray) && parse_index(segment, index)) {
      const auto prefix = node.find("prefixItems");
      const auto items = node.find("items");
      if (prefix != node.end() && prefix->is_array() && index < prefix->size()) {
        options.push_back((*prefix)[index]);
      } else if (items != node.end()) {
        options.push_back(*items);
      } else {
        options.push_back(true);
      }
    }
    return any_of(std::move(options));
  }

  static inline const json kNothing = false;
  const json& root_;
};

}  // namespace

SchemaCursor::SchemaCursor(const json& root) : root_(&root), node_(root) {}

bool SchemaCursor::step(std::string_view segment) {
  json next = Walker(*root_).child(node_, segment, 0);
  if (next.is_boolean() && !next.get<bool>()) return false;
  node_ = std::move(next);
  return true;
}

unsigned SchemaCursor::types() const { return Walker(*root_).types(node_, 0); }

std::vector<std::string> SchemaCursor::keys() const {
  std::set<std::string> out;
  Walker(*root_).keys(node_, 0, out);
  return {out.begin(), out.end()};
}

}  // namespace faultline::experiments

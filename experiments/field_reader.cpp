#include "experiments/field_reader.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "experiments/suggest.h"

namespace faultline::experiments {

using nlohmann::json;

namespace {

// Enough to fix a file in one pass; a fuzzer's input must not produce millions of lines.
constexpr std::size_t kMaxDiagnostics = 500;

std::string limit_note(double max) {
  return (max == kMaxSeconds || max == kMaxMillis) ? " (30 days)" : "";
}

void type_error(ReadContext& ctx, const std::string& pointer, std::string_view expected,
                const json& v) {
  ctx.error(pointer, fmt::format("expected {}, got {}", expected, describe(v)));
}

}  // namespace

ReadContext::ReadContext(std::string file, std::filesystem::path base_dir)
    : file_(std::move(file)), base_dir_(std::move(base_dir)) {}

void ReadContext::error(std::string pointer, std::string message) {
  if (diagnostics_.size() < kMaxDiagnostics) {
    diagnostics_.push_back(Diagnostic{file_, std::move(pointer), 0, 0, std::move(message)});
  } else if (diagnostics_.size() == kMaxDiagnostics) {
    diagnostics_.push_back(
        Diagnostic{file_, "", 0, 0,
                   fmt::format("more than {} problems; the rest are not listed", kMaxDiagnostics)});
  }
}

std::string describe(const json& value) {
  switch (value.type()) {
    case json::value_t::object:
    case json::value_t::array:
      return quote_value(value);  // "an array of 3 items"
    case json::value_t::null:
      return "null";
    case json::value_t::string:
      return "a string (" + quote_value(value) + ")";
    case json::value_t::boolean:
      return quote_value(value);
    default:
      return "a number (" + quote_value(value) + ")";
  }
}

std::optional<double> check_number(ReadContext& ctx, const json& v, const std::string& pointer,
                                   const Range& r) {
  if (!v.is_number()) {
    type_error(ctx, pointer, "a number", v);
    return std::nullopt;
  }
  const double d = v.get<double>();
  if (!std::isfinite(d)) {
    ctx.error(pointer, "number is too large to represent");
    return std::nullopt;
  }
  const bool low = r.min_exclusive ? d <= r.min : d < r.min;
  if (low || d > r.max) {
    if (r.between) {
      ctx.error(pointer,
                fmt::format("must be between {} and {} (got {})", r.min, r.max, quote_value(v)));
    } else if (low) {
      ctx.error(pointer, fmt::format("must be {} {} (got {})", r.min_exclusive ? ">" : ">=", r.min,
                                     quote_value(v)));
    } else {
      ctx.error(pointer, fmt::format("must be at most {}{} (got {})", r.max, limit_note(r.max),
                                     quote_value(v)));
    }
    return std::nullopt;
  }
  return d;
}

std::optional<std::int64_t> check_integer(ReadContext& ctx, const json& v,
                                          const std::string& pointer, std::int64_t min,
                                          std::int64_t max) {
  if (!v.is_number()) {
    type_error(ctx, pointer, "a whole number", v);
    return std::nullopt;
  }
  auto out_of_range = [&] {
    ctx.error(pointer, fmt::format("must be between {} and {} (got {})", min, max, quote_value(v)));
    return std::nullopt;
  };
  if (v.is_number_unsigned()) {
    const auto u = v.get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(max)) return out_of_range();
    const auto i = static_cast<std::int64_t>(u);
    if (i < min) return out_of_range();
    return i;
  }
  if (v.is_number_integer()) {
    const auto i = v.get<std::int64_t>();
    if (i < min || i > max) return out_of_range();
    return i;
  }
  const double d = v.get<double>();
  if (!std::isfinite(d)) {
    ctx.error(pointer, "number is too large to represent");
    return std::nullopt;
  }
  if (d != std::floor(d)) {
    ctx.error(pointer, fmt::format("must be a whole number (got {})", quote_value(v)));
    return std::nullopt;
  }
  // Compared as doubles before the cast: a cast of an out-of-range double is undefined.
  if (d < static_cast<double>(min) || d > static_cast<double>(max)) return out_of_range();
  return static_cast<std::int64_t>(d);
}

std::optional<std::string> check_string(ReadContext& ctx, const json& v, const std::string& pointer,
                                        std::size_t max_bytes) {
  if (!v.is_string()) {
    type_error(ctx, pointer, "a string", v);
    return std::nullopt;
  }
  const auto& s = v.get_ref<const std::string&>();
  if (s.size() > max_bytes) {
    ctx.error(pointer, fmt::format("longer than {} bytes", max_bytes));
    return std::nullopt;
  }
  return s;
}

bool check_component_name(ReadContext& ctx, const std::string& name, const std::string& pointer,
                          std::string_view what) {
  auto lower_or_digit = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  bool ok = !name.empty() && name.size() <= kMaxNameBytes && lower_or_digit(name[0]);
  for (char c : name) ok = ok && (lower_or_digit(c) || c == '_' || c == '-');
  if (!ok) {
    ctx.error(pointer,
              fmt::format("{} name {} must match [a-z0-9][a-z0-9_-]* (lower case, digits, '_', "
                          "'-'; at most {} characters)",
                          what, quote(name), kMaxNameBytes));
  }
  return ok;
}

Duration from_millis(double ms) { return Duration(std::llround(ms * 1e6)); }
Duration from_seconds(double s) { return Duration(std::llround(s * 1e9)); }

Fields::Fields(ReadContext& ctx, const json& value, std::string pointer, Keys keys)
    : ctx_(ctx), pointer_(std::move(pointer)) {
  if (!value.is_object()) {
    type_error(ctx_, pointer_, "an object", value);
    return;
  }
  object_ = &value;
  const std::vector<std::string>& known = key_set(keys).keys;
  for (const auto& [key, v] : value.items()) {
    if (std::find(known.begin(), known.end(), key) != known.end()) continue;
    std::string msg = fmt::format("unknown key {}", quote(key));
    if (const auto near = closest(key, known)) {
      msg += fmt::format("; did you mean {}?", quote(*near));
    } else {
      msg += fmt::format(" (accepted here: {})", known_list(known, 20));
    }
    ctx_.error(pointer_append(pointer_, key), msg);
  }
}

const json* Fields::find(std::string_view key) const {
  if (object_ == nullptr) return nullptr;
  const auto it = object_->find(key);
  return it == object_->end() ? nullptr : &*it;
}

const json* Fields::get(std::string_view key, Need need) const {
  const json* v = find(key);
  if (v == nullptr && need == Need::kRequired && object_ != nullptr) {
    ctx_.error(pointer_, fmt::format("missing required key {}", quote(key)));
  }
  return v;
}

void Fields::refuse(std::string_view key, std::string_view why) const {
  if (has(key)) ctx_.error(pointer(key), fmt::format("key {} applies only {}", quote(key), why));
}

std::optional<std::string> Fields::string(std::string_view key, Need need,
                                          std::size_t max_bytes) const {
  const json* v = get(key, need);
  return v ? check_string(ctx_, *v, pointer(key), max_bytes) : std::nullopt;
}

std::optional<bool> Fields::boolean(std::string_view key, Need need) const {
  const json* v = get(key, need);
  if (v == nullptr) return std::nullopt;
  if (!v->is_boolean()) {
    type_error(ctx_, pointer(key), "true or false", *v);
    return std::nullopt;
  }
  return v->get<bool>();
}

std::optional<double> Fields::number(std::string_view key, const Range& range, Need need) const {
  const json* v = get(key, need);
  return v ? check_number(ctx_, *v, pointer(key), range) : std::nullopt;
}

std::optional<std::int64_t> Fields::integer(std::string_view key, std::int64_t min,
                                            std::int64_t max, Need need) const {
  const json* v = get(key, need);
  return v ? check_integer(ctx_, *v, pointer(key), min, max) : std::nullopt;
}

std::optional<Duration> Fields::millis(std::string_view key, const Range& range, Need need) const {
  const auto ms = number(key, range, need);
  return ms ? std::optional<Duration>(from_millis(*ms)) : std::nullopt;
}

std::optional<Duration> Fields::seconds(std::string_view key, const Range& range, Need need) const {
  const auto s = number(key, range, need);
  return s ? std::optional<Duration>(from_seconds(*s)) : std::nullopt;
}

std::optional<std::size_t> Fields::choice_index(std::string_view key, Vocabulary vocabulary,
                                                std::string_view noun, Need need) const {
  const auto s = string(key, need, kMaxNameBytes * 10);
  if (!s) return std::nullopt;
  const std::vector<std::string>& known = words(vocabulary);
  for (std::size_t i = 0; i < known.size(); ++i) {
    if (known[i] == *s) return i;
  }
  std::string msg = fmt::format("unknown {} {} (known: {})", noun, quote(*s), known_list(known));
  if (const auto near = closest(*s, known)) msg += fmt::format("; did you mean {}?", quote(*near));
  ctx_.error(pointer(key), msg);
  return std::nullopt;
}

const json* Fields::array(std::string_view key, Need need, std::size_t max_items) const {
  const json* v = get(key, need);
  if (v == nullptr) return nullptr;
  if (!v->is_array()) {
    type_error(ctx_, pointer(key), "an array", *v);
    return nullptr;
  }
  if (v->size() > max_items) {
    ctx_.error(pointer(key), fmt::format("has {} items; the limit is {}", v->size(), max_items));
    return nullptr;
  }
  return v;
}

const json* Fields::object(std::string_view key, Need need, std::size_t max_items) const {
  const json* v = get(key, need);
  if (v == nullptr) return nullptr;
  if (!v->is_object()) {
    type_error(ctx_, pointer(key), "an object", *v);
    return nullptr;
  }
  if (v->size() > max_items) {
    ctx_.error(pointer(key), fmt::format("has {} entries; the limit is {}", v->size(), max_items));
    return nullptr;
  }
  return v;
}

}  // namespace faultline::experiments

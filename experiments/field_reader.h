// The validator's reading primitives: a context that collects diagnostics, and Fields, a view
// of one JSON object that refuses keys it does not know and reads typed, range-checked values,
// reporting each problem at its JSON pointer and carrying on (every problem is listed at once).
//
//   Fields f(ctx, doc["api"], "/api", Keys::kApi);
//   auto workers = f.integer("workers", 1, kMaxConcurrency);   // nullopt if absent or bad
//
// Single-threaded (one context per validation).
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "experiments/diagnostic.h"
#include "experiments/limits.h"
#include "experiments/vocabulary.h"
#include "resilience/clock.h"

namespace faultline::experiments {

class ReadContext {
 public:
  // `base_dir` resolves relative paths written in the file (empirical samples files).
  ReadContext(std::string file, std::filesystem::path base_dir);

  void error(std::string pointer, std::string message);
  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }
  std::size_t error_count() const { return diagnostics_.size(); }
  const std::string& file() const { return file_; }
  const std::filesystem::path& base_dir() const { return base_dir_; }
  // Samples files already read, by resolved path: a sweep validates many variants of a file.
  std::map<std::string, std::vector<double>>& samples_cache() { return samples_cache_; }

 private:
  std::string file_;
  std::filesystem::path base_dir_;
  std::vector<Diagnostic> diagnostics_;
  std::map<std::string, std::vector<double>> samples_cache_;
};

enum class Need { kOptional, kRequired };

// An accepted numeric interval, and how to say it in a message.
struct Range {
  double min = 0;
  double max = 0;
  bool min_exclusive = false;
  bool between = false;  // say "between min and max" (a rate, a percentage)

  static Range at_least(double min, double max) { return {min, max, false, false}; }
  static Range above(double min, double max) { return {min, max, true, false}; }
  static Range unit() { return {0, 1, false, true}; }
  static Range percent() { return {0, 100, false, true}; }
};

// A value's type, with the value when short: "a string (\"5\")", "an array of 3 items", "null".
std::string describe(const nlohmann::json& value);

// Checks of one value at `pointer` (array items, map entries); each reports and returns
// nullopt when the value is not acceptable.
std::optional<double> check_number(ReadContext& ctx, const nlohmann::json& v,
                                   const std::string& pointer, const Range& range);
std::optional<std::int64_t> check_integer(ReadContext& ctx, const nlohmann::json& v,
                                          const std::string& pointer, std::int64_t min,
                                          std::int64_t max);
std::optional<std::string> check_string(ReadContext& ctx, const nlohmann::json& v,
                                        const std::string& pointer,
                                        std::size_t max_bytes = kMaxTextBytes);
// Names of components: [a-z0-9][a-z0-9_-]* (no dots, so --set paths stay unambiguous, no
// colons, so health keys "type:name" stay unambiguous). `what` names the thing in messages.
bool check_component_name(ReadContext& ctx, const std::string& name, const std::string& pointer,
                          std::string_view what);
// Converts milliseconds / seconds already range-checked to a Duration (nearest nanosecond).
Duration from_millis(double ms);
Duration from_seconds(double s);

class Fields {
 public:
  // Reports a `value` that is not an object and every key of it that `keys` does not list.
  Fields(ReadContext& ctx, const nlohmann::json& value, std::string pointer, Keys keys);

  bool is_object() const { return object_ != nullptr; }
  const std::string& pointer() const { return pointer_; }
  std::string pointer(std::string_view key) const { return pointer_append(pointer_, key); }
  const nlohmann::json* find(std::string_view key) const;
  bool has(std::string_view key) const { return find(key) != nullptr; }
  ReadContext& context() const { return ctx_; }
  // Reports `key` missing when required; returns the value or nullptr.
  const nlohmann::json* get(std::string_view key, Need need) const;
  // Reports `key` as not applicable here (`why` completes "... applies only ...").
  void refuse(std::string_view key, std::string_view why) const;

  std::optional<std::string> string(std::string_view key, Need need = Need::kOptional,
                                    std::size_t max_bytes = kMaxTextBytes) const;
  std::optional<bool> boolean(std::string_view key, Need need = Need::kOptional) const;
  std::optional<double> number(std::string_view key, const Range& range,
                               Need need = Need::kOptional) const;
  std::optional<std::int64_t> integer(std::string_view key, std::int64_t min, std::int64_t max,
                                      Need need = Need::kOptional) const;
  // `key` in milliseconds / seconds; `range` is in the file's unit.
  std::optional<Duration> millis(std::string_view key, const Range& range,
                                 Need need = Need::kOptional) const;
  std::optional<Duration> seconds(std::string_view key, const Range& range,
                                  Need need = Need::kOptional) const;
  // One of words(vocabulary), as its index cast to E (the vocabulary is in E's order).
  template <typename E>
  std::optional<E> choice(std::string_view key, Vocabulary vocabulary, std::string_view noun,
                          Need need = Need::kOptional) const {
    const auto index = choice_index(key, vocabulary, noun, need);
    if (!index) return std::nullopt;
    return static_cast<E>(*index);
  }
  std::optional<std::size_t> choice_index(std::string_view key, Vocabulary vocabulary,
                                          std::string_view noun, Need need) const;
  // An array (of at most `max_items`) or an object, or nullptr (reported if wrong).
  const nlohmann::json* array(std::string_view key, Need need = Need::kOptional,
                              std::size_t max_items = kMaxItems) const;
  const nlohmann::json* object(std::string_view key, Need need = Need::kOptional,
                               std::size_t max_items = kMaxItems) const;

 private:
  ReadContext& ctx_;
  const nlohmann::json* object_ = nullptr;
  std::string pointer_;
};

}  // namespace faultline::experiments

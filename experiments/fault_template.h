// A fault template of an `explore` block: a `faults[]` item in which `kind` and `target` may be
// lists to pick from and any number a [min, max] range. instantiate_fault() settles every
// choice and range through a chooser and returns a plain `faults[]` item: the explore planner
// draws with a seeded stream, the loader checks the ends of every range.
//
//   RngChooser chooser(sim::make_stream(seed, "explore/7"));
//   json fault = instantiate_fault(doc["explore"]["faults"][0], chooser);
//
// Pure functions of the template and the chooser; thread-safe.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string_view>

#include "sim/rng.h"

namespace faultline::experiments {

class TemplateChooser {
 public:
  virtual ~TemplateChooser() = default;
  // An index in [0, count): the kind, target or template picked.
  virtual std::size_t pick(std::size_t count) = 0;
  // A value in [min, max]; `integer` for whole-number keys (concurrency).
  virtual double draw(double min, double max, bool integer) = 0;
};

// Draws from a seeded stream. Real values are whole thousandths (milliseconds of a start_s,
// a rate of 0.237): reproducers read as written, and a value printed and read back is the same.
class RngChooser final : public TemplateChooser {
 public:
  explicit RngChooser(sim::Rng rng) : rng_(rng) {}
  std::size_t pick(std::size_t count) override;
  double draw(double min, double max, bool integer) override;
  sim::Rng& rng() { return rng_; }

 private:
  sim::Rng rng_;
};

// Fixed choices, every range at its low (or high) end: the loader validates these corners.
class CornerChooser final : public TemplateChooser {
 public:
  CornerChooser(std::size_t kind, std::size_t target, bool high)
      : kind_(kind), target_(target), high_(high) {}
  std::size_t pick(std::size_t count) override;
  double draw(double min, double max, bool integer) override { return high_ ? max : min; }

 private:
  std::size_t kind_, target_;
  bool high_;
  int picks_ = 0;
};

// The template's choices for `key` ("kind", "target"): 1 for a single value.
std::size_t choice_count(const nlohmann::json& tmpl, std::string_view key);
// The value `index` of the choices for `key`.
const nlohmann::json& choice(const nlohmann::json& tmpl, std::string_view key, std::size_t index);
// Whether `value` is a [min, max] range (an array of two numbers).
bool is_range(const nlohmann::json& value);

// The `faults[]` item the chooser settles the template to: kind first, then target, then the
// other keys in name order; a kind-specific key the drawn kind does not take is left out. The
// template must have passed the loader's shape checks.
nlohmann::json instantiate_fault(const nlohmann::json& tmpl, TemplateChooser& chooser);

}  // namespace faultline::experiments

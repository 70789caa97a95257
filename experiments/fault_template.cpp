#include "experiments/fault_template.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "experiments/fault_parameters.h"
#include "experiments/vocabulary.h"

namespace faultline::experiments {

using nlohmann::json;

std::size_t RngChooser::pick(std::size_t count) {
  return count <= 1 ? 0 : static_cast<std::size_t>(rng_.next_below(count));
}

double RngChooser::draw(double min, double max, bool integer) {
  if (integer) {
    const auto lo = static_cast<std::int64_t>(std::ceil(min));
    const auto hi = static_cast<std::int64_t>(std::floor(max));
    if (hi <= lo) return static_cast<double>(lo);
    return static_cast<double>(
        lo + static_cast<std::int64_t>(rng_.next_below(static_cast<std::uint64_t>(hi - lo + 1))));
  }
  // Thousandths from the first at or above min to the last at or below max; a range narrower
  // than a thousandth gives min.
  const double lo = std::ceil(min * 1000 - 1e-9);
  const double hi = std::floor(max * 1000 + 1e-9);
  if (hi <= lo) return min;
  const auto steps = static_cast<std::uint64_t>(hi - lo) + 1;
  const double k = lo + static_cast<double>(rng_.next_below(steps));
  return std::clamp(k / 1000, min, max);
}

std::size_t CornerChooser::pick(std::size_t count) {
  // The first pick is the kind, the second the target (instantiate_fault's order).
  const std::size_t want = picks_++ == 0 ? kind_ : target_;
  return std::min(want, count == 0 ? 0 : count - 1);
}

std::size_t choice_count(const json& tmpl, std::string_view key) {
  const auto it = tmpl.find(key);
  if (it == tmpl.end()) return 0;
  return it->is_array() ? it->size() : 1;
}

const json& choice(const json& tmpl, std::string_view key, std::size_t index) {
  const json& v = tmpl.at(key);
  return v.is_array() ? v.at(index) : v;
}

bool is_range(const json& value) {
  return value.is_array() && value.size() == 2 && value[0].is_number() && value[1].is_number();
}

json instantiate_fault(const json& tmpl, TemplateChooser& chooser) {
  json fault = json::object();
  const std::string kind = choice(tmpl, "kind", chooser.pick(choice_count(tmpl, "kind")));
  fault["kind"] = kind;
  fault["target"] = choice(tmpl, "target", chooser.pick(choice_count(tmpl, "target")));
  const auto& kinds = words(Vocabulary::kFaultKind);
  const auto kind_index = std::find(kinds.begin(), kinds.end(), kind) - kinds.begin();
  const auto fault_kind = static_cast<FaultKind>(kind_index);
  for (const auto& [key, value] : tmpl.items()) {  // json objects iterate in name order
    if (key == "kind" || key == "target" || !fault_kind_takes(fault_kind, key)) continue;
    if (is_range(value)) {
      fault[key] =
          chooser.draw(value[0].get<double>(), value[1].get<double>(), key == "concurrency");
      if (key == "concurrency") fault[key] = static_cast<std::int64_t>(fault[key].get<double>());
    } else {
      fault[key] = value;
    }
  }
  return fault;
}

}  // namespace faultline::experiments

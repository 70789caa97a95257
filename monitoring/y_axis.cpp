#include "monitoring/y_axis.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "monitoring/svg_chart.h"
#include "sim/det_math.h"

namespace faultline::monitoring {

namespace {

double largest(const std::vector<double>& values) {
  double out = 0;
  for (double v : values) out = std::max(out, v);
  return out;
}

YAxis linear_axis(double max_value, double top) {
  const Ticks t = nice_ticks(0, top > 0 ? top : 1, 6);
  return {YScale::kLinear, 0, t.hi, t.step, t.values, max_value};
}

// Decades that hold every positive value and reference: 1, 10, 100, ...; over two decades
// or fewer also 2 and 5 times each, so that a narrow range still has a few labelled lines.
YAxis log_axis(const std::vector<std::vector<double>>& series,
               const std::vector<double>& references, double max_value) {
  double lo_value = 0, hi_value = 0;
  const auto take = [&](double v) {
    if (!(v > 0) || !std::isfinite(v)) return;
    lo_value = lo_value > 0 ? std::min(lo_value, v) : v;
    hi_value = std::max(hi_value, v);
  };
  for (const auto& values : series) {
    for (double v : values) take(v);
  }
  for (double v : references) take(v);
  if (!(hi_value > 0)) lo_value = hi_value = 1;
  int top = static_cast<int>(std::ceil(sim::det::log10(hi_value) - 1e-9));
  int bottom = static_cast<int>(std::floor(sim::det::log10(lo_value) + 1e-9));
  if (top <= bottom) top = bottom + 1;
  bottom = std::max(bottom, top - kMaxLogDecades);
  YAxis a;
  a.scale = YScale::kLog;
  a.lo = sim::det::pow(10.0, bottom);
  a.hi = sim::det::pow(10.0, top);
  a.step = 0;
  a.max_value = max_value;
  const bool fine = top - bottom <= 2;
  for (int k = bottom; k <= top; ++k) {
    const double decade = sim::det::pow(10.0, k);
    a.ticks.push_back(decade);
    if (fine && k < top) {
      a.ticks.push_back(2 * decade);
      a.ticks.push_back(5 * decade);
    }
  }
  return a;
}

}  // namespace

double YAxis::fraction(double value) const {
  if (std::isnan(value)) return 0;
  if (scale == YScale::kLog) {
    if (!(value > lo)) return 0;
    return std::clamp(sim::det::log10(value / lo) / sim::det::log10(hi / lo), 0.0, 1.0);
  }
  return std::clamp(value / hi, 0.0, 1.0);
}

std::string YAxis::tick_text(double value) const {
  // On a log axis each tick is its own step: 0.1 wants one decimal, 1000 none.
  return tick_label(value, scale == YScale::kLog ? value : step);
}

double nearest_rank_quantile(std::vector<double> values, double q) {
  if (values.empty()) return 0;
  const auto n = values.size();
  auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(n)));
  rank = std::clamp<std::size_t>(rank, 1, n);
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(rank - 1),
                   values.end());
  return values[rank - 1];
}

YAxis make_y_axis(YScale asked, const std::vector<std::vector<double>>& series,
                  const std::vector<double>& references) {
  double max_value = 0, ordinary = 0;
  for (const auto& values : series) {
    max_value = std::max(max_value, largest(values));
    ordinary = std::max(ordinary, nearest_rank_quantile(values, kClipQuantile));
  }
  const double max_reference = largest(references);
  if (asked == YScale::kLog) return log_axis(series, references, max_value);
  const double all_max = std::max(max_value, max_reference);
  if (asked == YScale::kLinear) return linear_axis(max_value, all_max);
  const double limit = std::max(ordinary * kClipFactor, max_reference * kReferenceHeadroom);
  if (!(limit > 0)) return linear_axis(max_value, all_max);
  YAxis clip = linear_axis(max_value, limit);
  if (!(max_value > clip.hi * kClipMinGain)) return linear_axis(max_value, all_max);
  clip.scale = YScale::kClip;
  return clip;
}

std::string format_value(double value) {
  if (std::abs(value) >= 100) return fmt::format("{:.0f}", value);
  return fmt::format("{:.3g}", value);
}

}  // namespace faultline::monitoring

// The value (y) axis of a line chart: linear from 0, linear from 0 clipped at a quantile of the
// plotted points, or logarithmic. One 15 s spike among 50 ms seconds flattens a linear axis to
// a line at zero; the clipped axis keeps the ordinary seconds readable and says what it cut.
//
//   YAxis a = make_y_axis(YScale::kClip, {p50s, p95s, p99s}, {2000, 5000});  // plotted ys
//   double f = a.fraction(350);   // 0 at the bottom edge, 1 at the top; clamped
//   if (a.clipped()) ...          // some value lies above a.hi: draw it at the edge, marked
//
// Pure value type; thread-safe on distinct objects.
#pragma once

#include <string>
#include <vector>

namespace faultline::monitoring {

enum class YScale { kLinear, kClip, kLog };

// Clip rule (docs/reports.md): the axis top is the first nice tick at or above twice the
// highest series' nearest-rank 95th percentile, and at or above 1.1 times the highest
// reference line (an SLO target). So no series has more than 5 % of its points clipped, and
// one spike is clipped even in a 20-second run (where a 99th percentile would be the spike
// itself); twice the P95 leaves room for the ordinary noise of a per-second P99. It applies
// only when the largest value is more than 1.5 times that top: below, clipping would cut the
// truth for little gain in height.
inline constexpr double kClipQuantile = 0.95;
inline constexpr double kClipFactor = 2.0;
inline constexpr double kReferenceHeadroom = 1.1;
inline constexpr double kClipMinGain = 1.5;
// A log axis spans at most this many decades below its top; smaller values sit on the bottom.
inline constexpr int kMaxLogDecades = 6;

struct YAxis {
  YScale scale = YScale::kLinear;  // kClip only when a value was actually clipped
  double lo = 0, hi = 1;           // the values at the bottom and top edges (lo > 0 on a log axis)
  double step = 1;                 // linear tick step (for labels); on a log axis unused
  std::vector<double> ticks;       // labelled grid lines, bottom to top
  double max_value = 0;            // the largest plotted value, drawn at the top when clipped

  bool clipped() const { return scale == YScale::kClip; }
  // Where `value` sits between the bottom (0) and top (1) edges, clamped to [0, 1]; on a log
  // axis values <= lo (0 included) sit on the bottom.
  double fraction(double value) const;
  std::string tick_text(double value) const;
  const char* scale_name() const { return scale == YScale::kLog ? "log" : "linear"; }
};

// The nearest-rank quantile (the smallest value with at least q of the values at or below it)
// of `values`, which it sorts; 0 when empty.
double nearest_rank_quantile(std::vector<double> values, double q);

// The axis for `series` (each series' finite plotted values; NaN gaps left out by the caller)
// in the mode asked for. Every `references` value (SLO target lines) stays inside the axis in
// every mode.
YAxis make_y_axis(YScale asked, const std::vector<std::vector<double>>& series,
                  const std::vector<double>& references);

// A value as the chart's notes and tooltips print it: whole numbers from 100 up, else three
// significant digits ("12195", "350", "48.2", "0.85").
std::string format_value(double value);

}  // namespace faultline::monitoring

// Small inline-SVG chart primitives for report.html: nice axis ticks, line series over virtual
// time, shaded time bands (fault windows, alert firings), state lanes, legends.
//
//   LineChart c({.title = "Latency", .y_label = "ms", .x_max = 900});
//   c.add_series({"P95", "#4f46e5", downsample(points, 1500, Reduce::kMax)});
//   c.add_band({120, 300, "F0 outage openai", "fault 0: 120-300 s", kFaultBandColour, "fault
//   window"}); std::string svg = c.render();   // <svg viewBox=...> sized by CSS, renders without
//   JS
//
// Every text is XML-escaped. The <svg> carries no xmlns: it is meant to be inlined in HTML,
// whose parser puts it in the SVG namespace, and the page must hold no URL at all.
// Pure value types; thread-safe on distinct objects.
#pragma once

#include <cmath>
#include <cstddef>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "monitoring/y_axis.h"

namespace faultline::monitoring {

inline constexpr double kNoValue = std::numeric_limits<double>::quiet_NaN();

// Escapes & < > " ' for XML/HTML text and attribute values.
std::string escape_xml(std::string_view text);

// Heckbert's "nice numbers": 1, 2 or 5 times a power of ten, near `x` (rounded when `round`,
// else the smallest nice number >= x).
double nice_number(double x, bool round);

struct Ticks {
  double lo = 0, hi = 1, step = 1;  // the axis covers [lo, hi]; lo and hi are multiples of step
  std::vector<double> values;       // lo, lo + step, ..., hi
};
// About `max_ticks` nice ticks covering [lo, hi]; a zero or inverted range becomes [lo, lo + 1].
Ticks nice_ticks(double lo, double hi, int max_ticks = 6);
// A tick value with just enough decimals for `step` ("0.5", "120", "2k" is never produced).
std::string tick_label(double value, double step);

struct Point {
  double x = 0;
  double y = 0;  // kNoValue: no data (the line breaks there)
};

enum class Reduce { kMax, kMean };

// Reduces `points` (sorted by x) to at most `max_points` by grouping consecutive runs of
// ceil(n / max_points) points: x becomes the bucket's mean x, y its max or mean (kNoValue
// points are ignored; an all-empty bucket stays kNoValue). Short inputs come back unchanged.
std::vector<Point> downsample(const std::vector<Point>& points, std::size_t max_points,
                              Reduce reduce);

// downsample() fed one point at a time, for series too long to hold (a day of seconds):
// `count` is the number of points that will be added. Memory: the output only.
class Downsampler {
 public:
  Downsampler(std::size_t count, std::size_t max_points, Reduce reduce);
  void add(Point p);
  // The reduced points; call once, after the last add().
  std::vector<Point> take();

 private:
  void close_bucket();

  std::size_t per_;
  Reduce reduce_;
  std::size_t in_bucket_ = 0, with_value_ = 0;
  double sum_x_ = 0, sum_y_ = 0, max_y_ = 0;
  std::vector<Point> out_;
};

// The SVG path data ("M x y L x y ...", one decimal) of points already in pixel space; a
// kNoValue y ends the current subpath and the next point starts a new one with "M".
std::string path_data(const std::vector<Point>& pixels);

struct Series {
  std::string name;
  std::string colour;
  std::vector<Point> points;  // data space: x in seconds
  double width = 1.6;
  std::string dash = {};  // SVG stroke-dasharray, e.g. "5 3" (a simulated series beside a live one); empty: solid
};

// Where a band's solid edge strip and its label sit, so that two kinds of bands (fault
// windows on top, alert firings at the bottom) stay readable where they overlap.
enum class BandEdge { kTop, kBottom };

// A shaded interval of the time axis. Bands with the same `legend` share one legend entry.
struct Band {
  double x0 = 0, x1 = 0;
  std::string label;    // drawn near the band's edge when there is room; may be empty
  std::string tooltip;  // shown on hover (SVG <title>)
  std::string colour;
  std::string legend;
  BandEdge edge = BandEdge::kTop;
  double opacity = 0.10;
};

inline constexpr const char* kFaultBandColour = "#64748b";
inline constexpr const char* kAlertBandColour = "#dc2626";

struct ChartOptions {
  std::string title = {};
  std::string y_label = {};  // unit shown above the y axis, e.g. "ms"
  double x_max = 1;          // seconds; the x axis runs from 0
  int width = 1000;          // viewBox units; the page scales the SVG to its column
  int height = 280;
  std::string id = {};  // the svg element's id, for links and tests
  // LineChart only (see y_axis.h): kClip draws values above the clip on the top edge, each
  // with a marker, and notes the clip and the largest value above the plot.
  YScale y_scale = YScale::kLinear;
};

// A horizontal dashed line at a value (an SLO target), labelled at its right end. The y axis
// always reaches it, whatever the scale.
struct ReferenceLine {
  double value = 0;
  std::string label;
  std::string colour;
};

// Lines over time with bands, reference lines and a legend. The y axis starts at 0 (linear,
// clipped) or at a power of ten (log).
class LineChart {
 public:
  explicit LineChart(ChartOptions options) : options_(std::move(options)) {}
  void add_series(Series s) { series_.push_back(std::move(s)); }
  void add_band(Band b) { bands_.push_back(std::move(b)); }
  void add_reference(ReferenceLine r) { references_.push_back(std::move(r)); }
  std::string render() const;

 private:
  ChartOptions options_;
  std::vector<Series> series_;
  std::vector<Band> bands_;
  std::vector<ReferenceLine> references_;
};

struct LaneSegment {
  double x0 = 0, x1 = 0;
  std::string colour;
  std::string tooltip;
};
struct Lane {
  std::string name;
  std::vector<LaneSegment> segments;
};
struct LegendEntry {
  std::string name;
  std::string colour;
};

// One horizontal lane per entity (e.g. a breaker), coloured by state over time, with bands
// drawn across all lanes. The height follows the number of lanes. A segment narrower than
// 2 units is drawn 2 units wide, over its neighbours, so brief states stay visible.
class LaneChart {
 public:
  explicit LaneChart(ChartOptions options) : options_(std::move(options)) {}
  void add_lane(Lane lane) { lanes_.push_back(std::move(lane)); }
  void add_band(Band b) { bands_.push_back(std::move(b)); }
  void add_legend(LegendEntry e) { legend_.push_back(std::move(e)); }
  std::string render() const;

 private:
  ChartOptions options_;
  std::vector<Lane> lanes_;
  std::vector<Band> bands_;
  std::vector<LegendEntry> legend_;
};

}  // namespace faultline::monitoring

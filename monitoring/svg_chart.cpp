#include "monitoring/svg_chart.h"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>
#include <map>

#include "sim/det_math.h"

namespace faultline::monitoring {

namespace {

constexpr double kMarginLeft = 64, kMarginRight = 24, kMarginTop = 52, kMarginBottom = 42;
constexpr double kLabelRowHeight = 14;
constexpr int kLabelRows = 3;
constexpr double kCharWidth = 6.4;  // of the 11-unit label font, to keep labels apart
constexpr double kLaneHeight = 42;
constexpr double kMinSegmentWidth = 2;  // viewBox units
constexpr const char* kAxisColour = "#94a3b8";
constexpr const char* kGridColour = "#e2e8f0";
constexpr const char* kMutedText = "#64748b";

using Out = std::back_insert_iterator<fmt::memory_buffer>;

// The plot rectangle and the x (seconds) and y (value) scales that map into it.
struct Frame {
  double left, right, top, bottom;
  double x_max;
  YAxis y = {};
  double px(double x) const { return left + (right - left) * std::clamp(x / x_max, 0.0, 1.0); }
  double py(double v) const { return bottom - (bottom - top) * y.fraction(v); }
};

Frame frame_of(const ChartOptions& o, double height) {
  return Frame{kMarginLeft, o.width - kMarginRight, kMarginTop, height - kMarginBottom,
               o.x_max > 0 ? o.x_max : 1};
}

std::string chart_id(const ChartOptions& o) { return o.id.empty() ? "chart" : o.id; }

void open_svg(Out out, const ChartOptions& o, double height, const Frame& f, std::string_view cls) {
  const std::string id = escape_xml(chart_id(o));
  fmt::format_to(out,
                 "<svg id=\"{0}\" class=\"{1}\" "
                 "viewBox=\"0 0 {2} {3:.0f}\" role=\"img\" aria-label=\"{4}\" "
                 "font-family=\"system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, "
                 "sans-serif\" data-px0=\"{5:.1f}\" data-px1=\"{6:.1f}\" data-py0=\"{7:.1f}\" "
                 "data-py1=\"{8:.1f}\" data-xmax=\"{9}\" data-yhi=\"{10}\" data-ylo=\"{11}\" "
                 "data-yscale=\"{12}\" data-unit=\"{13}\">\n",
                 id, cls, o.width, height, escape_xml(o.title), f.left, f.right, f.bottom, f.top,
                 f.x_max, f.y.hi, f.y.lo, f.y.scale_name(), escape_xml(o.y_label));
  fmt::format_to(out, "<title>{}</title>\n", escape_xml(o.title));
  fmt::format_to(out,
                 "<defs><clipPath id=\"{0}-clip\"><rect x=\"{1:.1f}\" y=\"{2:.1f}\" "
                 "width=\"{3:.1f}\" height=\"{4:.1f}\"/></clipPath></defs>\n",
                 id, f.left, f.top, f.right - f.left, f.bottom - f.top);
  fmt::format_to(out,
                 "<text x=\"0\" y=\"18\" font-size=\"15\" font-weight=\"600\" "
                 "fill=\"#0f172a\">{}</text>\n",
                 escape_xml(o.title));
}

// Vertical grid lines and labels of the time axis, under the plot.
void x_axis(Out out, const Frame& f) {
  const Ticks t = nice_ticks(0, f.x_max, 10);
  for (double v : t.values) {
    if (v > f.x_max + t.step * 1e-9) break;
    const double x = f.px(v);
    fmt::format_to(out,
                   "<line x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{0:.1f}\" y2=\"{2:.1f}\" "
                   "stroke=\"{3}\" stroke-width=\"1\"/>\n",
                   x, f.top, f.bottom, kGridColour);
    fmt::format_to(out,
                   "<text x=\"{:.1f}\" y=\"{:.1f}\" font-size=\"11\" fill=\"{}\" "
                   "text-anchor=\"middle\">{}</text>\n",
                   x, f.bottom + 16, kMutedText, tick_label(v, t.step));
  }
  fmt::format_to(out,
                 "<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"{}\"/>\n",
                 f.left, f.bottom, f.right, f.bottom, kAxisColour);
  fmt::format_to(out,
                 "<text x=\"{:.1f}\" y=\"{:.1f}\" font-size=\"11\" fill=\"{}\" "
                 "text-anchor=\"middle\">virtual time (s)</text>\n",
                 (f.left + f.right) / 2, f.bottom + 34, kMutedText);
}

// Shaded bands and a solid strip on their edge, under the series.
void bands(Out out, const Frame& f, const std::vector<Band>& list) {
  for (const Band& b : list) {
    const double x0 = f.px(b.x0), x1 = std::max(f.px(b.x1), x0 + 1.0);
    const bool top = b.edge == BandEdge::kTop;
    fmt::format_to(out, "<g class=\"band\"><title>{}</title>", escape_xml(b.tooltip));
    fmt::format_to(out,
                   "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"{}\" "
                   "fill-opacity=\"{:.2f}\"/>",
                   x0, f.top, x1 - x0, f.bottom - f.top, escape_xml(b.colour), b.opacity);
    fmt::format_to(out,
                   "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"3\" fill=\"{}\" "
                   "fill-opacity=\"0.85\"/></g>\n",
                   x0, top ? f.top : f.bottom - 3, x1 - x0, escape_xml(b.colour));
  }
}

// The bands' labels, over the series (a spike clipped to the top edge would otherwise cross
// out a fault's name), each in the first row where it does not overlap an earlier label (a
// label with no free row is left to the band's tooltip).
void band_labels(Out out, const Frame& f, const std::vector<Band>& list, const std::string& clip) {
  std::map<BandEdge, std::vector<double>> row_end;
  for (const Band& b : list) {
    if (b.label.empty()) continue;
    const double x0 = f.px(b.x0);
    const bool top = b.edge == BandEdge::kTop;
    auto& ends = row_end[b.edge];
    ends.resize(kLabelRows, -1e9);
    const double width = kCharWidth * static_cast<double>(b.label.size()) + 8;
    for (int row = 0; row < kLabelRows; ++row) {
      if (ends[row] > x0) continue;
      ends[row] = x0 + width;
      const double y =
          top ? f.top + 15 + row * kLabelRowHeight : f.bottom - 8 - row * kLabelRowHeight;
      // The white halo (stroke under the fill) keeps labels legible over lines.
      fmt::format_to(out,
                     "<g class=\"band-label\"><title>{}</title><text x=\"{:.1f}\" y=\"{:.1f}\" "
                     "font-size=\"11\" fill=\"#334155\" stroke=\"#fff\" stroke-width=\"3\" "
                     "stroke-opacity=\"0.85\" paint-order=\"stroke\" "
                     "clip-path=\"url(#{})\">{}</text></g>\n",
                     escape_xml(b.tooltip), x0 + 4, y, clip, escape_xml(b.label));
      break;
    }
  }
}

struct LegendItem {
  std::string name;
  std::string colour;
  bool line;  // a line swatch (series) or a square (band, state)
  double opacity = 1;
  std::string dash = {};  // a line swatch's dasharray (dashed series)
};

// Right-aligned on the title's row.
void legend(Out out, double right, const std::vector<LegendItem>& items) {
  double x = right;
  for (auto it = items.rbegin(); it != items.rend(); ++it) {
    const double text_w = kCharWidth * 1.05 * static_cast<double>(it->name.size());
    x -= text_w;
    fmt::format_to(out, "<text x=\"{:.1f}\" y=\"18\" font-size=\"12\" fill=\"#334155\">{}</text>",
                   x, escape_xml(it->name));
    x -= 20;
    if (it->line) {
      fmt::format_to(out,
                     "<line x1=\"{:.1f}\" y1=\"14\" x2=\"{:.1f}\" y2=\"14\" stroke=\"{}\" "
                     "stroke-width=\"{}\" stroke-linecap=\"{}\"{}/>",
                     x, x + 14, escape_xml(it->colour), it->dash.empty() ? "3" : "2",
                     it->dash.empty() ? "round" : "butt",
                     it->dash.empty() ? "" : " stroke-dasharray=\"3 2\"");
    } else {
      fmt::format_to(out,
                     "<rect x=\"{:.1f}\" y=\"8\" width=\"13\" height=\"12\" rx=\"2\" fill=\"{}\" "
                     "fill-opacity=\"{:.2f}\" stroke=\"{}\" stroke-opacity=\"0.6\"/>",
                     x, escape_xml(it->colour), it->opacity, escape_xml(it->colour));
    }
    x -= 18;
  }
  fmt::format_to(out, "\n");
}

void band_legend(std::vector<LegendItem>& items, const std::vector<Band>& list) {
  for (const Band& b : list) {
    if (b.legend.empty()) continue;
    const bool seen = std::any_of(items.begin(), items.end(),
                                  [&](const LegendItem& i) { return i.name == b.legend; });
    if (!seen) items.push_back({b.legend, b.colour, false, std::max(0.35, b.opacity * 3)});
  }
}

// Dashed lines at reference values (SLO targets), labelled at the right end above the line,
// or below it when the label above would touch the previous one.
void reference_lines(Out out, const Frame& f, const std::vector<ReferenceLine>& list) {
  std::vector<const ReferenceLine*> sorted;
  for (const ReferenceLine& r : list) sorted.push_back(&r);
  std::sort(sorted.begin(), sorted.end(),
            [](const ReferenceLine* a, const ReferenceLine* b) { return a->value < b->value; });
  double last_label_y = 1e9;
  for (const ReferenceLine* r : sorted) {
    const double y = f.py(r->value);
    double label_y = y - 4;
    if (last_label_y - label_y < 12) label_y = y + 12;
    last_label_y = label_y;
    fmt::format_to(out,
                   "<g class=\"reference\"><line x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{2:.1f}\" "
                   "y2=\"{1:.1f}\" stroke=\"{3}\" stroke-width=\"1.2\" stroke-dasharray=\"6 4\"/>"
                   "<text x=\"{4:.1f}\" y=\"{5:.1f}\" font-size=\"11\" fill=\"{3}\" "
                   "text-anchor=\"end\" stroke=\"#fff\" stroke-width=\"3\" stroke-opacity=\"0.85\" "
                   "paint-order=\"stroke\">{6}</text></g>\n",
                   f.left, y, f.right, escape_xml(r->colour), f.right - 4, label_y,
                   escape_xml(r->label));
  }
}

struct ClippedPoint {
  const Series* series;
  Point point;
};

// A small upward triangle on the top edge over each point above a clipped axis.
void clip_marks(Out out, const Frame& f, const std::vector<ClippedPoint>& list,
                const std::string& unit) {
  for (const ClippedPoint& c : list) {
    const double x = f.px(c.point.x);
    fmt::format_to(out,
                   "<g class=\"clipped-mark\"><title>{0} {1} {2} at t={3:.1f} s: above the axis "
                   "(clipped at {4} {2})</title><path d=\"M {5:.1f} {6:.1f} L {7:.1f} {8:.1f} L "
                   "{9:.1f} {6:.1f} Z\" fill=\"{10}\" stroke=\"#fff\" stroke-width=\"1\"/></g>\n",
                   escape_xml(c.series->name), format_value(c.point.y), escape_xml(unit), c.point.x,
                   format_value(f.y.hi), x - 4.5, f.top + 8, x, f.top + 0.5, x + 4.5,
                   escape_xml(c.series->colour));
  }
}

// Above the plot, left: what the axis does that a reader must know (clipped, log).
void axis_note(Out out, const Frame& f, const std::vector<Series>& series,
               const std::string& unit) {
  std::string text;
  if (f.y.clipped()) {
    const Series* at_series = nullptr;
    Point at{};
    for (const Series& s : series) {
      for (const Point& p : s.points) {
        if (std::isfinite(p.y) && (at_series == nullptr || p.y > at.y)) at_series = &s, at = p;
      }
    }
    text = fmt::format("axis clipped at {0} {1}; max {2} {1} at t={3:.1f} s ({4})",
                       format_value(f.y.hi), unit, format_value(at.y), at.x, at_series->name);
    fmt::format_to(out,
                   "<path d=\"M {0:.1f} {1:.1f} L {2:.1f} {3:.1f} L {4:.1f} {1:.1f} Z\" "
                   "fill=\"#b45309\"/>",
                   f.left + 1.5, f.top - 13, f.left + 6, f.top - 21, f.left + 10.5);
  } else if (f.y.scale == YScale::kLog) {
    text = "log scale";
  } else {
    return;
  }
  fmt::format_to(out,
                 "<text class=\"axis-note\" x=\"{:.1f}\" y=\"{:.1f}\" font-size=\"11\" "
                 "fill=\"{}\">{}</text>\n",
                 f.left + (f.y.clipped() ? 15 : 0), f.top - 13,
                 f.y.clipped() ? "#b45309" : kMutedText, escape_xml(text));
}

}  // namespace

std::string escape_xml(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

double nice_number(double x, bool round) {
  if (!(x > 0) || !std::isfinite(x)) return 1;
  const double exponent = std::floor(sim::det::log10(x));
  const double power = sim::det::pow(10.0, exponent);
  const double f = x / power;
  double nice;
  if (round) {
    nice = f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10;
  } else {
    nice = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
  }
  return nice * power;
}

Ticks nice_ticks(double lo, double hi, int max_ticks) {
  if (!std::isfinite(lo)) lo = 0;
  if (!std::isfinite(hi) || hi <= lo) hi = lo + 1;
  max_ticks = std::max(max_ticks, 2);
  double step = nice_number((hi - lo) / (max_ticks - 1), true);
  // Rounding the step may overshoot the tick budget; step up until it fits.
  while ((std::ceil(hi / step) - std::floor(lo / step)) + 1 > max_ticks + 1) {
    step = nice_number(step * 1.5, true);
  }
  Ticks t;
  t.step = step;
  const auto first = static_cast<long long>(std::floor(lo / step + 1e-9));
  const auto last = static_cast<long long>(std::ceil(hi / step - 1e-9));
  t.lo = static_cast<double>(first) * step;
  t.hi = static_cast<double>(last) * step;
  // Multiplying integer indices (instead of adding steps) keeps 0.1 + 0.2 drift out.
  for (long long i = first; i <= last; ++i) t.values.push_back(static_cast<double>(i) * step);
  return t;
}

std::string tick_label(double value, double step) {
  const int decimals = step >= 1 ? 0 : static_cast<int>(std::ceil(-sim::det::log10(step) - 1e-9));
  if (std::abs(value) < step * 1e-6) value = 0;  // no "-0"
  return fmt::format("{:.{}f}", value, std::clamp(decimals, 0, 6));
}

Downsampler::Downsampler(std::size_t count, std::size_t max_points, Reduce reduce)
    : per_(max_points == 0 || count <= max_points ? 1 : (count + max_points - 1) / max_points),
      reduce_(reduce) {
  out_.reserve(count / per_ + 1);
}

void Downsampler::add(Point p) {
  if (in_bucket_ == 0) {
    sum_x_ = sum_y_ = 0;
    max_y_ = -std::numeric_limits<double>::infinity();
    with_value_ = 0;
  }
  ++in_bucket_;
  sum_x_ += p.x;
  if (!std::isnan(p.y)) {
    ++with_value_;
    sum_y_ += p.y;
    max_y_ = std::max(max_y_, p.y);
  }
  if (in_bucket_ == per_) close_bucket();
}

void Downsampler::close_bucket() {
  if (in_bucket_ == 0) return;
  const double x = per_ == 1 ? sum_x_ : sum_x_ / static_cast<double>(in_bucket_);
  double y = kNoValue;
  if (with_value_ > 0) {
    y = reduce_ == Reduce::kMax || per_ == 1 ? max_y_ : sum_y_ / static_cast<double>(with_value_);
  }
  out_.push_back({x, y});
  in_bucket_ = 0;
}

std::vector<Point> Downsampler::take() {
  close_bucket();  // a last, shorter bucket
  return std::move(out_);
}

std::vector<Point> downsample(const std::vector<Point>& points, std::size_t max_points,
                              Reduce reduce) {
  if (max_points == 0 || points.size() <= max_points) return points;
  Downsampler d(points.size(), max_points, reduce);
  for (const Point& p : points) d.add(p);
  return d.take();
}

std::string path_data(const std::vector<Point>& pixels) {
  fmt::memory_buffer out;
  bool pen_down = false;
  for (const Point& p : pixels) {
    if (std::isnan(p.y)) {
      pen_down = false;
      continue;
    }
    fmt::format_to(std::back_inserter(out), "{}{}{:.1f} {:.1f}", out.size() ? " " : "",
                   pen_down ? 'L' : 'M', p.x, p.y);
    pen_down = true;
  }
  return fmt::to_string(out);
}

std::string LineChart::render() const {
  const double height = options_.height;
  Frame f = frame_of(options_, height);
  std::vector<std::vector<double>> values;
  std::vector<double> references;
  for (const Series& s : series_) {
    auto& v = values.emplace_back();
    for (const Point& p : s.points) {
      if (std::isfinite(p.y)) v.push_back(p.y);
    }
  }
  for (const ReferenceLine& r : references_) references.push_back(r.value);
  f.y = make_y_axis(options_.y_scale, values, references);

  fmt::memory_buffer buf;
  Out out = std::back_inserter(buf);
  open_svg(out, options_, height, f, "fl-chart fl-line-chart");
  const std::string clip = chart_id(options_) + "-clip";
  for (double v : f.y.ticks) {
    const double y = f.py(v);
    fmt::format_to(out,
                   "<line x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{2:.1f}\" y2=\"{1:.1f}\" "
                   "stroke=\"{3}\"/><text x=\"{4:.1f}\" y=\"{5:.1f}\" font-size=\"11\" "
                   "fill=\"{6}\" text-anchor=\"end\">{7}</text>\n",
                   f.left, y, f.right, kGridColour, f.left - 8, y + 4, kMutedText,
                   f.y.tick_text(v));
  }
  fmt::format_to(out,
                 "<text x=\"{:.1f}\" y=\"{:.1f}\" font-size=\"11\" fill=\"{}\" "
                 "text-anchor=\"end\">{}</text>\n",
                 f.left - 8, f.top - 10, kMutedText, escape_xml(options_.y_label));
  x_axis(out, f);
  bands(out, f, bands_);
  std::vector<ClippedPoint> over;
  for (const Series& s : series_) {
    std::vector<Point> pixels;
    pixels.reserve(s.points.size());
    std::string clipped_attr;
    std::size_t drawn = 0;
    for (const Point& p : s.points) {
      if (std::isnan(p.y)) {
        pixels.push_back({f.px(p.x), kNoValue});
        continue;
      }
      pixels.push_back({f.px(p.x), f.py(p.y)});
      if (f.y.clipped() && p.y > f.y.hi) {
        // The hover read-out inverts the drawn line; these points need their true value.
        fmt::format_to(std::back_inserter(clipped_attr), "{}{}:{}", clipped_attr.empty() ? "" : " ",
                       drawn, format_value(p.y));
        over.push_back({&s, p});
      }
      ++drawn;
    }
    fmt::format_to(out,
                   "<path class=\"series\" data-name=\"{}\" d=\"{}\"{} fill=\"none\" "
                   "stroke=\"{}\" stroke-width=\"{:.1f}\"{} stroke-linejoin=\"round\" "
                   "stroke-linecap=\"round\" clip-path=\"url(#{})\"/>\n",
                   escape_xml(s.name), path_data(pixels),
                   clipped_attr.empty() ? "" : " data-clipped=\"" + clipped_attr + "\"",
                   escape_xml(s.colour), s.width,
                   s.dash.empty() ? "" : " stroke-dasharray=\"" + escape_xml(s.dash) + "\"", clip);
  }
  band_labels(out, f, bands_, clip);
  reference_lines(out, f, references_);
  clip_marks(out, f, over, options_.y_label);
  axis_note(out, f, series_, options_.y_label);
  std::vector<LegendItem> items;
  for (const Series& s : series_) items.push_back({s.name, s.colour, true, 1, s.dash});
  band_legend(items, bands_);
  legend(out, f.right, items);
  fmt::format_to(out, "</svg>\n");
  return fmt::to_string(buf);
}

std::string LaneChart::render() const {
  const double lanes = static_cast<double>(std::max<std::size_t>(lanes_.size(), 1));
  const double height = kMarginTop + lanes * kLaneHeight + kMarginBottom;
  const Frame f = frame_of(options_, height);
  fmt::memory_buffer buf;
  Out out = std::back_inserter(buf);
  open_svg(out, options_, height, f, "fl-chart fl-lane-chart");
  x_axis(out, f);
  for (std::size_t i = 0; i < lanes_.size(); ++i) {
    const Lane& lane = lanes_[i];
    const double top = f.top + static_cast<double>(i) * kLaneHeight;
    fmt::format_to(out, "<g class=\"lane\" data-name=\"{}\">", escape_xml(lane.name));
    fmt::format_to(out,
                   "<text x=\"{:.1f}\" y=\"{:.1f}\" font-size=\"12\" font-weight=\"600\" "
                   "fill=\"#1e293b\">{}</text>",
                   f.left + 2, top + 13, escape_xml(lane.name));
    // Two passes: true widths first, then segments too narrow to see (a HALF_OPEN probe of a
    // few hundred ms in a long run) again, widened and on top, so that they are not lost.
    for (int pass = 0; pass < 2; ++pass) {
      for (const LaneSegment& s : lane.segments) {
        double x0 = f.px(s.x0), x1 = f.px(s.x1);
        if (x1 <= x0 || (pass == 1 && x1 - x0 >= kMinSegmentWidth)) continue;
        if (pass == 1) {
          const double mid = (x0 + x1) / 2;
          x0 = mid - kMinSegmentWidth / 2;
          x1 = mid + kMinSegmentWidth / 2;
        }
        fmt::format_to(out,
                       "<rect x=\"{:.2f}\" y=\"{:.1f}\" width=\"{:.2f}\" height=\"18\" "
                       "fill=\"{}\"><title>{}</title></rect>",
                       x0, top + 19, x1 - x0, escape_xml(s.colour), escape_xml(s.tooltip));
      }
    }
    fmt::format_to(out, "</g>\n");
  }
  // Lane names sit where band labels would go: here the legend and tooltips name the bands.
  bands(out, f, bands_);
  std::vector<LegendItem> items;
  for (const LegendEntry& e : legend_) items.push_back({e.name, e.colour, false});
  band_legend(items, bands_);
  legend(out, f.right, items);
  fmt::format_to(out, "</svg>\n");
  return fmt::to_string(buf);
}

}  // namespace faultline::monitoring

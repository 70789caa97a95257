// The SVG chart primitives: nice ticks, downsampling, path data, escaping, rendered charts.
#include "monitoring/svg_chart.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <sstream>

namespace faultline::monitoring {
namespace {

// True iff x is 1, 2 or 5 times a power of ten.
bool is_nice(double x) {
  const double mantissa = x / std::pow(10.0, std::floor(std::log10(x) + 1e-9));
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    if (std::abs(mantissa - m) < 1e-9) return true;
  }
  return false;
}

// The text between `marker` and the next double quote ("" when absent).
std::string value_after(const std::string& text, const std::string& marker) {
  const auto at = text.find(marker);
  if (at == std::string::npos) return "";
  const auto from = at + marker.size();
  return text.substr(from, text.find('"', from) - from);
}

// A number as path_data writes it: -?digits.digit
bool is_coordinate(std::string_view s) {
  if (!s.empty() && s.front() == '-') s.remove_prefix(1);
  const auto dot = s.find('.');
  if (dot == 0 || dot == std::string_view::npos || dot + 2 != s.size()) return false;
  return std::all_of(s.begin(), s.end(), [&](char c) {
    return c == '.' || std::isdigit(static_cast<unsigned char>(c));
  });
}

// "M x y (L x y)* (M x y (L x y)*)*", single spaces (std::regex would recurse per character).
bool well_formed_path(const std::string& d) {
  std::istringstream in(d);
  std::string cmd, y;
  bool first = true;
  while (in >> cmd) {
    if (cmd.size() < 2 || (cmd[0] != 'M' && cmd[0] != 'L') || (first && cmd[0] != 'M'))
      return false;
    if (!is_coordinate(std::string_view(cmd).substr(1)) || !(in >> y) || !is_coordinate(y))
      return false;
    first = false;
  }
  return d.find("  ") == std::string::npos && (d.empty() || (d.front() != ' ' && d.back() != ' '));
}

std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

// The points of a path as path_data wrote them ("Mx y Lx y ...").
std::vector<Point> path_points(const std::string& d) {
  std::istringstream in(d);
  std::vector<Point> out;
  std::string cmd, y;
  while (in >> cmd >> y) out.push_back({std::stod(cmd.substr(1)), std::stod(y)});
  return out;
}

// The y axis's labelled grid lines, bottom to top: (pixel y, label).
std::vector<std::pair<double, std::string>> y_ticks(const std::string& svg) {
  std::vector<std::pair<double, std::string>> out;
  const std::string line = "<line x1=\"64.0\" y1=\"";
  for (auto at = svg.find(line); at != std::string::npos; at = svg.find(line, at + 1)) {
    const auto end = svg.find("/>", at);
    const std::string tag = svg.substr(at, end - at);
    if (tag.find("x2=\"976.0\"") == std::string::npos ||
        tag.find("stroke=\"#e2e8f0\"") == std::string::npos)
      continue;  // a reference line, not the grid
    const std::string anchor = "text-anchor=\"end\">";
    const auto label_from = svg.find(anchor, end) + anchor.size();
    out.push_back({std::stod(value_after(tag, "y1=\"")),
                   svg.substr(label_from, svg.find('<', label_from) - label_from)});
  }
  return out;
}

// One P99 series over 60 s at 50 ms with a 15,000 ms spike at 30.5 s.
LineChart spiky_chart(YScale scale) {
  std::vector<Point> points;
  for (int s = 0; s < 60; ++s) points.push_back({s + 0.5, s == 30 ? 15000.0 : 50.0});
  LineChart c({.title = "Latency", .y_label = "ms", .x_max = 60, .id = "lat", .y_scale = scale});
  c.add_series({"P99", "#c026d3", points});
  return c;
}

TEST(SvgChart, NiceNumbers) {
  EXPECT_DOUBLE_EQ(nice_number(0.7, false), 1);
  EXPECT_DOUBLE_EQ(nice_number(1.2, false), 2);
  EXPECT_DOUBLE_EQ(nice_number(3.1, false), 5);
  EXPECT_DOUBLE_EQ(nice_number(5.1, false), 10);
  EXPECT_DOUBLE_EQ(nice_number(1.4, true), 1);
  EXPECT_DOUBLE_EQ(nice_number(2.9, true), 2);
  EXPECT_DOUBLE_EQ(nice_number(6.9, true), 5);
  EXPECT_DOUBLE_EQ(nice_number(7.1, true), 10);
  EXPECT_DOUBLE_EQ(nice_number(0.029, true), 0.02);
  EXPECT_DOUBLE_EQ(nice_number(0, true), 1);  // degenerate input still gives a usable step
}

TEST(SvgChart, TicksAreNiceAndCoverTheRange) {
  const std::vector<std::pair<double, double>> ranges = {
      {0, 1},    {0, 7},       {0, 13.7}, {0, 412}, {0, 900},
      {0, 3600}, {0, 12345.6}, {0, 0.37}, {3, 97},  {0, 1e6}};
  for (auto [lo, hi] : ranges) {
    const Ticks t = nice_ticks(lo, hi, 6);
    SCOPED_TRACE(::testing::Message() << "[" << lo << ", " << hi << "] step " << t.step);
    EXPECT_TRUE(is_nice(t.step));
    EXPECT_LE(t.lo, lo);
    EXPECT_GE(t.hi, hi);
    EXPECT_LT(t.hi - hi, t.step + 1e-9);  // never a whole empty step above the data
    EXPECT_GE(t.values.size(), 3u);
    EXPECT_LE(t.values.size(), 8u);
    for (std::size_t i = 0; i < t.values.size(); ++i) {
      // Multiples of the step, exactly as printed (no 0.30000000000000004).
      EXPECT_NEAR(t.values[i], t.lo + static_cast<double>(i) * t.step, 1e-9 * std::max(1.0, hi));
    }
  }
}

TEST(SvgChart, TicksForKnownRanges) {
  EXPECT_EQ(nice_ticks(0, 900, 10).step, 100);
  EXPECT_EQ(nice_ticks(0, 2730, 6).values,
            (std::vector<double>{0, 500, 1000, 1500, 2000, 2500, 3000}));
  EXPECT_EQ(nice_ticks(0, 0, 6).values.back(), 1);  // an empty range becomes [0, 1]
}

TEST(SvgChart, TickLabelsUseTheStepsDecimals) {
  EXPECT_EQ(tick_label(1500, 500), "1500");
  EXPECT_EQ(tick_label(0.30000000000000004, 0.1), "0.3");
  EXPECT_EQ(tick_label(0.05, 0.05), "0.05");
  EXPECT_EQ(tick_label(-1e-17, 0.1), "0.0");
}

TEST(SvgChart, DownsamplingKeepsTheMaxOfEachBucket) {
  std::vector<Point> points;
  for (int i = 0; i < 10000; ++i) points.push_back({i + 0.5, static_cast<double>(i % 100)});
  points[5555].y = 1e6;  // one spike
  const auto reduced = downsample(points, 1500, Reduce::kMax);
  EXPECT_LE(reduced.size(), 1500u);
  EXPECT_GE(reduced.size(), 1000u);
  double max_y = 0;
  for (const Point& p : reduced) max_y = std::max(max_y, p.y);
  EXPECT_EQ(max_y, 1e6);
  for (std::size_t i = 1; i < reduced.size(); ++i) EXPECT_LT(reduced[i - 1].x, reduced[i].x);
}

TEST(SvgChart, DownsamplingByMeanKeepsTheRate) {
  std::vector<Point> points;
  for (int i = 0; i < 3000; ++i)
    points.push_back({static_cast<double>(i), i % 2 == 0 ? 40.0 : 60.0});
  const auto reduced = downsample(points, 1500, Reduce::kMean);
  ASSERT_EQ(reduced.size(), 1500u);
  for (const Point& p : reduced) EXPECT_DOUBLE_EQ(p.y, 50.0);
  EXPECT_DOUBLE_EQ(reduced[0].x, 0.5);
}

TEST(SvgChart, DownsamplingIgnoresMissingValues) {
  std::vector<Point> points = {{0, kNoValue}, {1, 5}, {2, kNoValue}, {3, kNoValue}, {4, 1}, {5, 3}};
  const auto reduced = downsample(points, 3, Reduce::kMax);
  ASSERT_EQ(reduced.size(), 3u);
  EXPECT_EQ(reduced[0].y, 5);
  EXPECT_TRUE(std::isnan(reduced[1].y));
  EXPECT_EQ(reduced[2].y, 3);
  EXPECT_EQ(downsample(points, 100, Reduce::kMax).size(), points.size());  // short: unchanged
}

// The report feeds a day of seconds to a Downsampler one at a time; it must give exactly what
// downsample() gives on the whole series, the last shorter bucket and gaps included.
TEST(SvgChart, StreamedDownsamplingEqualsDownsample) {
  for (const std::size_t n : {0, 1, 7, 1500, 1501, 3000, 86400}) {
    std::vector<Point> points;
    for (std::size_t i = 0; i < n; ++i)
      points.push_back({static_cast<double>(i) + 0.5, i % 13 == 0 ? kNoValue : static_cast<double>((i * 37) % 101)});
    for (const Reduce reduce : {Reduce::kMax, Reduce::kMean}) {
      Downsampler d(n, 1500, reduce);
      for (const Point& p : points) d.add(p);
      const std::vector<Point> streamed = d.take();
      const std::vector<Point> whole = downsample(points, 1500, reduce);
      ASSERT_EQ(streamed.size(), whole.size()) << n;
      for (std::size_t i = 0; i < whole.size(); ++i) {
        ASSERT_EQ(streamed[i].x, whole[i].x) << n << " " << i;
        if (std::isnan(whole[i].y)) {
          ASSERT_TRUE(std::isnan(streamed[i].y)) << n << " " << i;
        } else {
          ASSERT_EQ(streamed[i].y, whole[i].y) << n << " " << i;
        }
      }
    }
  }
}

TEST(SvgChart, PathDataIsWellFormedAndBreaksAtGaps) {
  EXPECT_EQ(path_data({}), "");
  EXPECT_EQ(path_data({{1, 2}, {3.25, 4}, {5, kNoValue}, {6, 7}, {8, 9}}),
            "M1.0 2.0 L3.2 4.0 M6.0 7.0 L8.0 9.0");
  std::vector<Point> pixels;
  for (int i = 0; i < 50; ++i) pixels.push_back({i * 3.7, i % 11 == 5 ? kNoValue : 100 - i * 1.3});
  EXPECT_TRUE(well_formed_path(path_data(pixels))) << path_data(pixels);
  EXPECT_FALSE(well_formed_path("L1.0 2.0"));
  EXPECT_FALSE(well_formed_path("M1.0 2"));
}

TEST(SvgChart, EscapesText) {
  EXPECT_EQ(escape_xml("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&#39;");
  EXPECT_EQ(escape_xml("plain"), "plain");
}

TEST(SvgChart, LineChartRendersAxesSeriesBandsAndLegend) {
  LineChart c({.title = "Latency <p95>", .y_label = "ms", .x_max = 300, .id = "lat"});
  c.add_series({"P95", "#4f46e5", {{0.5, 100}, {1.5, 250}, {2.5, kNoValue}, {3.5, 180}}});
  c.add_band({120, 300, "F0 outage <openai>", "fault 0", kFaultBandColour, "fault window"});
  c.add_band(
      {150, 200, "HighErrorRate", "alert", kAlertBandColour, "alert firing", BandEdge::kBottom});
  const std::string svg = c.render();
  EXPECT_EQ(svg.rfind("<svg id=\"lat\"", 0), 0u);
  EXPECT_NE(svg.find("viewBox=\"0 0 1000 280\""), std::string::npos);
  EXPECT_EQ(count(svg, "<svg"), 1u);
  EXPECT_EQ(count(svg, "</svg>"), 1u);
  EXPECT_EQ(count(svg, "<path class=\"series\""), 1u);
  EXPECT_NE(svg.find("Latency &lt;p95&gt;"), std::string::npos);
  EXPECT_NE(svg.find("F0 outage &lt;openai&gt;"), std::string::npos);
  EXPECT_EQ(svg.find("<openai>"), std::string::npos);
  EXPECT_EQ(count(svg, "<g class=\"band\">"), 2u);
  // Labels are drawn over the series, so a line at the top edge does not cross them out.
  EXPECT_EQ(count(svg, "<g class=\"band-label\">"), 2u);
  EXPECT_GT(svg.find("F0 outage &lt;openai&gt;"), svg.find("<path class=\"series\""));
  EXPECT_NE(svg.find(">fault window<"), std::string::npos);
  EXPECT_NE(svg.find(">alert firing<"), std::string::npos);
  EXPECT_NE(svg.find(">virtual time (s)<"), std::string::npos);
  // The y axis ends on the first nice tick at or above the data (250, step 50).
  EXPECT_NE(svg.find("data-yhi=\"250\""), std::string::npos);
  // The gap at 2.5 s splits the line into two subpaths.
  const std::string d = value_after(svg, "class=\"series\" data-name=\"P95\" d=\"");
  EXPECT_TRUE(well_formed_path(d)) << d;
  EXPECT_EQ(count(d, "M"), 2u);
}

TEST(SvgChart, ClippedAxisKeepsOrdinaryPointsOffTheFloor) {
  // The plot spans y 238 (0 ms) to 52 (the top) in viewBox units.
  const std::string linear = spiky_chart(YScale::kLinear).render();
  const std::vector<Point> flat = path_points(value_after(linear, "data-name=\"P99\" d=\""));
  ASSERT_EQ(flat.size(), 60u);
  for (std::size_t i = 0; i < flat.size(); ++i) {
    if (i != 30) {
      EXPECT_GE(flat[i].y, 237.0) << i;  // flattened to the floor
    }
  }
  const std::string svg = spiky_chart(YScale::kClip).render();
  EXPECT_NE(svg.find("data-yhi=\"100\" data-ylo=\"0\" data-yscale=\"linear\""), std::string::npos);
  const std::vector<Point> points = path_points(value_after(svg, "data-name=\"P99\" d=\""));
  ASSERT_EQ(points.size(), 60u);
  for (std::size_t i = 0; i < points.size(); ++i) {
    EXPECT_DOUBLE_EQ(points[i].y, i == 30 ? 52.0 : 145.0) << i;  // 50 ms: half the height
  }
  // The clipped point: marked on the top edge, its true value kept for the hover read-out.
  EXPECT_EQ(count(svg, "<g class=\"clipped-mark\">"), 1u);
  EXPECT_NE(svg.find("<title>P99 15000 ms at t=30.5 s: above the axis (clipped at 100 ms)</title>"),
            std::string::npos);
  EXPECT_EQ(value_after(svg, "data-clipped=\""), "30:15000");
  EXPECT_NE(svg.find(">axis clipped at 100 ms; max 15000 ms at t=30.5 s (P99)</text>"),
            std::string::npos);
  EXPECT_EQ(linear.find("axis clipped"), std::string::npos);
  EXPECT_EQ(linear.find("clipped-mark"), std::string::npos);
}

TEST(SvgChart, ReferenceLinesStayVisibleOnAClippedAxis) {
  LineChart c = spiky_chart(YScale::kClip);
  c.add_reference({1000, "P99 target 1000 ms", "#c026d3"});
  const std::string svg = c.render();
  // The axis reaches 1.1 x the target (1200), so the line sits at 238 - 186 * 1000 / 1200.
  EXPECT_NE(svg.find("data-yhi=\"1200\""), std::string::npos);
  EXPECT_NE(
      svg.find("<g class=\"reference\"><line x1=\"64.0\" y1=\"83.0\" x2=\"976.0\" y2=\"83.0\""),
      std::string::npos);
  EXPECT_NE(svg.find(">P99 target 1000 ms</text>"), std::string::npos);
  EXPECT_NE(svg.find("axis clipped at 1200 ms"), std::string::npos);
  for (const Point& p : path_points(value_after(svg, "data-name=\"P99\" d=\""))) {
    if (p.y != 52.0) {
      EXPECT_NEAR(p.y, 238 - 186 * 50.0 / 1200, 0.051);
    }
  }
}

TEST(SvgChart, LogAxisHasLogSpacedTicks) {
  const std::string svg = spiky_chart(YScale::kLog).render();
  EXPECT_NE(svg.find("data-yhi=\"100000\" data-ylo=\"10\" data-yscale=\"log\""), std::string::npos);
  const auto ticks = y_ticks(svg);
  ASSERT_EQ(ticks.size(), 5u);
  const std::vector<std::string> labels = {"10", "100", "1000", "10000", "100000"};
  for (std::size_t i = 0; i < ticks.size(); ++i) {
    EXPECT_EQ(ticks[i].second, labels[i]);
    EXPECT_DOUBLE_EQ(ticks[i].first, 238 - 46.5 * static_cast<double>(i));  // a decade: 186 / 4
  }
  const std::vector<Point> points = path_points(value_after(svg, "data-name=\"P99\" d=\""));
  ASSERT_EQ(points.size(), 60u);
  EXPECT_DOUBLE_EQ(points[0].y, 205.5);  // 50 ms: log10(5) of the first decade up
  EXPECT_NEAR(points[30].y, 238 - 46.5 * (std::log10(15000.0) - 1), 0.051);
  EXPECT_NE(svg.find(">log scale</text>"), std::string::npos);
  EXPECT_EQ(svg.find("clipped-mark"), std::string::npos);
}

TEST(SvgChart, LaneChartDrawsOneLanePerEntity) {
  LaneChart c({.title = "Breakers", .y_label = "", .x_max = 100, .id = "lanes"});
  c.add_lane({"a&b",
              {{0, 40, "#22c55e", "CLOSED"},
               {40, 70, "#ef4444", "OPEN"},
               {70, 100, "#22c55e", "CLOSED"}}});
  c.add_lane({"db", {{0, 100, "#22c55e", "CLOSED"}}});
  c.add_legend({"OPEN", "#ef4444"});
  const std::string svg = c.render();
  EXPECT_EQ(count(svg, "<g class=\"lane\""), 2u);
  EXPECT_NE(svg.find("data-name=\"a&amp;b\""), std::string::npos);
  EXPECT_EQ(count(svg, "height=\"18\""), 4u);
  // A 0.1 s state in a 100 s lane (0.9 units) is drawn again, 2 units wide, on top.
  LaneChart brief({.title = "Brief", .y_label = "", .x_max = 100, .id = "brief"});
  brief.add_lane({"b",
                  {{0, 50, "#ef4444", "OPEN"},
                   {50, 50.1, "#f59e0b", "HALF_OPEN"},
                   {50.1, 100, "#22c55e", "CLOSED"}}});
  const std::string b = brief.render();
  EXPECT_EQ(count(b, "fill=\"#f59e0b\">"), 2u);
  EXPECT_NE(b.find("width=\"2.00\" height=\"18\" fill=\"#f59e0b\""), std::string::npos);
  // 52 top + 2 lanes x 42 + 42 bottom.
  EXPECT_NE(svg.find("viewBox=\"0 0 1000 178\""), std::string::npos);
}

}  // namespace
}  // namespace faultline::monitoring

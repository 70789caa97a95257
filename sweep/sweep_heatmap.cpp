#include "sweep/sweep_heatmap.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "monitoring/svg_chart.h"

namespace faultline::sweep {

namespace {

using monitoring::escape_xml;
using nlohmann::json;

// Viridis: perceptually uniform and readable by colour-blind readers; the better end is yellow.
constexpr const char* kStops[] = {"#440154", "#3b528b", "#21918c", "#5ec962", "#fde725"};
constexpr int kStopCount = 5;

int hex_byte(const char* s) { return std::stoi(std::string(s, 2), nullptr, 16); }

std::string colour_at(double t) {
  t = std::clamp(std::isfinite(t) ? t : 0.5, 0.0, 1.0) * (kStopCount - 1);
  const int i = std::min(static_cast<int>(t), kStopCount - 2);
  const double f = t - i;
  std::string out = "#";
  for (int c = 0; c < 3; ++c) {
    const std::ptrdiff_t at = 1 + 2 * static_cast<std::ptrdiff_t>(c);
    const int a = hex_byte(kStops[i] + at), b = hex_byte(kStops[i + 1] + at);
    out += fmt::format("{:02x}", static_cast<int>(std::lround(a + (b - a) * f)));
  }
  return out;
}

double as_double(std::size_t n) { return static_cast<double>(n); }

std::string num(double v) { return fmt::format("{:.4g}", v); }
std::string value_text(const json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

// Which way is better for a metric: the objective's direction, else the constraint's
// (an upper bound means lower is better), else higher.
bool higher_is_better(const SweepPlan& plan, const std::string& metric) {
  if (plan.objective.metric == metric) return plan.objective.maximize;
  for (const auto& c : plan.constraints) {
    if (c.metric == metric) return c.op != CompareOp::kLess && c.op != CompareOp::kLessEqual;
  }
  return true;
}

std::string short_name(const std::string& path) {
  const std::size_t dot = path.rfind('.');
  return dot == std::string::npos ? path : path.substr(dot + 1);
}

// The distinct values of parameter k, in the file's order (grid) or sorted (random search).
std::vector<json> axis_values(const SweepPlan& plan, std::size_t k) {
  std::vector<json> values;
  for (const auto& p : plan.points) {
    if (std::find(values.begin(), values.end(), p.values[k]) == values.end())
      values.push_back(p.values[k]);
  }
  if (plan.random) std::sort(values.begin(), values.end());
  return values;
}

std::size_t index_of(const std::vector<json>& values, const json& v) {
  return static_cast<std::size_t>(std::find(values.begin(), values.end(), v) - values.begin());
}

std::string tooltip(const SweepPlan& plan, const PointSummary& ps, const std::string& metric) {
  std::string t = fmt::format("{} (rank {}{})", plan.points[ps.point].id, ps.rank,
                              ps.feasible ? "" : ", constraints not met");
  for (std::size_t k = 0; k < plan.parameters.size(); ++k) {
    t += fmt::format("\n{} = {}", plan.parameters[k], value_text(plan.points[ps.point].values[k]));
  }
  if (const MetricStats* s = ps.metric(metric)) {
    t += fmt::format("\n{}: {}", metric, num(s->mean));
    if (s->ci_low) t += fmt::format(" [{}, {}]", num(*s->ci_low), num(*s->ci_high));
  }
  return escape_xml(t);
}

struct Range {
  double lo = HUGE_VAL, hi = -HUGE_VAL;
  void add(double v) {
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  double fraction(double v) const { return hi > lo ? (v - lo) / (hi - lo) : 0.5; }
};

std::string colour_legend(const std::string& id, double x, double y, double h, const Range& r,
                          bool higher_better) {
  std::string s =
      fmt::format("<defs><linearGradient id=\"{}\" x1=\"0\" y1=\"1\" x2=\"0\" y2=\"0\">", id);
  for (int i = 0; i < kStopCount; ++i) {
    s += fmt::format("<stop offset=\"{}\" stop-color=\"{}\"/>", i / double(kStopCount - 1),
                     kStops[i]);
  }
  s += "</linearGradient></defs>";
  s += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"14\" height=\"{}\" fill=\"url(#{})\"/>", x, y,
                   h, id);
  const double top = higher_better ? r.hi : r.lo, bottom = higher_better ? r.lo : r.hi;
  s += fmt::format("<text x=\"{}\" y=\"{}\" class=\"t\">{} (better)</text>", x + 20, y + 10,
                   num(top));
  s += fmt::format("<text x=\"{}\" y=\"{}\" class=\"t\">{}</text>", x + 20, y + h, num(bottom));
  return s;
}

// Two parameters on a grid: one cell per pair of values, the best-ranked point of the pair.
std::string heat_map(const SweepPlan& plan, const SweepSummary& summary, const std::string& metric,
                     int fig) {
  const std::vector<json> xs = axis_values(plan, 0), ys = axis_values(plan, 1);
  std::vector<const PointSummary*> cell(xs.size() * ys.size(), nullptr);
  for (const auto& ps : summary.points) {
    const auto& v = plan.points[ps.point].values;
    const PointSummary*& c = cell[index_of(ys, v[1]) * xs.size() + index_of(xs, v[0])];
    if (c == nullptr || ps.rank < c->rank) c = &ps;
  }
  const bool hb = higher_is_better(plan, metric);
  Range range;
  for (const auto* c : cell) {
    if (c != nullptr && c->metric(metric)) range.add(c->metric(metric)->mean);
  }
  const double nx = as_double(xs.size()), ny = as_double(ys.size());
  const double left = 120, top = 20, plot_w = 600, cw = plot_w / nx;
  const double ch = std::min(60.0, 420.0 / ny), plot_h = ch * ny;
  const double width = left + plot_w + 150, height = top + plot_h + 60;
  std::string s =
      fmt::format("<svg viewBox=\"0 0 {} {}\" role=\"img\" id=\"fig-{}\">", width, height, fig);
  s += fmt::format(
      "<defs><pattern id=\"hatch-{}\" width=\"10\" height=\"10\" patternUnits=\"userSpaceOnUse\" "
      "patternTransform=\"rotate(45)\"><line x1=\"1\" y1=\"0\" x2=\"1\" y2=\"10\" stroke=\"#fff\" "
      "stroke-width=\"1.5\" stroke-opacity=\"0.6\"/><line x1=\"2.5\" y1=\"0\" x2=\"2.5\" y2=\"10\" "
      "stroke=\"#000\" stroke-width=\"1.5\" stroke-opacity=\"0.3\"/></pattern></defs>",
      fig);
  std::string best;
  for (std::size_t j = 0; j < ys.size(); ++j) {
    for (std::size_t i = 0; i < xs.size(); ++i) {
      const PointSummary* c = cell[j * xs.size() + i];
      // The first value at the bottom, as on any y axis.
      const double x = left + as_double(i) * cw, y = top + plot_h - as_double(j + 1) * ch;
      if (c == nullptr || c->metric(metric) == nullptr) continue;
      const double t = range.fraction(c->metric(metric)->mean);
      const double tb = hb ? t : 1 - t;
      s += fmt::format(
          "<g><title>{}</title><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"/>",
          tooltip(plan, *c, metric), x, y, cw, ch, colour_at(tb));
      if (!c->feasible) {
        s += fmt::format(
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"url(#hatch-{})\"/>", x, y,
            cw, ch, fig);
      }
      // Dark text on the light (yellow-green) end of the scale, white on the dark end.
      s += fmt::format("<text x=\"{}\" y=\"{}\" class=\"c {}\">{}</text></g>", x + cw / 2,
                       y + ch / 2 + 4, tb > 0.6 ? "on-light" : "on-dark",
                       num(c->metric(metric)->mean));
      if (summary.best && c->point == *summary.best) {
        best = fmt::format(
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"#dc2626\" "
            "stroke-width=\"3\"><title>best point</title></rect>",
            x + 1.5, y + 1.5, cw - 3, ch - 3);
      }
    }
  }
  s += best;
  for (std::size_t i = 0; i < xs.size(); ++i) {
    s += fmt::format("<text x=\"{}\" y=\"{}\" class=\"c\">{}</text>",
                     left + (as_double(i) + 0.5) * cw, top + plot_h + 16,
                     escape_xml(value_text(xs[i])));
  }
  for (std::size_t j = 0; j < ys.size(); ++j) {
    s += fmt::format("<text x=\"{}\" y=\"{}\" class=\"r\">{}</text>", left - 6,
                     top + plot_h - (as_double(j) + 0.5) * ch + 4, escape_xml(value_text(ys[j])));
  }
  s += fmt::format("<text x=\"{}\" y=\"{}\" class=\"c b\">{}</text>", left + plot_w / 2,
                   top + plot_h + 40, escape_xml(short_name(plan.parameters[0])));
  s +=
      fmt::format("<text x=\"14\" y=\"{}\" class=\"c b\" transform=\"rotate(-90 14 {})\">{}</text>",
                  top + plot_h / 2, top + plot_h / 2, escape_xml(short_name(plan.parameters[1])));
  s += colour_legend(fmt::format("scale-{}", fig), left + plot_w + 16, top, std::min(plot_h, 200.0),
                     range, hb);
  return s + "</svg>";
}

// x positions of parameter 0: numeric values on a linear scale when every value is a number,
// else evenly spaced categories.
struct XAxis {
  std::vector<json> values;
  bool numeric = true;
  monitoring::Ticks ticks;
  double pos(const json& v, double left, double w) const {
    if (numeric) return left + w * (v.get<double>() - ticks.lo) / (ticks.hi - ticks.lo);
    return left + w * (as_double(index_of(values, v)) + 0.5) / as_double(values.size());
  }
};

// One parameter (or a random search): the metric's mean with its 95% interval at each point,
// constraint bounds dashed, infeasible points hollow, the best one red.
std::string line_chart(const SweepPlan& plan, const SweepSummary& summary,
                       const std::string& metric, int fig) {
  XAxis xa;
  xa.values = axis_values(plan, 0);
  for (const auto& v : xa.values) xa.numeric = xa.numeric && v.is_number();
  if (xa.numeric && plan.random) {
    xa.ticks =
        monitoring::nice_ticks(xa.values.front().get<double>(), xa.values.back().get<double>());
  } else {
    xa.numeric = false;
  }
  Range yr;
  std::vector<std::pair<double, const PointSummary*>> pts;
  for (const auto& ps : summary.points) {
    const MetricStats* m = ps.metric(metric);
    if (m == nullptr) continue;
    yr.add(m->ci_low.value_or(m->mean));
    yr.add(m->ci_high.value_or(m->mean));
    pts.emplace_back(0, &ps);
  }
  for (const auto& c : plan.constraints) {
    if (c.metric == metric) yr.add(c.bound);
  }
  if (pts.empty()) return "";
  const monitoring::Ticks yt = monitoring::nice_ticks(yr.lo, yr.hi);
  const double left = 80, top = 20, w = 640, h = 260;
  auto ypos = [&](double v) { return top + h - h * (v - yt.lo) / (yt.hi - yt.lo); };
  std::string s = fmt::format("<svg viewBox=\"0 0 {} {}\" role=\"img\" id=\"fig-{}\">",
                              left + w + 40, top + h + 60, fig);
  for (double v : yt.values) {
    s += fmt::format(
        "<line x1=\"{}\" x2=\"{}\" y1=\"{:.1f}\" y2=\"{:.1f}\" class=\"g\"/><text x=\"{}\" "
        "y=\"{:.1f}\" "
        "class=\"r\">{}</text>",
        left, left + w, ypos(v), ypos(v), left - 6, ypos(v) + 4,
        monitoring::tick_label(v, yt.step));
  }
  if (xa.numeric) {
    for (double v : xa.ticks.values) {
      s +=
          fmt::format("<text x=\"{:.1f}\" y=\"{}\" class=\"c\">{}</text>", xa.pos(json(v), left, w),
                      top + h + 16, monitoring::tick_label(v, xa.ticks.step));
    }
  } else {
    for (const auto& v : xa.values) {
      s += fmt::format("<text x=\"{:.1f}\" y=\"{}\" class=\"c\">{}</text>", xa.pos(v, left, w),
                       top + h + 16, escape_xml(value_text(v)));
    }
  }
  for (const auto& c : plan.constraints) {
    if (c.metric != metric) continue;
    s += fmt::format(
        "<line x1=\"{}\" x2=\"{}\" y1=\"{:.1f}\" y2=\"{:.1f}\" "
        "class=\"k\"><title>{}</title></line>",
        left, left + w, ypos(c.bound), ypos(c.bound), escape_xml(c.text));
  }
  for (auto& [x, ps] : pts) x = xa.pos(plan.points[ps->point].values[0], left, w);
  std::stable_sort(pts.begin(), pts.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  if (plan.parameters.size() == 1) {
    std::string d;
    for (const auto& [x, ps] : pts)
      d +=
          fmt::format("{}{:.1f} {:.1f}", d.empty() ? "M" : " L", x, ypos(ps->metric(metric)->mean));
    s += fmt::format("<path d=\"{}\" fill=\"none\" stroke=\"#3b528b\" stroke-width=\"1.6\"/>", d);
  }
  for (const auto& [x, ps] : pts) {
    const MetricStats& m = *ps->metric(metric);
    const bool is_best = summary.best && ps->point == *summary.best;
    const char* colour = is_best ? "#dc2626" : "#3b528b";
    s += fmt::format("<g><title>{}</title>", tooltip(plan, *ps, metric));
    if (m.ci_low) {
      s += fmt::format(
          "<line x1=\"{0:.1f}\" x2=\"{0:.1f}\" y1=\"{1:.1f}\" y2=\"{2:.1f}\" stroke=\"{3}\"/>", x,
          ypos(*m.ci_low), ypos(*m.ci_high), colour);
    }
    s += fmt::format(
        "<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"{}\" fill=\"{}\" stroke=\"{}\" "
        "stroke-width=\"1.5\"/></g>",
        x, ypos(m.mean), is_best ? 6 : 4, ps->feasible ? colour : "#fff", colour);
  }
  s += fmt::format("<text x=\"{}\" y=\"{}\" class=\"c b\">{}</text>", left + w / 2, top + h + 40,
                   escape_xml(short_name(plan.parameters[0])));
  return s + "</svg>";
}

constexpr const char* kStyle =
    "body{font:14px/1.45 system-ui,sans-serif;margin:0 auto;max-width:980px;padding:16px;"
    "color:#111}h1{font-size:20px}h2{font-size:16px;margin-top:28px}"
    "figure{margin:0;overflow-x:auto}svg{width:100%;min-width:560px;height:auto}"
    "svg text{font-size:12px;fill:#333}svg text.on-light,svg text.on-dark{paint-order:stroke;"
    "stroke-width:3px}svg text.on-light{fill:#111;stroke:#fffa}svg text.on-dark{fill:#fff;"
    "stroke:#000a}.wide{overflow-x:auto}"
    ".c{text-anchor:middle}"
    ".r{text-anchor:end}.b{font-weight:600}.t{dominant-baseline:middle}.g{stroke:#e5e7eb}"
    ".k{stroke:#dc2626;stroke-dasharray:6 4}table{border-collapse:collapse;font-size:13px}"
    "td,th{padding:3px 8px;border-bottom:1px solid #e5e7eb;text-align:left}tr.x td{color:#9ca3af}"
    "figcaption{color:#555;font-size:13px}";

}  // namespace

std::string sweep_html(const SweepPlan& plan, const SweepSummary& summary) {
  std::string h = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">";
  h += fmt::format(
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>sweep "
      "{}</title>"
      "<style>{}</style></head><body>",
      escape_xml(plan.name), kStyle);
  h += fmt::format(
      "<h1>Sweep {}</h1><p>{} points &times; {} seeds ({} search). Objective: <b>{}</b>",
      escape_xml(plan.name), plan.points.size(), plan.seeds, plan.random ? "random" : "grid",
      escape_xml(plan.objective.text));
  for (std::size_t i = 0; i < plan.constraints.size(); ++i) {
    h += fmt::format("{}<b>{}</b>", i == 0 ? "; subject to " : ", ",
                     escape_xml(plan.constraints[i].text));
  }
  h += ".</p>";
  if (summary.best) {
    const SweepPoint& best = plan.points[*summary.best];
    h += fmt::format("<p>Best point meeting the constraints: <b>{}</b>:", best.id);
    for (std::size_t k = 0; k < plan.parameters.size(); ++k) {
      h += fmt::format(" <code>{}={}</code>", escape_xml(plan.parameters[k]),
                       escape_xml(value_text(best.values[k])));
    }
    h += "</p>";
  } else {
    h += "<p><b>No point meets the constraints.</b></p>";
  }
  std::vector<std::string> metrics = {plan.objective.metric};
  for (const auto& c : plan.constraints) {
    if (std::find(metrics.begin(), metrics.end(), c.metric) == metrics.end())
      metrics.push_back(c.metric);
  }
  const bool map = plan.parameters.size() >= 2 && !plan.random;
  int fig = 0;
  for (const auto& m : metrics) {
    h += fmt::format("<h2>{}</h2><figure>", escape_xml(m));
    h += map ? heat_map(plan, summary, m, fig) : line_chart(plan, summary, m, fig);
    h += "<figcaption>";
    h += map ? "Mean over the seeds; hatched cells miss a constraint; the red frame is the best "
               "point."
             : "Mean over the seeds with its 95% interval; hollow points miss a constraint; red is "
               "the best point; "
               "dashed lines are constraint bounds.";
    if (plan.random && plan.parameters.size() > 1) {
      h += " Each mark is one point; the other parameters vary between marks.";
    } else if (plan.parameters.size() > (map ? 2u : 1u)) {
      h += " Over the other parameters, each mark shows the best-ranked point.";
    }
    h += " Hover for values.</figcaption></figure>";
    ++fig;
  }
  h += "<h2>Ranking</h2><div class=\"wide\"><table><tr><th>rank</th><th>point</th>";
  for (const auto& p : plan.parameters) h += fmt::format("<th>{}</th>", escape_xml(short_name(p)));
  for (const auto& m : metrics) h += fmt::format("<th>{} (95% CI)</th>", escape_xml(m));
  h += "<th>checks</th></tr>";
  for (std::size_t p : summary.ranking) {
    const PointSummary& ps = summary.points[p];
    h += fmt::format("<tr{}><td>{}</td><td>{}</td>", ps.feasible ? "" : " class=\"x\"", ps.rank,
                     plan.points[p].id);
    for (const auto& v : plan.points[p].values)
      h += fmt::format("<td>{}</td>", escape_xml(value_text(v)));
    for (const auto& m : metrics) {
      const MetricStats* s = ps.metric(m);
      h +=
          "<td>" +
          (s == nullptr ? std::string("-")
           : s->ci_low ? fmt::format("{} [{}, {}]", num(s->mean), num(*s->ci_low), num(*s->ci_high))
                       : num(s->mean)) +
          "</td>";
    }
    h += fmt::format("<td>{:.0f}%</td></tr>", ps.check_pass_rate * 100);
  }
  return h + "</table></div></body></html>\n";
}

}  // namespace faultline::sweep

#include "explore/explore_html.h"

#include <fmt/format.h>

#include <algorithm>

#include "explore/explore_report.h"
#include "monitoring/svg_chart.h"

namespace faultline::explore {

namespace {

using monitoring::escape_xml;
using nlohmann::ordered_json;

constexpr const char* kCss =
    "body{font:14px/1.45 system-ui,sans-serif;margin:0 auto;max-width:980px;padding:16px;"
    "color:#111}h1{font-size:20px}h2{font-size:16px;margin-top:28px}svg{width:100%;height:auto}"
    "table{border-collapse:collapse;font-size:13px}td,th{padding:3px 8px;border-bottom:1px solid "
    "#e5e7eb;text-align:left;vertical-align:top}tr.x td:nth-child(3){color:#dc2626}"
    "code{font-size:12px}.wide{overflow-x:auto}figcaption{color:#555;font-size:13px}";

constexpr std::size_t kMaxRows = 500;

std::string text_of(const ordered_json& v) {
  return v.is_string() ? v.get<std::string>() : v.dump();
}

std::string faults_cell(const ordered_json& faults) {
  if (faults.empty()) return "<i>none</i>";
  std::string s;
  for (const auto& f : faults) s += fmt::format("<code>{}</code><br>", escape_xml(f.dump()));
  return s;
}

// The worst value known after each round of the search, as a step line.
std::string search_chart(const ordered_json& by_round, const std::string& metric) {
  std::vector<double> v;
  for (const auto& x : by_round) v.push_back(x.get<double>());
  if (v.size() < 2) return "";
  const auto [lo_it, hi_it] = std::minmax_element(v.begin(), v.end());
  double lo = *lo_it, hi = *hi_it;
  if (hi - lo < 1e-9) {
    lo -= 1;
    hi += 1;
  }
  constexpr double kW = 640, kH = 200, kL = 60, kR = 16, kT = 12, kB = 32;
  auto x = [&](std::size_t i) {
    return kL + (kW - kL - kR) * static_cast<double>(i) / static_cast<double>(v.size() - 1);
  };
  auto y = [&](double value) { return kT + (kH - kT - kB) * (hi - value) / (hi - lo); };
  std::string path;
  for (std::size_t i = 0; i < v.size(); ++i)
    path += fmt::format("{}{:.1f},{:.1f}", i == 0 ? "M" : " L", x(i), y(v[i]));
  std::string svg = fmt::format(
      "<figure><svg viewBox=\"0 0 {} {}\" role=\"img\" aria-label=\"worst {} by round\">", kW, kH,
      escape_xml(metric));
  svg += fmt::format(
      "<text x=\"{}\" y=\"{:.1f}\" text-anchor=\"end\">{:.4g}</text><text x=\"{}\" y=\"{:.1f}\" "
      "text-anchor=\"end\">{:.4g}</text>",
      kL - 6, y(hi) + 4, hi, kL - 6, y(lo) + 4, lo);
  svg += fmt::format(
      "<text x=\"{:.1f}\" y=\"{}\">start</text><text x=\"{:.1f}\" y=\"{}\" "
      "text-anchor=\"end\">round {}</text>",
      x(0), kH - 8, x(v.size() - 1), kH - 8, v.size() - 1);
  svg += fmt::format(
      "<path d=\"{}\" fill=\"none\" stroke=\"#dc2626\" stroke-width=\"2\"/></svg><figcaption>The "
      "worst {} known after each round of the adversarial search (round 0: the random "
      "schedules).</figcaption></figure>",
      path, escape_xml(metric));
  return svg;
}

}  // namespace

std::string explore_html(const ExploreReport& report) {
  const ordered_json& j = report.json;
  const std::string name = j.value("experiment", "");
  std::string h = fmt::format(
      "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
      "content=\"width=device-width, initial-scale=1\"><title>explore {}</title><style>{}</style>"
      "</head><body><h1>Explore {}</h1>",
      escape_xml(name), kCss, escape_xml(name));
  h += fmt::format(
      "<p>{} schedules of up to {} faults &times; {} seeds, drawn from seed {} and added to the "
      "file's {} faults. <b>{}</b></p>",
      j.value("runs", 0), j.value("max_faults", 0), j.value("seeds", 1),
      j.value("seed", std::uint64_t{0}), j.value("file_faults", 0),
      report.found() ? fmt::format("{} schedules fail.", report.failing_schedules)
                     : std::string("No schedule fails."));

  if (report.found()) {
    h += "<h2>Failures</h2><div class=\"wide\"><table><tr><th>check</th><th>schedules</th>"
         "<th>first</th><th>reproducer (faults)</th></tr>";
    for (const auto& f : j["failures"]) {
      h += fmt::format(
          "<tr><td>{}</td><td>{}</td><td>{} (seed {})</td><td><code>{}</code><br>{}</td></tr>",
          escape_xml(f.value("check", "")), f.value("schedules", 0),
          escape_xml(f.value("first_schedule", "")), f.value("first_seed", std::uint64_t{0}),
          escape_xml(f.value("reproducer", "")),
          faults_cell(f.contains("shrunk_faults") ? f["shrunk_faults"] : f["faults"]));
    }
    h += "</table></div>";
  }

  if (j.contains("objective")) {
    const ordered_json& o = j["objective"];
    const ordered_json& w = o["worst"];
    h += fmt::format(
        "<h2>Worst schedule for &ldquo;{}&rdquo;</h2><p><b>{}</b> gives {} = <b>{:.6g}</b> "
        "(mean over the seeds); reproducer <code>{}</code>.</p>{}",
        escape_xml(o.value("text", "")), escape_xml(text_of(w["schedule"])),
        escape_xml(o.value("metric", "")), w.value("value", 0.0),
        escape_xml(w.value("reproducer", "")), faults_cell(w["faults"]));
    if (o.contains("search")) {
      const ordered_json& a = o["search"];
      h += fmt::format(
          "<p>Adversarial search: {} schedules in {} rounds ({} climbers, {} moves each a round, "
          "{} restarts), from {:.6g} (the worst random schedule) to {:.6g}.</p>",
          a.value("runs", 0), a.value("rounds", 0), a.value("restarts", 0), a.value("neighbors", 0),
          a.value("climber_restarts", 0), a.value("start_value", 0.0),
          a.contains("value") ? a["value"].get<double>() : a.value("start_value", 0.0));
      h += search_chart(a["worst_by_round"], o.value("metric", ""));
    }
  }

  h += "<h2>Schedules</h2><div class=\"wide\"><table><tr><th>schedule</th><th>faults</th>"
       "<th>failed checks</th>";
  const bool objective = j.contains("objective");
  if (objective) h += fmt::format("<th>{}</th>", escape_xml(j["objective"].value("metric", "")));
  h += "</tr>";
  std::size_t rows = 0;
  for (const auto& s : j["schedules"]) {
    if (++rows > kMaxRows) break;
    std::string failed;
    for (const auto& c : s["failed_checks"])
      failed += (failed.empty() ? "" : "<br>") + escape_xml(c.get<std::string>());
    h += fmt::format("<tr{}><td>{}</td><td>{}</td><td>{}</td>",
                     s.value("passed", true) ? "" : " class=\"x\"",
                     escape_xml(s.value("schedule", "")), faults_cell(s["faults"]), failed);
    if (objective) h += fmt::format("<td>{:.6g}</td>", s.value("objective", 0.0));
    h += "</tr>";
  }
  h += "</table></div>";
  if (rows > kMaxRows)
    h += fmt::format("<p>{} more schedules in explore.csv.</p>", j["schedules"].size() - kMaxRows);
  return h + "</body></html>\n";
}

}  // namespace faultline::explore

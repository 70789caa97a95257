// The time charts of report.html, built from the per-second timeline.
#include <fmt/format.h>

#include <algorithm>

#include "monitoring/alerts.h"
#include "monitoring/html_report.h"
#include "monitoring/html_report_sections.h"
#include "monitoring/svg_chart.h"
#include "monitoring/timeline_csv.h"

namespace faultline::monitoring::html {

namespace {

// A lane with more transitions than this is drawn from the per-second states instead, so a
// flapping breaker does not put tens of thousands of rectangles in the page.
constexpr std::size_t kMaxLaneSegments = 2000;

constexpr const char* kP50 = "#0ea5e9";
constexpr const char* kP95 = "#4f46e5";
constexpr const char* kP99 = "#c026d3";
constexpr const char* kAnswered = "#0d9488";
constexpr const char* kErrors = "#dc2626";
constexpr const char* kClientTimeouts = "#d97706";

// The simulated series beside a live run's are drawn in the same colour, dashed.
constexpr const char* kSimDash = "5 3";

double chart_end_s(const RunOutcome& run) {
  return std::max({to_seconds(run.end), static_cast<double>(run.metrics->timeline().size()), 1.0});
}

// The simulated run of a live report, or null (a `run` report, an interrupted live run).
const RunOutcome* sim_of(const LiveComparison* live) { return live != nullptr ? live->sim : nullptr; }

std::string secs(double s) { return fmt::format("{:.1f} s", s); }

// Fault windows (top edge) and alert firings (bottom edge), shared by every time chart.
std::vector<Band> time_bands(const RunOutcome& run, const Evaluation& evaluation, double end_s) {
  std::vector<Band> out;
  const auto& faults = run.metrics->faults();
  for (std::size_t i = 0; i < faults.size(); ++i) {
    const sim::FaultMetrics& f = faults[i];
    const double start = to_seconds(f.start), end = to_seconds(f.end);
    if (start >= end_s) continue;  // scheduled after the measured end (health --at)
    Band b;
    b.x0 = start;
    b.x1 = end > start ? end : end_s;
    b.label = fmt::format("F{} {}", i, f.label);
    b.tooltip =
        fmt::format("fault {}: {}, {} to {}, {} hits", i, f.label, secs(start), secs(b.x1), f.hits);
    b.colour = kFaultBandColour;
    b.legend = "fault window";
    b.edge = BandEdge::kTop;
    b.opacity = 0.10;
    out.push_back(std::move(b));
  }
  for (const AlertEvent& a : evaluation.alerts) {
    if (!a.fired) continue;  // a Prometheus alert that was only pending: in the table, not drawn
    Band b;
    b.x0 = a.fired_at_s;
    b.x1 = a.resolved_at_s.value_or(end_s);
    b.label = a.name;
    b.tooltip = fmt::format(
        "alert {} ({}): fired at {}, {}", alert_display_name(a) + (a.source.empty() ? "" : " [" + a.rule + "]"), a.severity, secs(a.fired_at_s),
        a.resolved_at_s ? "resolved at " + secs(*a.resolved_at_s) : "still firing at the end");
    b.colour = kAlertBandColour;
    b.legend = "alert firing";
    b.edge = BandEdge::kBottom;
    b.opacity = 0.07;
    out.push_back(std::move(b));
  }
  return out;
}

// Row s covers [s, s+1): its point sits in the middle. A second with no answers has no
// latency (kNoValue breaks the line) rather than a misleading 0 ms. Reduced to at most
// kMaxChartPoints as the rows are read, so a day-long run never holds a point per second.
template <typename Value>
std::vector<Point> per_second(const RunOutcome& run, Value value, bool needs_answers, Reduce reduce) {
  const auto& rows = run.metrics->timeline();
  Downsampler out(rows.size(), kMaxChartPoints, reduce);
  std::size_t s = 0;
  for (const sim::TimelineRow& row : rows) {
    const bool has = !needs_answers || row.answered > 0;
    out.add({static_cast<double>(s) + 0.5, has ? static_cast<double>(value(row)) : kNoValue});
    ++s;
  }
  return out.take();
}

YScale latency_scale(experiments::LatencyAxis axis) {
  switch (axis) {
    case experiments::LatencyAxis::kLog:
      return YScale::kLog;
    case experiments::LatencyAxis::kLinear:
      return YScale::kLinear;
    case experiments::LatencyAxis::kClip:
      break;
  }
  return YScale::kClip;
}

std::string latency_chart(const RunOutcome& run, const RunOutcome* sim, const std::vector<Band>& bands, double end_s) {
  const experiments::Experiment& e = *run.experiment;
  LineChart c({.title = "Latency per second",
               .y_label = "ms",
               .x_max = end_s,
               .id = "chart-latency",
               .y_scale = latency_scale(e.report.latency_axis)});
  using Row = sim::TimelineRow;
  c.add_series({"P50", kP50,
                per_second(run, [](const Row& r) { return r.p50_ms; }, true, Reduce::kMean)});
  c.add_series({"P95", kP95,
                per_second(run, [](const Row& r) { return r.p95_ms; }, true, Reduce::kMax)});
  c.add_series({"P99", kP99,
                per_second(run, [](const Row& r) { return r.p99_ms; }, true, Reduce::kMax)});
  if (sim != nullptr) {
    c.add_series({"P50 sim", kP50, per_second(*sim, [](const Row& r) { return r.p50_ms; }, true, Reduce::kMean), 1.4, kSimDash});
    c.add_series({"P95 sim", kP95, per_second(*sim, [](const Row& r) { return r.p95_ms; }, true, Reduce::kMax), 1.4, kSimDash});
    c.add_series({"P99 sim", kP99, per_second(*sim, [](const Row& r) { return r.p99_ms; }, true, Reduce::kMax), 1.4, kSimDash});
  }
  // The run-wide SLO targets, for the eye: the per-second lines are not what the SLI measures
  // (that is the percentile over the whole run), but where they cross shows when it suffered.
  if (e.slo.latency_p95_ms) {
    c.add_reference({*e.slo.latency_p95_ms,
                     fmt::format("P95 target {} ms", format_value(*e.slo.latency_p95_ms)), kP95});
  }
  if (e.slo.latency_p99_ms) {
    c.add_reference({*e.slo.latency_p99_ms,
                     fmt::format("P99 target {} ms", format_value(*e.slo.latency_p99_ms)), kP99});
  }
  for (const Band& b : bands) c.add_band(b);
  return c.render();
}

std::string throughput_chart(const RunOutcome& run, const RunOutcome* sim, const std::vector<Band>& bands, double end_s) {
  LineChart c({.title = "Throughput and errors per second",
               .y_label = "requests/s",
               .x_max = end_s,
               .id = "chart-throughput"});
  using Row = sim::TimelineRow;
  c.add_series({"answered/s", kAnswered,
                per_second(run, [](const Row& r) { return r.answered; }, false, Reduce::kMean)});
  c.add_series({"5xx/s", kErrors,
                per_second(run, [](const Row& r) { return r.server_errors; }, false, Reduce::kMax)});
  // Only when some client gave up in the run: those requests are failures no 5xx line shows.
  const auto any_client_timeout = [](const RunOutcome& r) {
    const auto& rows = r.metrics->timeline();
    return std::any_of(rows.begin(), rows.end(), [](const Row& row) { return row.client_timeouts > 0; });
  };
  if (any_client_timeout(run)) {
    c.add_series({"client timeouts/s", kClientTimeouts,
                  per_second(run, [](const Row& r) { return r.client_timeouts; }, false, Reduce::kMax)});
  }
  if (sim != nullptr) {
    c.add_series({"answered/s sim", kAnswered,
                  per_second(*sim, [](const Row& r) { return r.answered; }, false, Reduce::kMean), 1.4, kSimDash});
    c.add_series({"5xx/s sim", kErrors,
                  per_second(*sim, [](const Row& r) { return r.server_errors; }, false, Reduce::kMax), 1.4, kSimDash});
    if (any_client_timeout(*sim)) {
      c.add_series({"client timeouts/s sim", kClientTimeouts,
                    per_second(*sim, [](const Row& r) { return r.client_timeouts; }, false, Reduce::kMax), 1.4,
                    kSimDash});
    }
  }
  for (const Band& b : bands) c.add_band(b);
  return c.render();
}

int severity(sim::BreakerSecondState s) {
  return s == sim::BreakerSecondState::kOpen ? 2 : s == sim::BreakerSecondState::kHalfOpen ? 1 : 0;
}

struct StateSpan {
  double x0, x1;
  std::string_view state;  // a literal or a transition's string, alive while the lane is built
};

void push_span(std::vector<StateSpan>& spans, double x0, double x1, std::string_view state) {
  if (x1 <= x0) return;
  if (!spans.empty() && spans.back().x1 == x0 && spans.back().state == state) {
    spans.back().x1 = x1;
  } else {
    spans.push_back({x0, x1, state});
  }
}

// From the exact transitions; past kMaxLaneSegments, from the per-second states, each bucket
// of seconds showing its worst state (OPEN over HALF_OPEN over CLOSED).
Lane breaker_lane(const RunOutcome& run, std::size_t b, double end_s, std::string_view suffix = {}) {
  const sim::Metrics& m = *run.metrics;
  const sim::BreakerMetrics& breaker = m.breakers()[b];
  std::vector<StateSpan> spans;
  if (breaker.transitions.size() <= kMaxLaneSegments) {
    double from = 0;
    std::string_view state =
        breaker.transitions.empty() ? breaker.state_at_end : breaker.transitions.front().from;
    for (const auto& t : breaker.transitions) {
      const double at = std::min(to_seconds(t.at), end_s);
      push_span(spans, from, at, state);
      from = at;
      state = t.to;
    }
    push_span(spans, from, end_s, state);
  } else {
    const std::size_t seconds = m.timeline().size();
    const std::size_t per =
        std::max<std::size_t>(1, (seconds + kMaxChartPoints - 1) / kMaxChartPoints);
    for (std::size_t s = 0; s < seconds; s += per) {
      const std::size_t end = std::min(seconds, s + per);
      sim::BreakerSecondState worst = sim::BreakerSecondState::kClosed;
      for (std::size_t i = s; i < end; ++i) {
        if (severity(m.breaker_state(i, b)) > severity(worst)) worst = m.breaker_state(i, b);
      }
      push_span(spans, static_cast<double>(s), static_cast<double>(end), breaker_state_name(worst));
    }
  }
  Lane lane{breaker.name + (breaker.type.empty() ? "" : " (" + breaker.type + ")") + std::string(suffix), {}};
  for (const StateSpan& span : spans) {
    lane.segments.push_back({span.x0, span.x1, breaker_state_colour(span.state),
                             fmt::format("{}: {} from {} to {}", breaker.name, span.state,
                                         secs(span.x0), secs(span.x1))});
  }
  return lane;
}

std::string breaker_chart(const RunOutcome& run, const RunOutcome* sim, const std::vector<Band>& bands, double end_s) {
  LaneChart c(
      {.title = "Circuit breaker states", .y_label = "", .x_max = end_s, .id = "chart-breakers"});
  for (std::size_t b = 0; b < run.metrics->breakers().size(); ++b) {
    if (sim == nullptr) {
      c.add_lane(breaker_lane(run, b, end_s));
      continue;
    }
    // Live above sim, breaker by breaker, so each pair of lanes reads as one comparison. A
    // run that observes no breaker (live --target) has only the simulated lanes.
    if (run.unobserved.empty()) c.add_lane(breaker_lane(run, b, end_s, " · live"));
    if (b < sim->metrics->breakers().size()) c.add_lane(breaker_lane(*sim, b, end_s, " · sim"));
  }
  c.add_legend({"CLOSED", breaker_state_colour("CLOSED")});
  c.add_legend({"HALF_OPEN", breaker_state_colour("HALF_OPEN")});
  c.add_legend({"OPEN", breaker_state_colour("OPEN")});
  for (const Band& b : bands) c.add_band(b);
  return c.render();
}

std::string latency_axis_note(experiments::LatencyAxis axis) {
  switch (axis) {
    case experiments::LatencyAxis::kLog:
      return " Logarithmic y axis (report.latency_axis: \"log\").";
    case experiments::LatencyAxis::kLinear:
      return " Linear y axis from 0 to the largest point (report.latency_axis: \"linear\").";
    case experiments::LatencyAxis::kClip:
      break;
  }
  return " When a few spikes would flatten the rest, the y axis is clipped (the note above the "
         "chart says where and how high the largest point is) and each point above it is marked "
         "on the top edge; report.latency_axis: \"log\" or \"linear\" shows the whole range.";
}

std::string figure(std::string_view svg, std::string_view caption) {
  return fmt::format(
      "<figure class=\"chart\">\n<div "
      "class=\"scroll\">\n{}</div>\n<figcaption>{}</figcaption>\n</figure>\n",
      svg, caption);
}

}  // namespace

const char* breaker_state_colour(std::string_view state) {
  if (state == "CLOSED") return "#22c55e";
  if (state == "OPEN") return "#ef4444";
  if (state == "HALF_OPEN") return "#f59e0b";
  return "#94a3b8";
}

std::string charts_section(const RunOutcome& run, const Evaluation& evaluation, const LiveComparison* live) {
  const RunOutcome* sim = sim_of(live);
  const double end_s = sim != nullptr ? std::max(chart_end_s(run), chart_end_s(*sim)) : chart_end_s(run);
  const std::vector<Band> bands = time_bands(run, evaluation, end_s);
  const bool downsampled = run.metrics->timeline().size() > kMaxChartPoints;
  const std::string note =
      downsampled ? fmt::format(
                        " Downsampled to at most {} points per series (max of each bucket "
                        "for P95, P99 and 5xx; mean for P50 and throughput).",
                        kMaxChartPoints)
                  : std::string();
  std::string out = "<section id=\"charts\">\n<h2>Timeline</h2>\n";
  const std::string sim_note =
      sim != nullptr ? " Solid: the live run, measured on the wall clock; dashed, same colour (\"sim\"): the "
                       "simulation of the same file and seed."
                     : std::string();
  out += figure(latency_chart(run, sim, bands, end_s),
                "Latency percentiles of the requests answered in each virtual second; gaps are "
                "seconds with no answers. Dashed: the SLO's P95 and P99 targets. Shaded: fault "
                "windows (top strip) and alert firings (bottom strip)." +
                    sim_note + latency_axis_note(run.experiment->report.latency_axis) + note);
  out += figure(
      throughput_chart(run, sim, bands, end_s),
      "Requests answered per virtual second (any status) and 5xx answers per second." + sim_note + note);
  if (!run.metrics->breakers().empty()) {
    std::string caption = "State of each circuit breaker over virtual time, from its recorded transitions.";
    if (sim != nullptr) {
      caption += run.unobserved.empty() ? " For each breaker, the live run's lane above the simulation's."
                                        : " Simulated lanes only: " + run.unobserved + ".";
    }
    out += figure(breaker_chart(run, sim, bands, end_s), caption);
  }
  out += "</section>\n";
  return out;
}

}  // namespace faultline::monitoring::html

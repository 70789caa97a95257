// The tables of report.html. Every text from the experiment or the run is escaped.
#include <fmt/format.h>

#include <algorithm>
#include <iterator>

#include "monitoring/alerts.h"
#include "monitoring/console_report.h"
#include "monitoring/html_report_sections.h"
#include "monitoring/svg_chart.h"

namespace faultline::monitoring::html {

namespace {

using Rows = std::vector<std::vector<std::string>>;

std::string esc(std::string_view s) { return escape_xml(s); }
std::string secs(double s) { return fmt::format("{:.1f} s", s); }

double percent(std::uint64_t part, std::uint64_t whole) {
  return whole == 0 ? 0.0 : 100.0 * static_cast<double>(part) / static_cast<double>(whole);
}

// `align` has one letter per column: 'l' text, 'r' numbers (right-aligned, tabular figures).
// Cells are HTML already escaped by the caller.
std::string table(std::string_view cls, const std::vector<std::string>& head,
                  std::string_view align, const Rows& rows) {
  fmt::memory_buffer buf;
  auto out = std::back_inserter(buf);
  fmt::format_to(out, "<div class=\"table-wrap {0}\"><table class=\"{0}\">\n<thead><tr>", cls);
  for (std::size_t i = 0; i < head.size(); ++i) {
    fmt::format_to(out, "<th{}>{}</th>", align[i] == 'r' ? " class=\"num\"" : "", esc(head[i]));
  }
  fmt::format_to(out, "</tr></thead>\n<tbody>\n");
  for (const auto& row : rows) {
    fmt::format_to(out, "<tr>");
    for (std::size_t i = 0; i < row.size(); ++i) {
      fmt::format_to(out, "<td{}>{}</td>", align[i] == 'r' ? " class=\"num\"" : "", row[i]);
    }
    fmt::format_to(out, "</tr>\n");
  }
  fmt::format_to(out, "</tbody></table></div>\n");
  return fmt::to_string(buf);
}

std::string section(std::string_view id, std::string_view title, std::string_view body) {
  return fmt::format("<section id=\"{}\">\n<h2>{}</h2>\n{}</section>\n", id, title, body);
}

std::string empty(std::string_view what) {
  return fmt::format("<p class=\"empty\">{}</p>\n", what);
}

// "≥ 99.90 %" reads better than the console's ASCII ">=".
std::string target_html(const SliResult& s) {
  std::string t = sli_target_text(s);
  if (t.rfind(">=", 0) == 0) return "≥" + esc(t.substr(2));
  if (t.rfind("<=", 0) == 0) return "≤" + esc(t.substr(2));
  return esc(t);
}

}  // namespace

std::string status_mark(Mark mark) {
  // 16x16 glyphs in currentColor, sized to the text (1em) and set on its baseline.
  const char* path = "";
  switch (mark) {
    case Mark::kPass:
      path = "<circle cx=\"8\" cy=\"8\" r=\"7\" fill=\"currentColor\"/>"
             "<path d=\"M4.5 8.2l2.3 2.3 4.7-4.9\" fill=\"none\" stroke=\"#fff\" stroke-width=\"1.8\"/>";
      break;
    case Mark::kFail:
      path = "<circle cx=\"8\" cy=\"8\" r=\"7\" fill=\"currentColor\"/>"
             "<path d=\"M5.2 5.2l5.6 5.6M10.8 5.2l-5.6 5.6\" stroke=\"#fff\" stroke-width=\"1.8\"/>";
      break;
    case Mark::kWarn:
      path = "<path d=\"M8 1.2L15.2 14.5H0.8z\" fill=\"currentColor\"/>"
             "<path d=\"M8 5.6v4.4M8 11.6v1.4\" stroke=\"#fff\" stroke-width=\"1.8\"/>";
      break;
  }
  return fmt::format(
      "<svg class=\"mark\" viewBox=\"0 0 16 16\" width=\"1em\" height=\"1em\" "
      "aria-hidden=\"true\" style=\"vertical-align:-0.125em\">{}</svg>",
      path);
}

namespace {

std::string sli_pill(SliStatus s) {
  switch (s) {
    case SliStatus::kMeeting:
      return "<span class=\"pill ok\">" + status_mark(Mark::kPass) + " meeting</span>";
    case SliStatus::kAtRisk:
      return "<span class=\"pill warn\">" + status_mark(Mark::kWarn) + " at risk</span>";
    case SliStatus::kBreaching:
      return "<span class=\"pill bad\">" + status_mark(Mark::kFail) + " breaching</span>";
  }
  return "";
}

std::string state_pill(std::string_view state) {
  const char* cls = state == "CLOSED" ? "ok" : state == "OPEN" ? "bad" : "warn";
  return fmt::format("<span class=\"pill {}\">{}</span>", cls, esc(state));
}

std::string sli_table(const Evaluation& e) {
  if (e.slis.empty()) return empty("No SLIs were evaluated.");
  Rows rows;
  for (const SliResult& s : e.slis) {
    rows.push_back({fmt::format("<strong>{}</strong>", esc(s.name)),
                    esc(format_sli_value(s, s.current)), target_html(s), sli_pill(s.status),
                    esc(to_string(s.trend))});
  }
  return table("slis", {"SLI", "Current", "Target", "Status", "Trend"}, "lrrll", rows);
}

std::string check_table(const Evaluation& e) {
  if (e.checks.empty()) return empty("The experiment has no checks.");
  Rows rows;
  for (const CheckResult& c : e.checks) {
    std::string detail = esc(c.detail);
    if (!c.pointer.empty()) detail += fmt::format(" <code>{}</code>", esc(c.pointer));
    std::string pill = c.passed ? "<span class=\"pill ok\">" + status_mark(Mark::kPass) + " pass</span>"
                                : "<span class=\"pill bad\">" + status_mark(Mark::kFail) + " fail</span>";
    if (!c.evaluated) pill = "<span class=\"pill bad\">" + status_mark(Mark::kFail) + " not evaluated</span>";
    rows.push_back({pill, esc(c.name), detail});
  }
  return table("checks", {"Result", "Check", "Detail"}, "lll", rows);
}

std::string alert_table(const Evaluation& e, double end_s) {
  if (e.alerts.empty()) return empty("No alert fired.");
  Rows rows;
  for (const AlertEvent& a : e.alerts) {
    const double until = a.resolved_at_s.value_or(end_s);
    // A Prometheus rule's alert shows its labels and rule; one only pending shows when dropped.
    const std::string name = fmt::format("<strong>{}</strong>", esc(alert_display_name(a))) +
                             (a.source.empty() ? "" : fmt::format("<br><small>{} {}</small>", esc(a.source), esc(a.rule)));
    if (!a.fired) {
      rows.push_back({name, esc(a.severity), secs(a.pending_at_s), "never",
                      a.resolved_at_s ? "dropped at " + secs(*a.resolved_at_s) : "<span class=\"pill\">still pending</span>",
                      "0 s"});
      continue;
    }
    rows.push_back(
        {name, esc(a.severity), secs(a.pending_at_s),
         secs(a.fired_at_s),
         a.resolved_at_s ? secs(*a.resolved_at_s) : "<span class=\"pill bad\">still firing</span>",
         secs(until - a.fired_at_s)});
  }
  return table("alerts",
               {"Alert", "Severity", "Pending at", "Fired at", "Resolved at", "Firing for"},
               "llrrrr", rows);
}

std::string fault_table(const sim::Metrics& m) {
  if (m.faults().empty()) return empty("The experiment injects no faults.");
  Rows rows;
  for (std::size_t i = 0; i < m.faults().size(); ++i) {
    const sim::FaultMetrics& f = m.faults()[i];
    const double start = to_seconds(f.start), end = to_seconds(f.end);
    rows.push_back({fmt::format("F{}", i), esc(f.label), secs(start), secs(end), secs(end - start),
                    fmt::format("{}", f.hits)});
  }
  return table("faults", {"#", "Fault", "Start", "End", "Duration", "Hits"}, "llrrrr", rows);
}

std::string breaker_table(const sim::Metrics& m) {
  if (m.breakers().empty()) return empty("No circuit breakers are configured.");
  Rows rows;
  std::string details;
  for (const sim::BreakerMetrics& b : m.breakers()) {
    const auto opens = std::count_if(b.transitions.begin(), b.transitions.end(),
                                     [](const auto& t) { return t.to == "OPEN"; });
    rows.push_back({fmt::format("<strong>{}</strong>", esc(b.name)), esc(b.type),
                    state_pill(b.state_at_end), fmt::format("{}", opens),
                    fmt::format("{}", b.transitions.size()), fmt::format("{}", b.rejected),
                    fmt::format("{}", b.calls_while_open)});
    if (b.transitions.empty()) continue;
    Rows transitions;
    for (const auto& t : b.transitions) {
      transitions.push_back(
          {secs(to_seconds(t.at)), state_pill(t.from), state_pill(t.to), esc(t.reason)});
    }
    details +=
        fmt::format("<details><summary>{} — {} transition{}</summary>\n{}</details>\n", esc(b.name),
                    b.transitions.size(), b.transitions.size() == 1 ? "" : "s",
                    table("transitions", {"At", "From", "To", "Reason"}, "rlll", transitions));
  }
  return table("breakers",
               {"Breaker", "Type", "State at end", "Opens", "Transitions", "Rejected",
                "Calls while open"},
               "lllrrrr", rows) +
         details;
}

std::string dependency_table(const sim::Metrics& m) {
  if (m.dependencies().empty()) return empty("No dependencies.");
  Rows rows;
  for (const sim::DependencyMetrics& d : m.dependencies()) {
    const bool any = d.latency.count() > 0;
    rows.push_back(
        {fmt::format("<strong>{}</strong>", esc(d.name)), fmt::format("{}", d.calls),
         fmt::format("{}", d.errors), fmt::format("{:.2f} %", percent(d.errors, d.calls)),
         fmt::format("{}", d.timeouts), any ? format_ms(d.latency.mean_ms()) + " ms" : "-",
         any ? format_ms(to_millis(d.latency.quantile(0.95))) + " ms" : "-",
         any ? format_ms(to_millis(d.latency.quantile(0.99))) + " ms" : "-"});
  }
  std::string out =
      table("dependencies",
            {"Dependency", "Calls", "Errors", "Error rate", "Timeouts", "Mean", "P95", "P99"},
            "lrrrrrrr", rows);
  const sim::CoalescingMetrics& c = m.coalescing();
  if (c.requests > 0) {
    out += fmt::format(
        "<p class=\"note\">Request coalescing: {} requests, {} executions, {} cache hits, "
        "{} joined in flight.</p>\n",
        c.requests, c.executions, c.cache_hits, c.joined_in_flight);
  }
  return out;
}

std::string status_table(const sim::Metrics& m) {
  const auto& t = m.totals();
  if (t.by_status.empty()) return empty("No requests were answered.");
  Rows rows;
  for (const auto& [status, n] : t.by_status) {
    // The two outcomes the client gives itself are not HTTP answers: name them.
    const char* label = status == 499 ? " (client timeout)" : status == 0 ? " (no answer)" : "";
    rows.push_back({fmt::format("{}{}", status, label), fmt::format("{}", n),
                    fmt::format("{:.2f} %", percent(n, t.total))});
  }
  std::string out = table("statuses", {"Status", "Requests", "Share"}, "rrr", rows);
  out += fmt::format(
      "<p class=\"note\">Degraded answers (counted as successes): {}. Client timeouts (499, "
      "counted as failed): {}. Unanswered when the drain ended (0, counted as failed): {}. "
      "Still in flight at the end: {}.</p>\n",
      t.degraded, t.client_timeouts, t.unanswered, t.unfinished);
  return out;
}

std::string ok_pill(bool ok) {
  return ok ? "<span class=\"pill ok\">" + status_mark(Mark::kPass) + " ok</span>"
            : "<span class=\"pill bad\">" + status_mark(Mark::kFail) + " fail</span>";
}

std::string fidelity_sli_table(const Fidelity& f) {
  if (f.slis.empty()) return empty("No SLI to compare.");
  Rows rows;
  for (const SliFidelity& s : f.slis) {
    const std::string unit = s.unit.empty() ? "" : " " + esc(s.unit);
    // A difference of two percentages is in points (the availability tolerance is stated so).
    const std::string diff_unit = s.unit == "%" ? " points" : unit;
    rows.push_back({fmt::format("<strong>{}</strong>", esc(s.name)), fmt::format("{:.3f}{}", s.sim, unit),
                    fmt::format("{:.3f}{}", s.live, unit), fmt::format("{:+.3f}{}", s.diff, diff_unit),
                    s.rel_diff ? fmt::format("{:+.1f} %", *s.rel_diff * 100) : "-",
                    s.judged ? ok_pill(s.ok) : "<span class=\"note\">reported</span>"});
  }
  return table("fidelity-slis", {"SLI", "Simulation", "Live", "Diff (live - sim)", "Relative", "Judged"}, "lrrrrl",
               rows);
}

std::string fidelity_breaker_table(const Fidelity& f) {
  for (const auto& [what, why] : f.not_compared) {
    if (what != "breakers") continue;
    const std::string text = "Breakers not compared: " + esc(why) + ".";
    return empty(std::string_view(text));
  }
  Rows rows;
  for (const BreakerFidelity& b : f.breakers) {
    for (std::size_t i = 0; i < b.transitions.size(); ++i) {
      const TransitionFidelity& t = b.transitions[i];
      const auto at = [](const std::optional<double>& v) { return v ? fmt::format("{:.3f} s", *v) : std::string("none"); };
      rows.push_back({fmt::format("<strong>{}</strong>", esc(b.name)), fmt::format("{}", i),
                      esc(t.from) + " → " + esc(t.to), at(t.sim_s), at(t.live_s),
                      t.diff_s ? fmt::format("{:+.3f} s", *t.diff_s) : "-", ok_pill(t.ok)});
    }
  }
  if (rows.empty()) return empty("No breaker changed state in either run.");
  return table("fidelity-breakers", {"Breaker", "#", "Transition", "Simulation", "Live", "Diff", "Within tolerance"},
               "lrlrrrl", rows);
}

}  // namespace

std::string fidelity_section(const LiveComparison* live) {
  if (live == nullptr) return "";
  if (live->fidelity == nullptr) {
    std::string body;
    for (const std::string& n : live->notes) body += fmt::format("<p class=\"note\">{}</p>\n", esc(n));
    return section("fidelity", "Live vs simulation", body.empty() ? empty("Not compared.") : body);
  }
  const Fidelity& f = *live->fidelity;
  std::string body = fmt::format(
      "<p class=\"outcome {}\">{} Fidelity {}: the live run {} the simulation of the same file and seed within "
      "the tolerances (availability ±{} points, P95 and P99 ±{} %, breaker transitions ±{} s{}).</p>\n",
      f.passed ? "pass" : "fail", status_mark(f.passed ? Mark::kPass : Mark::kFail), f.passed ? "PASS" : "FAIL",
      f.passed ? "matches" : "does not match", format_value(f.tolerances.availability_points),
      format_value(f.tolerances.latency_relative * 100), format_value(f.tolerances.breaker_seconds),
      f.tolerances.same_alerts ? ", the same alerts" : "");
  if (!f.failures.empty()) {
    body += "<ul>";
    for (const std::string& line : f.failures) body += "<li>" + esc(line) + "</li>";
    body += "</ul>\n";
  }
  body += fidelity_sli_table(f);
  body += "<h3>Breaker transitions</h3>\n" + fidelity_breaker_table(f);
  const auto names = [](const std::vector<std::string>& v) {
    std::string out;
    for (const std::string& n : v) out += (out.empty() ? "" : ", ") + esc(n);
    return out.empty() ? std::string("none") : out;
  };
  body += fmt::format("<h3>Alerts fired</h3>\n<p>Simulation: {}. Live: {}. {}</p>\n", names(f.sim_alerts),
                      names(f.live_alerts), ok_pill(f.alerts_ok));
  for (const auto& [what, why] : f.not_compared) {
    if (what != "breakers") body += fmt::format("<p class=\"note\">{} not compared: {}.</p>\n", esc(what), esc(why));
  }
  for (const std::string& n : live->notes) body += fmt::format("<p class=\"note\">{}</p>\n", esc(n));
  return section("fidelity", "Live vs simulation", body);
}

std::string tables_section(const RunOutcome& run, const Evaluation& evaluation) {
  const sim::Metrics& m = *run.metrics;
  const double end_s = to_seconds(run.end);
  std::string out;
  out += section("slis", "Service level indicators", sli_table(evaluation));
  out += section("checks", "Checks", check_table(evaluation));
  out += section("alerts", "Alerts", alert_table(evaluation, end_s));
  out += section("faults", "Faults", fault_table(m));
  if (run.unobserved.empty()) {
    out += section("breakers", "Circuit breakers", breaker_table(m));
    out += section("dependencies", "Dependencies", dependency_table(m));
  } else {
    // Zeros here would read as "never opened, never called": say that nothing was observed.
    const std::string text = "Not observed: " + esc(run.unobserved) + ".";
    const std::string why = empty(std::string_view(text));
    out += section("breakers", "Circuit breakers", why);
    out += section("dependencies", "Dependencies", why);
  }
  out += section("statuses", "Responses by status", status_table(m));
  return out;
}

}  // namespace faultline::monitoring::html

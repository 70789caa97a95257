#include "monitoring/alerts.h"
#include "monitoring/console_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <iterator>

#include "monitoring/terminal.h"

namespace faultline::monitoring {

namespace {

using Out = std::back_insert_iterator<fmt::memory_buffer>;

constexpr std::size_t kTransitionsShown = 10;  // per breaker, at normal verbosity

const SliResult* find_sli(const Evaluation& e, std::string_view name) {
  for (const SliResult& s : e.slis) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

bool higher_is_better(const SliResult& sli) {
  return sli.name.rfind("availability", 0) == 0 || sli.name.rfind("throughput", 0) == 0;
}

double percent(std::uint64_t part, std::uint64_t whole) {
  return whole == 0 ? 0.0 : 100.0 * static_cast<double>(part) / static_cast<double>(whole);
}

std::string status_text(SliStatus s, bool colour) {
  switch (s) {
    case SliStatus::kMeeting:
      return "✅ " + paint("meeting", Colour::kGreen, colour);
    case SliStatus::kAtRisk:
      return "⚠️  " + paint("at risk", Colour::kYellow, colour);
    case SliStatus::kBreaching:
      return "❌ " + paint("breaching", Colour::kRed, colour);
  }
  return "";
}

std::string seconds_text(double s) { return fmt::format("{:.1f} s", s); }

// Pads a possibly painted text to `width` visible columns: fmt's width would count the ANSI
// escapes and the columns would shift when colour is on.
std::string padded(const std::string& painted, std::size_t visible, std::size_t width) {
  return painted + std::string(width > visible ? width - visible : 0, ' ');
}

// Characters a POSIX shell reads literally; anything else gets single quotes.
std::string shell_quote(const std::string& word) {
  const bool plain = !word.empty() && std::all_of(word.begin(), word.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) ||
           std::string_view("_./=:,@%+-").find(c) != std::string_view::npos;
  });
  if (plain) return word;
  std::string out = "'";
  for (char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

void section(Out out, std::string_view title, bool colour) {
  fmt::format_to(out, "\n{}\n", paint(title, Colour::kBold, colour));
}

void guide_block(Out out, const LoadTestFigures& f) {
  // The guide's wording, line for line, so its readers (and scripts) find what they expect.
  fmt::format_to(out, "📊 Load Test Results:\n{}\n", std::string(50, '='));
  fmt::format_to(out, "Total Requests: {}\n", f.total_requests);
  fmt::format_to(out, "Success Rate: {:.2f}%\n", f.success_rate);
  fmt::format_to(out, "Average Response Time: {}ms\n", format_ms(f.mean_ms));
  fmt::format_to(out, "P95 Response Time: {}ms\n", format_ms(f.p95_ms));
  fmt::format_to(out, "P99 Response Time: {}ms\n", format_ms(f.p99_ms));
  fmt::format_to(out, "Requests/Second: {:.1f}\n", f.requests_per_second);
  fmt::format_to(out, "Concurrent Users: {}\n", f.concurrent_users);
}

void statuses(Out out, const sim::Metrics& m) {
  const auto& t = m.totals();
  std::string codes;
  for (const auto& [status, n] : t.by_status) {
    codes += fmt::format("{}{} {}", codes.empty() ? "" : " · ", status, n);
  }
  fmt::format_to(out, "Statuses: {}  (degraded {}, unfinished {})\n", codes.empty() ? "-" : codes,
                 t.degraded, t.unfinished);
}

// Requests the client got nothing usable for, in words (at every verbosity): they are easy to
// miss in a list of codes, and they are what decides a run whose server hung.
void no_answer_line(Out out, const sim::Metrics& m, bool colour) {
  const auto& t = m.totals();
  const std::uint64_t n = t.client_timeouts + t.unanswered;
  if (n == 0) return;
  const double share = t.total == 0 ? 0.0 : 100.0 * static_cast<double>(n) / static_cast<double>(t.total);
  fmt::format_to(out, "{}\n",
                 paint(fmt::format("No answer for {} requests ({:.2f}% of {}): {} client timeouts (499), {} still "
                                   "unanswered when the drain ended (0); counted as failed.",
                                   n, share, t.total, t.client_timeouts, t.unanswered),
                       Colour::kRed, colour));
}

void sli_table(Out out, const Evaluation& e, bool colour) {
  std::size_t name_w = 4, value_w = 5, target_w = 6;
  for (const SliResult& s : e.slis) {
    name_w = std::max(name_w, s.name.size());
    value_w = std::max(value_w, format_sli_value(s, s.current).size());
    target_w = std::max(target_w, sli_target_text(s).size());
  }
  for (const SliResult& s : e.slis) {
    // The status sits last: emoji widths differ between terminals and would skew columns.
    fmt::format_to(out, "  {:<{}}  {:>{}}   target {:<{}}  {}  ({})\n", s.name, name_w,
                   format_sli_value(s, s.current), value_w, sli_target_text(s), target_w,
                   status_text(s.status, colour), to_string(s.trend));
  }
}

void breaker_section(Out out, const sim::Metrics& m, const ConsoleOptions& o) {
  for (const sim::BreakerMetrics& b : m.breakers()) {
    fmt::format_to(
        out, "  {} ({})  {} at end · {} transition{} · rejected {} · calls while open {}\n",
        paint(b.name, Colour::kBold, o.colour), b.type.empty() ? "-" : b.type, b.state_at_end,
        b.transitions.size(), b.transitions.size() == 1 ? "" : "s", b.rejected, b.calls_while_open);
    const std::size_t shown = o.verbosity == Verbosity::kVerbose
                                  ? b.transitions.size()
                                  : std::min(b.transitions.size(), kTransitionsShown);
    for (std::size_t i = 0; i < shown; ++i) {
      const sim::BreakerTransitionRecord& t = b.transitions[i];
      const Colour c = t.to == "OPEN"     ? Colour::kRed
                       : t.to == "CLOSED" ? Colour::kGreen
                                          : Colour::kYellow;
      fmt::format_to(out, "    {:>9}  {:<9} -> {}  {}\n", seconds_text(to_seconds(t.at)), t.from,
                     padded(paint(t.to, c, o.colour), t.to.size(), 9), t.reason);
    }
    if (shown < b.transitions.size()) {
      fmt::format_to(out, "    ... {} more (all in summary.json; per second in timeline.csv)\n",
                     b.transitions.size() - shown);
    }
  }
}

void fault_section(Out out, const sim::Metrics& m) {
  std::size_t label_w = 5;
  for (const auto& f : m.faults()) label_w = std::max(label_w, f.label.size());
  for (std::size_t i = 0; i < m.faults().size(); ++i) {
    const sim::FaultMetrics& f = m.faults()[i];
    const double start = to_seconds(f.start), end = to_seconds(f.end);
    fmt::format_to(out, "  #{:<2} {:<{}}  {:>9} -> {:<9} {:<10}  hits {}\n", i, f.label, label_w,
                   seconds_text(start), seconds_text(end), fmt::format("({:.1f} s)", end - start),
                   f.hits);
  }
}

void alert_section(Out out, const Evaluation& e, bool colour) {
  if (e.alerts.empty()) {
    fmt::format_to(out, "  none fired\n");
    return;
  }
  std::size_t label_w = 0;
  for (const AlertEvent& a : e.alerts)
    label_w = std::max(label_w, alert_display_name(a).size() + std::max<std::size_t>(1, a.severity.size()) + 3);
  for (const AlertEvent& a : e.alerts) {
    const std::string severity = a.severity.empty() ? "-" : a.severity;
    const std::string name = alert_display_name(a);
    std::string resolved = a.resolved_at_s
                               ? (a.fired ? "resolved " : "dropped ") + seconds_text(*a.resolved_at_s)
                               : paint(a.fired ? "still firing at the end" : "still pending at the end",
                                       a.fired ? Colour::kRed : Colour::kBold, colour);
    // A Prometheus rule's alert says where its rule is.
    if (!a.source.empty()) resolved += "  (" + a.rule + ")";
    const std::string label = paint(name, Colour::kBold, colour) + " [" + severity + "]";
    fmt::format_to(out, "  {}  pending {:>9}  fired {:>9}  {}\n",
                   padded(label, name.size() + severity.size() + 3, label_w), seconds_text(a.pending_at_s),
                   a.fired ? seconds_text(a.fired_at_s) : std::string("never"), resolved);
  }
}

void check_section(Out out, const Evaluation& e, bool colour) {
  if (e.checks.empty()) fmt::format_to(out, "  none\n");
  for (const CheckResult& c : e.checks) {
    const std::string mark =
        c.passed ? paint("✓", Colour::kGreen, colour) : paint("✗", Colour::kRed, colour);
    fmt::format_to(out, "  {} {}", mark, c.name);
    if (!c.detail.empty()) fmt::format_to(out, " — {}", c.detail);
    if (!c.passed && !c.pointer.empty()) fmt::format_to(out, " ({})", c.pointer);
    fmt::format_to(out, "\n");
  }
}

void dependency_section(Out out, const sim::Metrics& m) {
  std::size_t name_w = 4;
  for (const auto& d : m.dependencies()) name_w = std::max(name_w, d.name.size());
  for (const sim::DependencyMetrics& d : m.dependencies()) {
    fmt::format_to(
        out,
        "  {:<{}}  calls {}  errors {} ({:.2f}%)  timeouts {}  mean {} ms  p95 {} ms  p99 {} ms\n",
        d.name, name_w, d.calls, d.errors, percent(d.errors, d.calls), d.timeouts,
        format_ms(d.latency.mean_ms()), format_ms(to_millis(d.latency.quantile(0.95))),
        format_ms(to_millis(d.latency.quantile(0.99))));
  }
  const sim::CoalescingMetrics& c = m.coalescing();
  fmt::format_to(out,
                 "  coalescing: requests {}  executions {}  cache hits {}  joined in flight {}\n",
                 c.requests, c.executions, c.cache_hits, c.joined_in_flight);
}

}  // namespace

std::string format_ms(double ms) {
  if (!std::isfinite(ms)) return "-";
  if (ms >= 100) return fmt::format("{:.0f}", ms);
  if (ms >= 10) return fmt::format("{:.1f}", ms);
  return fmt::format("{:.2f}", ms);
}

std::string format_sli_value(const SliResult& sli, double value) {
  if (sli.unit == "ms") return format_ms(value) + " ms";
  if (sli.unit == "%") return fmt::format("{:.2f} %", value);
  if (sli.unit.empty()) return fmt::format("{:.2f}", value);
  return fmt::format("{:.1f} {}", value, sli.unit);
}

std::string sli_target_text(const SliResult& sli) {
  if (!sli.target) return "-";
  return fmt::format("{} {}",
                     higher_is_better(sli) ? ">=" : "<=", format_sli_value(sli, *sli.target));
}

std::string reproduce_command(const RunOutcome& run, const std::vector<std::string>& set_args) {
  const experiments::Experiment& e = *run.experiment;
  const std::string file = e.file.empty() ? e.name + ".json" : e.file;
  std::string cmd = fmt::format("faultline {} {} --seed {}", run.live ? "live" : "run", shell_quote(file), e.seed);
  for (const std::string& s : set_args) cmd += " --set " + shell_quote(s);
  return cmd;
}

std::vector<const CheckResult*> failed_checks(const Evaluation& evaluation) {
  std::vector<const CheckResult*> out;
  for (const CheckResult& c : evaluation.checks) {
    if (!c.passed) out.push_back(&c);
  }
  return out;
}

LoadTestFigures load_test_figures(const RunOutcome& run, const Evaluation& evaluation) {
  const sim::Metrics& m = *run.metrics;
  const experiments::Experiment& e = *run.experiment;
  LoadTestFigures f;
  f.total_requests = m.totals().total;
  f.success_rate = percent(m.totals().succeeded, m.totals().total);
  const sim::LatencyHistogram& h = m.latency();
  if (h.count() > 0) {
    f.mean_ms = h.mean_ms();
    f.p50_ms = to_millis(h.quantile(0.50));
    f.p95_ms = to_millis(h.quantile(0.95));
    f.p99_ms = to_millis(h.quantile(0.99));
    f.max_ms = to_millis(h.max());
  }
  if (const SliResult* t = find_sli(evaluation, "throughput")) {
    f.requests_per_second = t->current;
  } else {
    const double measured = to_seconds(run.end - e.warmup);
    f.requests_per_second = measured > 0 ? static_cast<double>(f.total_requests) / measured : 0;
  }
  f.open_model = e.load.model == experiments::LoadModel::kOpen;
  f.load_peak = f.open_model ? e.load.rps : e.load.users;
  for (const auto& stage : e.load.stages) f.load_peak = std::max(f.load_peak, stage.target);
  for (const sim::TimelineRow& r : m.timeline()) {
    f.peak_in_flight = std::max(f.peak_in_flight, r.in_flight);
  }
  f.concurrent_users = f.open_model ? fmt::format("open model, {:.1f} rps (peak {} in flight)",
                                                  f.load_peak, f.peak_in_flight)
                                    : fmt::format("{:.0f}", f.load_peak);
  for (const sim::BreakerMetrics& b : m.breakers()) {
    f.breaker_opens += static_cast<std::uint64_t>(std::count_if(
        b.transitions.begin(), b.transitions.end(), [](const auto& t) { return t.to == "OPEN"; }));
  }
  return f;
}

std::string console_report(const RunOutcome& run, const Evaluation& evaluation,
                           const ConsoleOptions& options) {
  const experiments::Experiment& e = *run.experiment;
  const sim::Metrics& m = *run.metrics;
  const bool colour = options.colour;
  const LoadTestFigures figures = load_test_figures(run, evaluation);
  fmt::memory_buffer buf;
  Out out = std::back_inserter(buf);

  fmt::format_to(out, "{}", paint(e.name, Colour::kBold, colour));
  if (!e.description.empty()) fmt::format_to(out, " — {}", e.description);
  fmt::format_to(out, "  (seed {}, {} virtual)\n\n", e.seed, seconds_text(to_seconds(run.end)));
  guide_block(out, figures);
  if (options.verbosity == Verbosity::kVerbose) statuses(out, m);
  no_answer_line(out, m, colour);

  section(out, "SLIs:", colour);
  if (evaluation.slis.empty()) fmt::format_to(out, "  none\n");
  sli_table(out, evaluation, colour);
  if (!m.breakers().empty()) {
    section(out, "Circuit breakers:", colour);
    // live --target: zeros would read as "never opened"; nothing was observed.
    if (run.unobserved.empty()) breaker_section(out, m, options);
    else fmt::format_to(out, "  not observed: {}\n", run.unobserved);
  }
  if (!m.faults().empty()) {
    section(out, "Faults:", colour);
    fault_section(out, m);
  }
  section(out, "Alerts:", colour);
  alert_section(out, evaluation, colour);
  if (options.verbosity == Verbosity::kVerbose && !m.dependencies().empty()) {
    section(out, "Dependencies:", colour);
    if (run.unobserved.empty()) dependency_section(out, m);
    else fmt::format_to(out, "  not observed: {}\n", run.unobserved);
  }
  section(out, "Checks:", colour);
  check_section(out, evaluation, colour);

  fmt::format_to(out, "\n");
  const auto failed = failed_checks(evaluation);
  if (evaluation.passed) {
    fmt::format_to(out, "{}\n", paint("✅ Load test passed!", Colour::kGreen, colour));
  } else if (failed.empty()) {
    fmt::format_to(out, "{}\n", paint("❌ Load test failed!", Colour::kRed, colour));
  } else {
    fmt::format_to(out, "{}\n",
                   paint(fmt::format("❌ Load test failed: {} of {} checks failed", failed.size(),
                                     evaluation.checks.size()),
                         Colour::kRed, colour));
  }
  fmt::format_to(out, "seed {} · reproduce: {}\n", e.seed,
                 reproduce_command(run, options.set_args));
  return fmt::to_string(buf);
}

std::string verdict_line(const RunOutcome& run, const Evaluation& evaluation,
                         const ConsoleOptions& options) {
  const experiments::Experiment& e = *run.experiment;
  const LoadTestFigures f = load_test_figures(run, evaluation);
  const bool colour = options.colour;
  const SliResult* availability = find_sli(evaluation, "availability");
  const SliResult* p95 = find_sli(evaluation, "latency_p95");
  std::string line =
      fmt::format("{} {:<{}}  avail {:.2f}%  p95 {} ms  breaker opens {}  (seed {})",
                  evaluation.passed ? paint("PASS", Colour::kGreen, colour)
                                    : paint("FAIL", Colour::kRed, colour),
                  e.name, options.name_width, availability ? availability->current : f.success_rate,
                  format_ms(p95 ? p95->current : f.p95_ms), f.breaker_opens, e.seed);
  const auto failed = failed_checks(evaluation);
  if (!failed.empty()) {
    line += "  failed: ";
    for (std::size_t i = 0; i < failed.size(); ++i) {
      line += (i ? "; " : "") + failed[i]->name;
    }
  }
  return line;
}

}  // namespace faultline::monitoring

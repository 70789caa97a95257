#include "monitoring/alerts.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <limits>

namespace faultline::monitoring {

namespace {

using experiments::AlertRule;
using experiments::AlertSignal;
using experiments::AlertSignalKind;

// The sums of the timeline over a window of rows ending at the current one, kept as the window
// slides forward: the entering row is added, the leaving row subtracted (exact: integers). Memory
// and reads do not depend on the run's length.
class WindowSums {
 public:
  WindowSums(const sim::SpilledVector<sim::TimelineRow>& rows, std::size_t span)
      : rows_(rows), span_(span) {}

  // Moves the window to end with row i; rows must be visited in order from 0.
  void advance(std::size_t i) {
    add(rows_[i], 1);
    if (i >= span_) add(rows_[i - span_], -1);
    to_ = i + 1;
  }
  std::size_t from() const { return to_ >= span_ ? to_ - span_ : 0; }
  std::size_t to() const { return to_; }
  double seconds() const { return static_cast<double>(to_ - from()); }
  double answered() const { return static_cast<double>(answered_); }
  double succeeded() const { return static_cast<double>(succeeded_); }
  double server_errors() const { return static_cast<double>(server_errors_); }
  double busy_workers() const { return static_cast<double>(busy_workers_); }
  double in_flight() const { return static_cast<double>(in_flight_); }

 private:
  void add(const sim::TimelineRow& r, int sign) {
    // Unsigned wrap-around makes subtraction exact as long as the true sum is non-negative.
    const auto d = [sign](std::uint64_t v) { return sign > 0 ? v : ~v + 1; };
    answered_ += d(r.answered);
    succeeded_ += d(r.succeeded);
    server_errors_ += d(r.server_errors);
    busy_workers_ += d(r.busy_workers);
    in_flight_ += d(r.in_flight);
  }

  const sim::SpilledVector<sim::TimelineRow>& rows_;
  std::size_t span_;
  std::size_t to_ = 0;
  std::uint64_t answered_ = 0, succeeded_ = 0, server_errors_ = 0, busy_workers_ = 0, in_flight_ = 0;
};

std::size_t window_rows(Duration window) {
  return static_cast<std::size_t>(std::max<std::int64_t>(1, std::chrono::ceil<std::chrono::seconds>(window).count()));
}

std::size_t first_evaluated_row(const RunOutcome& run) {
  return static_cast<std::size_t>(
      std::max<std::int64_t>(0, std::chrono::ceil<std::chrono::seconds>(run.experiment->warmup).count()));
}

// The index of `window` among the latency windows Metrics kept, if it kept it.
std::optional<std::size_t> latency_window_index(const sim::Metrics& m, Duration window) {
  const auto& windows = m.layout().latency_windows;
  for (std::size_t w = 0; w < windows.size(); ++w) {
    if (windows[w] == window) return w;
  }
  return std::nullopt;
}

double breakers_open(const sim::Metrics& m, std::size_t row, const std::string& only) {
  const auto& names = m.layout().breakers;
  double open = 0;
  for (std::size_t b = 0; b < names.size(); ++b) {
    if (!only.empty() && names[b] != only) continue;
    if (m.breaker_state(row, b) == sim::BreakerSecondState::kOpen) open += 1;
  }
  return open;
}

double burn_rate(double bad, double answered, double budget) {
  const double ratio = answered > 0 ? bad / answered : 0.0;
  if (budget > 0) return ratio / budget;
  return ratio > 0 ? std::numeric_limits<double>::infinity() : 0.0;
}

bool holds(const AlertRule& rule, const AlertSignal& signal, double value) {
  if (!rule.above && !rule.below) return signal.kind == AlertSignalKind::kBreakerOpen && value > 0;
  return (rule.above && value > *rule.above) || (rule.below && value < *rule.below);
}

}  // namespace

std::string alert_display_name(const AlertEvent& a) {
  std::string out = a.name;
  std::string labels;
  for (const auto& [n, v] : a.labels) {
    if (n == "severity") continue;
    if (!labels.empty()) labels += ",";
    labels += n + "=\"" + v + "\"";
  }
  if (!labels.empty()) out += "{" + labels + "}";
  return out;
}

double error_budget(const experiments::SloConfig& slo) {
  return (100.0 - slo.availability.value_or(99.9)) / 100.0;
}

namespace {

// The rule's value at row i (of the window ending there), `w` having advanced to row i.
double value_at(const RunOutcome& run, const AlertSignal& signal, const WindowSums& w,
                std::size_t i, std::optional<std::size_t> latency_window) {
  const sim::Metrics& m = *run.metrics;
  const experiments::ApiConfig& api = run.experiment->api;
  const double answered = w.answered();
  switch (signal.kind) {
    case AlertSignalKind::kAvailability: return answered > 0 ? 100.0 * w.succeeded() / answered : 100.0;
    case AlertSignalKind::kErrorRate: return answered > 0 ? 100.0 * w.server_errors() / answered : 0.0;
    case AlertSignalKind::kThroughput: return answered / w.seconds();
    case AlertSignalKind::kLatencyP95:
    case AlertSignalKind::kLatencyP99: {
      const bool p95 = signal.kind == AlertSignalKind::kLatencyP95;
      if (latency_window) return p95 ? m.window_p95_ms(i, *latency_window) : m.window_p99_ms(i, *latency_window);
      // The world did not keep this window: the worst per-second quantile within it, an upper
      // bound of the window's quantile (never misses an alert, may fire early).
      double v = 0;
      const auto& rows = m.timeline();
      for (std::size_t r = w.from(); r < w.to(); ++r) {
        const sim::TimelineRow row = rows[r];
        v = std::max<double>(v, p95 ? row.p95_ms : row.p99_ms);
      }
      return v;
    }
    case AlertSignalKind::kBreakerOpen: return breakers_open(m, i, signal.breaker);
    case AlertSignalKind::kWorkerUtilisation:
      return api.workers > 0 ? 100.0 * w.busy_workers() / w.seconds() / api.workers : 0.0;
    case AlertSignalKind::kInFlight: {
      const double capacity = static_cast<double>(api.workers) + static_cast<double>(api.queue_limit);
      return capacity > 0 ? 100.0 * w.in_flight() / w.seconds() / capacity : 0.0;
    }
    case AlertSignalKind::kErrorBudgetBurn:
      return burn_rate(answered - w.succeeded(), answered, error_budget(run.experiment->slo));
  }
  return 0;
}

// Calls f(row, value, condition) for every evaluated row in order, in one pass over the
// timeline: `value` over the rule's window (the long one for error_budget_burn), `condition`
// whether the rule holds there (for error_budget_burn, over the short window too).
template <typename F>
void for_each_row(const RunOutcome& run, const AlertRule& rule, const AlertSignal& signal, F f) {
  const sim::Metrics& m = *run.metrics;
  const auto& rows = m.timeline();
  const bool burn = signal.kind == AlertSignalKind::kErrorBudgetBurn;
  WindowSums long_window(rows, window_rows(rule.window));
  WindowSums short_window(rows, burn ? window_rows(experiments::burn_short_window(rule)) : 1);
  const auto latency_window = latency_window_index(m, rule.window);
  const std::size_t first = first_evaluated_row(run);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    long_window.advance(i);
    if (burn) short_window.advance(i);
    if (i < first) continue;
    const double v = value_at(run, signal, long_window, i, latency_window);
    bool holds_now = holds(rule, signal, v);
    if (burn && holds_now) holds_now = holds(rule, signal, value_at(run, signal, short_window, i, std::nullopt));
    f(i, v, holds_now);
  }
}

// Prometheus' `for:` state machine, one row at a time (row s evaluated at instant s + 1).
class ForStateMachine {
 public:
  explicit ForStateMachine(const AlertRule& rule) : rule_(rule) {}

  void step(std::size_t row, bool condition, std::vector<AlertEvent>& out) {
    const Instant t = std::chrono::seconds(static_cast<std::int64_t>(row) + 1);
    if (!condition) {
      if (state_ == State::kFiring) out.back().resolved_at_s = to_seconds(t);
      state_ = State::kInactive;
      return;
    }
    if (state_ == State::kInactive) {
      state_ = State::kPending;
      pending_since_ = t;
    }
    if (state_ == State::kPending && t - pending_since_ >= rule_.for_duration) {
      state_ = State::kFiring;
      AlertEvent e;
      e.name = rule_.name;
      e.severity = rule_.severity;
      e.pending_at_s = to_seconds(pending_since_);
      e.fired_at_s = to_seconds(t);
      out.push_back(std::move(e));
    }
  }

 private:
  enum class State { kInactive, kPending, kFiring };
  const AlertRule& rule_;
  State state_ = State::kInactive;
  Instant pending_since_{};
};

}  // namespace

std::vector<double> alert_values(const RunOutcome& run, const AlertRule& rule) {
  std::vector<double> out(run.metrics->timeline().size(), 0.0);
  const auto signal = experiments::parse_alert_signal(rule.sli);
  if (!signal) return out;
  for_each_row(run, rule, *signal, [&](std::size_t i, double v, bool) { out[i] = v; });
  return out;
}

std::vector<bool> alert_condition(const RunOutcome& run, const AlertRule& rule) {
  std::vector<bool> out(run.metrics->timeline().size(), false);
  const auto signal = experiments::parse_alert_signal(rule.sli);
  if (!signal) return out;
  for_each_row(run, rule, *signal, [&](std::size_t i, double, bool c) { out[i] = c; });
  return out;
}

std::vector<AlertEvent> alert_events(const AlertRule& rule, const std::vector<bool>& condition) {
  std::vector<AlertEvent> out;
  ForStateMachine machine(rule);
  for (std::size_t i = 0; i < condition.size(); ++i) machine.step(i, condition[i], out);
  return out;
}

std::vector<AlertEvent> evaluate_alerts(const RunOutcome& run, const std::vector<AlertRule>& rules) {
  std::vector<AlertEvent> out;
  for (const AlertRule& rule : rules) {
    // Streamed: no per-second vector, so memory does not grow with the run's length.
    const auto signal = experiments::parse_alert_signal(rule.sli);
    if (!signal) continue;
    ForStateMachine machine(rule);
    for_each_row(run, rule, *signal,
                 [&](std::size_t i, double, bool c) { machine.step(i, c, out); });
  }
  // Stable: same-instant firings keep the rules' order.
  std::stable_sort(out.begin(), out.end(),
                   [](const AlertEvent& a, const AlertEvent& b) { return a.fired_at_s < b.fired_at_s; });
  return out;
}

}  // namespace faultline::monitoring

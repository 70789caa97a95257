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

// Running sums of the timeline, so that any window's total is one subtraction.
struct Prefix {
  std::vector<std::uint64_t> answered, succeeded, server_errors, busy_workers, in_flight;

  explicit Prefix(const std::vector<sim::TimelineRow>& rows) {
    for (auto* v : {&answered, &succeeded, &server_errors, &busy_workers, &in_flight}) v->assign(rows.size() + 1, 0);
    for (std::size_t i = 0; i < rows.size(); ++i) {
      answered[i + 1] = answered[i] + rows[i].answered;
      succeeded[i + 1] = succeeded[i] + rows[i].succeeded;
      server_errors[i + 1] = server_errors[i] + rows[i].server_errors;
      busy_workers[i + 1] = busy_workers[i] + rows[i].busy_workers;
      in_flight[i + 1] = in_flight[i] + rows[i].in_flight;
    }
  }
  static double sum(const std::vector<std::uint64_t>& v, std::size_t from, std::size_t to) {
    return static_cast<double>(v[to] - v[from]);
  }
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

double error_budget(const experiments::SloConfig& slo) {
  return (100.0 - slo.availability.value_or(99.9)) / 100.0;
}

std::vector<double> alert_values(const RunOutcome& run, const AlertRule& rule) {
  const sim::Metrics& m = *run.metrics;
  const auto& rows = m.timeline();
  std::vector<double> out(rows.size(), 0.0);
  const auto signal = experiments::parse_alert_signal(rule.sli);
  if (!signal) return out;
  const Prefix p(rows);
  const std::size_t span = window_rows(rule.window);
  const auto latency_window = latency_window_index(m, rule.window);
  const experiments::ApiConfig& api = run.experiment->api;
  const double budget = error_budget(run.experiment->slo);
  for (std::size_t i = first_evaluated_row(run); i < rows.size(); ++i) {
    const std::size_t to = i + 1;
    const std::size_t from = to >= span ? to - span : 0;
    const double answered = Prefix::sum(p.answered, from, to);
    const double seconds = static_cast<double>(to - from);
    double v = 0;
    switch (signal->kind) {
      case AlertSignalKind::kAvailability:
        v = answered > 0 ? 100.0 * Prefix::sum(p.succeeded, from, to) / answered : 100.0;
        break;
      case AlertSignalKind::kErrorRate:
        v = answered > 0 ? 100.0 * Prefix::sum(p.server_errors, from, to) / answered : 0.0;
        break;
      case AlertSignalKind::kThroughput: v = answered / seconds; break;
      case AlertSignalKind::kLatencyP95:
      case AlertSignalKind::kLatencyP99: {
        const bool p95 = signal->kind == AlertSignalKind::kLatencyP95;
        if (latency_window) {
          v = p95 ? m.window_p95_ms(i, *latency_window) : m.window_p99_ms(i, *latency_window);
        } else {
          // The world did not keep this window: the worst per-second quantile within it, an
          // upper bound of the window's quantile (never misses an alert, may fire early).
          for (std::size_t r = from; r < to; ++r) v = std::max<double>(v, p95 ? rows[r].p95_ms : rows[r].p99_ms);
        }
        break;
      }
      case AlertSignalKind::kBreakerOpen: v = breakers_open(m, i, signal->breaker); break;
      case AlertSignalKind::kWorkerUtilisation:
        v = api.workers > 0 ? 100.0 * Prefix::sum(p.busy_workers, from, to) / seconds / api.workers : 0.0;
        break;
      case AlertSignalKind::kInFlight: {
        const double capacity = static_cast<double>(api.workers) + static_cast<double>(api.queue_limit);
        v = capacity > 0 ? 100.0 * Prefix::sum(p.in_flight, from, to) / seconds / capacity : 0.0;
        break;
      }
      case AlertSignalKind::kErrorBudgetBurn:
        v = burn_rate(answered - Prefix::sum(p.succeeded, from, to), answered, budget);
        break;
    }
    out[i] = v;
  }
  return out;
}

std::vector<bool> alert_condition(const RunOutcome& run, const AlertRule& rule) {
  const std::size_t n = run.metrics->timeline().size();
  std::vector<bool> out(n, false);
  const auto signal = experiments::parse_alert_signal(rule.sli);
  if (!signal) return out;
  const std::vector<double> values = alert_values(run, rule);
  std::vector<double> short_values;
  if (signal->kind == AlertSignalKind::kErrorBudgetBurn) {
    AlertRule short_rule = rule;
    short_rule.window = experiments::burn_short_window(rule);
    short_values = alert_values(run, short_rule);
  }
  for (std::size_t i = first_evaluated_row(run); i < n; ++i) {
    out[i] = holds(rule, *signal, values[i]) && (short_values.empty() || holds(rule, *signal, short_values[i]));
  }
  return out;
}

std::vector<AlertEvent> alert_events(const AlertRule& rule, const std::vector<bool>& condition) {
  enum class State { kInactive, kPending, kFiring };
  State state = State::kInactive;
  Instant pending_since{};
  std::vector<AlertEvent> out;
  for (std::size_t i = 0; i < condition.size(); ++i) {
    const Instant t = std::chrono::seconds(static_cast<std::int64_t>(i) + 1);
    if (!condition[i]) {
      if (state == State::kFiring) out.back().resolved_at_s = to_seconds(t);
      state = State::kInactive;
      continue;
    }
    if (state == State::kInactive) {
      state = State::kPending;
      pending_since = t;
    }
    if (state == State::kPending && t - pending_since >= rule.for_duration) {
      state = State::kFiring;
      out.push_back(AlertEvent{rule.name, rule.severity, to_seconds(pending_since), to_seconds(t), std::nullopt});
    }
  }
  return out;
}

std::vector<AlertEvent> evaluate_alerts(const RunOutcome& run, const std::vector<AlertRule>& rules) {
  std::vector<AlertEvent> out;
  for (const AlertRule& rule : rules) {
    for (AlertEvent& e : alert_events(rule, alert_condition(run, rule))) out.push_back(std::move(e));
  }
  // Stable: same-instant firings keep the rules' order.
  std::stable_sort(out.begin(), out.end(),
                   [](const AlertEvent& a, const AlertEvent& b) { return a.fired_at_s < b.fired_at_s; });
  return out;
}

}  // namespace faultline::monitoring

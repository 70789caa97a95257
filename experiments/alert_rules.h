// The alert rules an experiment is evaluated with: its own `alerts`, or the defaults (the
// guide's two Prometheus rules plus CircuitBreakerOpen), with error-budget burn rules expanded
// into the SRE workbook's multi-window set. Lives in experiments/ because the world builder
// needs the latency windows to measure before the run (monitoring/ evaluates the rules after).
//
//   layout.latency_windows = latency_windows(effective_alert_rules(experiment));
//
// Pure functions of their arguments; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "experiments/experiment_config.h"
#include "resilience/clock.h"

namespace faultline::experiments {

// What a rule's `sli` measures over its window (monitoring/alerts.h computes the values).
enum class AlertSignalKind {
  kAvailability,       // % of answered requests that succeeded
  kErrorRate,          // % of answered requests with a 5xx
  kLatencyP95,         // ms, from the sliding latency window
  kLatencyP99,         // ms
  kThroughput,         // answered requests per second
  kBreakerOpen,        // breakers OPEN at the end of the second (one breaker if named)
  kWorkerUtilisation,  // busy workers / api.workers x 100, mean over the window (guide: CPU)
  kInFlight,           // in flight / (workers + queue_limit) x 100, mean (guide: memory)
  kErrorBudgetBurn,    // failure ratio / error budget, over the window AND the short window
};

struct AlertSignal {
  AlertSignalKind kind = AlertSignalKind::kErrorRate;
  std::string breaker;  // kBreakerOpen written "breaker_open:<name>"; empty: any breaker
};

// Parses a rule's `sli`: error_rate, availability, latency_p95_ms (or latency_p95),
// latency_p99_ms (or latency_p99), throughput_rps (or throughput), breaker_open,
// breaker_open:<name>, worker_utilisation (or worker_utilization), in_flight,
// error_budget_burn. Returns nullopt for anything else (the loader reports it).
std::optional<AlertSignal> parse_alert_signal(std::string_view sli);

// True for the SLIs whose value comes from the sliding latency windows.
bool is_latency_signal(const AlertSignal& signal);

// HighErrorRate (error_rate over 300 s > 5 for 120 s, critical), HighLatency (latency_p95_ms
// over 300 s > 500 for 300 s, warning), CircuitBreakerOpen (breaker_open > 0 for 0 s, critical).
std::vector<AlertRule> default_alert_rules();

// The workbook's four multi-window burn-rate alerts for a 30-day budget, named
// `<prefix>:page-1h`, `:page-6h`, `:ticket-1d`, `:ticket-3d` (page = critical, ticket =
// warning): 14.4x over 1 h and 5 min, 6x over 6 h and 30 min, 3x over 1 d and 2 h, 1x over
// 3 d and 6 h. When `measured` is shorter than 3 days every window is multiplied by
// measured / 3 d (compressed time: the run stands for the longest window), then rounded to
// whole seconds, at least 1 s. Burn factors are ratios and stay as they are.
std::vector<AlertRule> burn_rate_rules(const std::string& prefix, Duration measured);

// The rules to evaluate: the experiment's (or the defaults when it has no `alerts`). A rule
// with sli error_budget_burn and neither `above` nor `below` becomes burn_rate_rules(name,
// duration - warmup); one with a threshold stays a single rule (its window as written).
std::vector<AlertRule> effective_alert_rules(const Experiment& experiment);

// The distinct windows of the latency rules, shortest first: what Metrics must keep.
std::vector<Duration> latency_windows(const std::vector<AlertRule>& rules);

// The short window of an error_budget_burn rule: `short_window`, else window / 12 rounded to
// whole seconds, at least 1 s.
Duration burn_short_window(const AlertRule& rule);

}  // namespace faultline::experiments

#include "experiments/alert_rules.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>

namespace faultline::experiments {

namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

constexpr std::string_view kBreakerOpenPrefix = "breaker_open:";

AlertRule rule(std::string name, std::string sli, Duration window, double above, Duration for_duration,
               std::string severity) {
  AlertRule r;
  r.name = std::move(name);
  r.sli = std::move(sli);
  r.window = window;
  r.above = above;
  r.for_duration = for_duration;
  r.severity = std::move(severity);
  return r;
}

// Whole seconds, at least one: the timeline's resolution.
Duration whole_seconds(double s) {
  return seconds(std::max<std::int64_t>(1, static_cast<std::int64_t>(std::llround(s))));
}

}  // namespace

std::optional<AlertSignal> parse_alert_signal(std::string_view sli) {
  using K = AlertSignalKind;
  struct Name {
    std::string_view name;
    K kind;
  };
  static constexpr Name kNames[] = {
      {"availability", K::kAvailability},
      {"error_rate", K::kErrorRate},
      {"latency_p95_ms", K::kLatencyP95},
      {"latency_p95", K::kLatencyP95},
      {"latency_p99_ms", K::kLatencyP99},
      {"latency_p99", K::kLatencyP99},
      {"throughput_rps", K::kThroughput},
      {"throughput", K::kThroughput},
      {"breaker_open", K::kBreakerOpen},
      {"worker_utilisation", K::kWorkerUtilisation},
      {"worker_utilization", K::kWorkerUtilisation},
      {"in_flight", K::kInFlight},
      {"error_budget_burn", K::kErrorBudgetBurn},
  };
  for (const Name& n : kNames) {
    if (n.name == sli) return AlertSignal{n.kind, ""};
  }
  if (sli.size() > kBreakerOpenPrefix.size() && sli.substr(0, kBreakerOpenPrefix.size()) == kBreakerOpenPrefix) {
    return AlertSignal{K::kBreakerOpen, std::string(sli.substr(kBreakerOpenPrefix.size()))};
  }
  return std::nullopt;
}

bool is_latency_signal(const AlertSignal& signal) {
  return signal.kind == AlertSignalKind::kLatencyP95 || signal.kind == AlertSignalKind::kLatencyP99;
}

std::vector<AlertRule> default_alert_rules() {
  return {
      rule("HighErrorRate", "error_rate", seconds(300), 5, seconds(120), "critical"),
      rule("HighLatency", "latency_p95_ms", seconds(300), 500, seconds(300), "warning"),
      rule("CircuitBreakerOpen", "breaker_open", seconds(1), 0, seconds(0), "critical"),
  };
}

std::vector<AlertRule> burn_rate_rules(const std::string& prefix, Duration measured) {
  struct Tier {
    const char* suffix;
    double factor;
    Duration long_window;
    Duration short_window;
    const char* severity;
  };
  // The SRE workbook, chapter 5, "multiwindow, multi-burn-rate alerts", for a 30-day budget.
  static const std::array<Tier, 4> kTiers = {{
      {"page-1h", 14.4, hours(1), minutes(5), "critical"},
      {"page-6h", 6, hours(6), minutes(30), "critical"},
      {"ticket-1d", 3, hours(24), hours(2), "warning"},
      {"ticket-3d", 1, hours(72), hours(6), "warning"},
  }};
  const Duration longest = hours(72);
  const bool scaled = measured < longest;
  // Multiply before dividing: 3600 * 900 / 259200 is exactly 12.5, rounded to 13.
  auto scale = [&](Duration w) { return whole_seconds(to_seconds(w) * to_seconds(measured) / to_seconds(longest)); };
  std::vector<AlertRule> out;
  for (const Tier& t : kTiers) {
    AlertRule r = rule(prefix + ":" + t.suffix, "error_budget_burn", t.long_window, t.factor, seconds(0), t.severity);
    r.short_window = t.short_window;
    if (scaled) {
      r.window = scale(t.long_window);
      r.short_window = scale(t.short_window);
    }
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<AlertRule> effective_alert_rules(const Experiment& experiment) {
  if (!experiment.has_alerts) return default_alert_rules();
  std::vector<AlertRule> out;
  for (const AlertRule& r : experiment.alerts) {
    const auto signal = parse_alert_signal(r.sli);
    const bool budget_set = signal && signal->kind == AlertSignalKind::kErrorBudgetBurn && !r.above && !r.below;
    if (!budget_set) {
      out.push_back(r);
      continue;
    }
    const Duration measured = std::max(Duration{0}, experiment.duration - experiment.warmup);
    for (AlertRule& expanded : burn_rate_rules(r.name, measured)) out.push_back(std::move(expanded));
  }
  return out;
}

std::vector<Duration> latency_windows(const std::vector<AlertRule>& rules) {
  std::vector<Duration> out;
  for (const AlertRule& r : rules) {
    const auto signal = parse_alert_signal(r.sli);
    if (signal && is_latency_signal(*signal)) out.push_back(r.window);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

Duration burn_short_window(const AlertRule& rule) {
  if (rule.short_window) return *rule.short_window;
  return whole_seconds(to_seconds(rule.window) / 12);
}

}  // namespace faultline::experiments

// RunMetrics: the figures every run of a batch records (its SLIs, degraded rate, latency mean
// and median, whether its checks passed, breaker counts in all and per breaker), their names,
// and the objectives ("maximize availability") planners rank runs by.
//
//   ordered_json m = run_metrics(run);                  // {"availability": 99.2, ...}
//   auto o = parse_objective("minimize availability", breakers, &error);
//
// Pure functions; thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "batch/experiment_run.h"

namespace faultline::batch {

struct Objective {
  std::string text;  // as written, or the default "maximize availability"
  std::string metric;
  bool maximize = true;
};

inline constexpr const char* kDefaultObjective = "maximize availability";

// The metric names a run records and objectives/constraints may use: the SLIs with their units,
// degraded_rate, latency_mean_ms/p50, checks_passed, breaker totals, then per-breaker counts
// (`breaker_open_transitions.<name>`...).
std::vector<std::string> metric_names(const std::vector<std::string>& breakers);
// The canonical name of `name` (aliases: latency_p95, latency_p99, throughput, check_pass_rate),
// or "" when it is not a metric.
std::string canonical_metric(const std::string& name, const std::vector<std::string>& breakers);
// The known metrics, for messages.
std::string metric_hint(const std::vector<std::string>& breakers);

// "maximize <metric>" or "minimize <metric>"; nullopt with `error` set otherwise.
std::optional<Objective> parse_objective(const std::string& text,
                                         const std::vector<std::string>& breakers,
                                         std::string* error);

// The names of the document's circuit breakers (resilience.circuit_breakers), in key order.
std::vector<std::string> breaker_names(const nlohmann::json& document);

// The run's metrics, {name: value} with every metric_names() entry plus "requests". Doubles at
// full precision (the shortest text that reads back exactly), so aggregates computed from files
// read back equal those computed right after the runs.
nlohmann::ordered_json run_metrics(const ExperimentRun& run);

// Whether `a` is better than `b` for the objective.
bool better(const Objective& objective, double a, double b);

}  // namespace faultline::batch

#include "experiments/vocabulary.h"

#include <cassert>

namespace faultline::experiments {

const std::vector<KeySet>& all_key_sets() {
  static const std::vector<KeySet> kSets = {
      {Keys::kExperiment,
       "",
       {"$schema", "name", "description", "seed", "duration_s", "warmup_s", "profile", "env", "api",
        "dependencies", "endpoints", "load", "resilience", "faults", "slo", "alerts", "expect",
        "report", "prometheus_rules", "sweep", "explore", "live"}},
      {Keys::kApi, "/$defs/api", {"workers", "queue_limit", "overhead_ms", "cancel_on_client_timeout"}},
      {Keys::kDependency,
       "/$defs/dependency",
       {"type", "concurrency", "queue_limit", "latency_ms", "error_rate"}},
      {Keys::kEndpoint,
       "/$defs/endpoint",
       {"name", "method", "path", "weight", "timeout_ms", "client_timeout_ms", "expected_status",
        "steps", "degradation"}},
      {Keys::kStep,
       "/$defs/step",
       {"call", "breaker", "timeout_ms", "coalesce", "retry", "fallback", "bulkhead",
        "rate_limiter"}},
      {Keys::kRetry,
       "/$defs/retry",
       {"max_attempts", "backoff", "base_ms", "max_ms", "jitter", "on_breaker_open", "budget"}},
      {Keys::kRetryBudget,
       "/$defs/retry_budget",
       {"mode", "ratio", "min_per_s", "window_s", "budget_percent", "min_retry_concurrency"}},
      {Keys::kCoalesce, "/$defs/coalesce", {"key", "ttl_ms"}},
      {Keys::kDegradation, "/$defs/degradation", {"strategy", "global_timeout_ms", "services"}},
      {Keys::kDegradationService,
       "/$defs/degradation_service",
       {"name", "call", "breaker", "priority", "timeout_ms", "fallback"}},
      {Keys::kLoad,
       "/$defs/load",
       {"model", "users", "rps", "think_ms", "arrivals", "stages", "preset", "user_ids",
        "client_timeout_ms", "drain_s", "unanswered", "max_no_answer_percent"}},
      {Keys::kStage, "/$defs/stage", {"duration_s", "target_users", "target_rps"}},
      {Keys::kResilience,
       "/$defs/resilience",
       {"circuit_breakers", "coalescing", "bulkheads", "rate_limiters"}},
      {Keys::kCircuitBreaker,
       "/$defs/circuit_breaker",
       {"type", "failure_threshold", "recovery_timeout_ms", "expected_failure_rate",
        "failure_rate_comparison", "monitoring_window_ms", "minimum_calls", "half_open_max_calls",
        "slow_call_ms", "count_deadline_cancellations"}},
      {Keys::kCoalescing, "/$defs/coalescing", {"ttl_ms", "max_cache_size"}},
      {Keys::kBulkhead, "/$defs/bulkhead", {"max_concurrent", "max_queue", "max_wait_ms"}},
      {Keys::kRateLimiter, "/$defs/rate_limiter", {"rate_per_s", "burst"}},
      {Keys::kFault,
       "/$defs/fault",
       {"target", "kind", "start_s", "duration_s", "probability", "add_ms", "factor", "rate",
        "status", "concurrency", "period_s", "down_fraction"}},
      {Keys::kSlo,
       "/$defs/slo",
       {"availability", "latency_p95_ms", "latency_p99_ms", "error_rate", "throughput_rps",
        "gate"}},
      {Keys::kAlert,
       "/$defs/alert",
       {"name", "sli", "window_s", "above", "below", "for_s", "severity", "short_window_s"}},
      {Keys::kExpect,
       "/$defs/expectation",
       {"breaker", "sli", "dependency", "opens_within_s", "after_fault", "closes_within_s",
        "after_fault_end", "never_opens", "max_open_transitions", "max_calls_while_open",
        "at_least", "at_most", "max_calls", "from_s", "to_s", "during_fault"}},
      {Keys::kSweep,
       "/$defs/sweep",
       {"parameters", "seeds", "objective", "constraints", "samples"}},
      {Keys::kEnv,
       "/$defs/env",
       {"CIRCUIT_BREAKER_FAILURE_THRESHOLD", "CIRCUIT_BREAKER_RECOVERY_TIMEOUT",
        "CIRCUIT_BREAKER_MONITORING_WINDOW", "REQUEST_COALESCER_TTL",
        "REQUEST_COALESCER_MAX_CACHE_SIZE", "SLI_AVAILABILITY_TARGET", "SLI_LATENCY_P95_TARGET",
        "SLI_LATENCY_P99_TARGET", "SLI_ERROR_RATE_TARGET", "SLI_THROUGHPUT_TARGET"}},
      {Keys::kDistConstant, "/$defs/dist_constant", {"dist", "value"}},
      {Keys::kDistUniform, "/$defs/dist_uniform", {"dist", "min", "max"}},
      {Keys::kDistExponential, "/$defs/dist_exponential", {"dist", "mean"}},
      {Keys::kDistNormal, "/$defs/dist_normal", {"dist", "mean", "stddev"}},
      {Keys::kDistLognormal, "/$defs/dist_lognormal", {"dist", "p50", "p99", "mu", "sigma"}},
      {Keys::kDistPareto, "/$defs/dist_pareto", {"dist", "scale", "shape"}},
      {Keys::kDistEmpirical,
       "/$defs/dist_empirical",
       {"dist", "points", "file", "prometheus", "unit", "metric", "labels"}},
      {Keys::kReport, "/$defs/report", {"latency_axis", "metrics_epoch_s"}},
      {Keys::kExplore,
       "/$defs/explore",
       {"faults", "max_faults", "runs", "seeds", "objective", "search"}},
      {Keys::kExploreFault,
       "/$defs/fault_template",
       {"target", "kind", "start_s", "duration_s", "probability", "add_ms", "factor", "rate",
        "status", "concurrency", "period_s", "down_fraction"}},
      {Keys::kExploreSearch, "/$defs/explore_search", {"runs", "restarts", "neighbors"}},
      {Keys::kLive, "/$defs/live", {"fidelity"}},
      {Keys::kLiveFidelity,
       "/$defs/live_fidelity",
       {"availability_points", "latency_relative", "breaker_s", "same_alerts"}},
  };
  return kSets;
}

const KeySet& key_set(Keys id) {
  const auto& sets = all_key_sets();
  const auto index = static_cast<std::size_t>(id);
  assert(index < sets.size() && sets[index].id == id);
  return sets[index];
}

const std::vector<Enumeration>& all_enumerations() {
  static const std::vector<Enumeration> kEnums = {
      {Vocabulary::kProfile, "/properties/profile", {"development", "production"}},
      {Vocabulary::kDependencyType,
       "/$defs/service_type",
       {"ai_service", "database", "cache", "external_api"}},
      {Vocabulary::kMethod,
       "/$defs/endpoint/properties/method",
       {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"}},
      {Vocabulary::kBackoff, "/$defs/retry/properties/backoff", {"constant", "exponential"}},
      {Vocabulary::kJitter,
       "/$defs/retry/properties/jitter",
       {"none", "full", "equal", "decorrelated"}},
      {Vocabulary::kCoalesceKey, "/$defs/coalesce/properties/key", {"none", "user", "global"}},
      {Vocabulary::kStrategy,
       "/$defs/degradation/properties/strategy",
       {"fail_fast", "best_effort"}},
      {Vocabulary::kPriority,
       "/$defs/degradation_service/properties/priority",
       {"critical", "important", "optional"}},
      {Vocabulary::kLoadModel, "/$defs/load/properties/model", {"closed", "open"}},
      {Vocabulary::kArrivals, "/$defs/load/properties/arrivals", {"poisson", "uniform"}},
      {Vocabulary::kUnanswered, "/$defs/load/properties/unanswered", {"fail", "ignore"}},
      {Vocabulary::kPreset, "/$defs/load/properties/preset", {"smoke", "load", "stress", "spike"}},
      {Vocabulary::kFaultKind,
       "/$defs/fault/properties/kind",
       {"latency", "slowdown", "error", "outage", "hang", "capacity", "flapping"}},
      {Vocabulary::kDistribution,
       "/$defs/distribution_kind",
       {"constant", "uniform", "exponential", "normal", "lognormal", "pareto", "empirical"}},
      {Vocabulary::kSeverity, "/$defs/alert/properties/severity", {"info", "warning", "critical"}},
      {Vocabulary::kExpectSli,
       "/$defs/expectation/properties/sli",
       {"availability", "error_rate", "latency_p95_ms", "latency_p99_ms", "throughput_rps"}},
      {Vocabulary::kLatencyAxis,
       "/$defs/report/properties/latency_axis",
       {"clip", "log", "linear"}},
      {Vocabulary::kOnBreakerOpen, "/$defs/retry/properties/on_breaker_open", {"stop", "retry"}},
      {Vocabulary::kBudgetMode, "/$defs/retry_budget/properties/mode", {"ratio", "concurrency"}},
      {Vocabulary::kRateComparison,
       "/$defs/circuit_breaker/properties/failure_rate_comparison",
       {"above", "at_least"}},
  };
  return kEnums;
}

const Enumeration& enumeration(Vocabulary id) {
  const auto& enums = all_enumerations();
  const auto index = static_cast<std::size_t>(id);
  assert(index < enums.size() && enums[index].id == id);
  return enums[index];
}

}  // namespace faultline::experiments

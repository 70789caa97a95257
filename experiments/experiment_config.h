// Experiment: the typed form of an experiment file (contract: ../shared/spec/experiment-format.md
// section 2). The loader fills it from JSON after validation; the world builder, the checks and
// the reports read it. Plain data: no behaviour beyond defaults.
//
//   auto loaded = load_experiment_file("experiments/ai-outage.json", overrides);
//   if (!loaded.ok()) { print(loaded.diagnostics); return 2; }
//   const Experiment& e = *loaded.experiment;
//
// Durations are integer nanoseconds (faultline::Duration); the file's `_ms`/`_s` values are
// converted with rounding to the nearest nanosecond at load time.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "resilience/clock.h"
#include "sim/distribution.h"

namespace faultline::experiments {

enum class Profile { kDevelopment, kProduction };

struct ApiConfig {
  int workers = 200;
  std::int64_t queue_limit = 2000;
  sim::Distribution overhead = sim::Distribution::constant(0);
  // The server stops a request when its client gives up (Go's request context, ASP.NET's
  // RequestAborted): its calls are cancelled, as by a deadline. false: it works on (default).
  bool cancel_on_client_timeout = false;
};

struct DependencyConfig {
  std::string name;
  std::string type = "external_api";  // ai_service | database | cache | external_api
  int concurrency = 1;
  std::optional<std::int64_t> queue_limit;  // unbounded when absent
  sim::Distribution latency = sim::Distribution::constant(0);
  double error_rate = 0;  // 0-1
};

enum class Backoff { kConstant, kExponential };
enum class Jitter { kNone, kFull, kEqual, kDecorrelated };

// ratio: Finagle's token bucket over a time window; concurrency: Envoy's share of the
// requests in progress.
enum class BudgetMode { kRatio, kConcurrency };

struct RetryBudgetConfig {
  BudgetMode mode = BudgetMode::kRatio;
  double ratio = 0.1;       // ratio: retries may be at most this share of recent requests...
  double min_per_s = 10;    // ...plus this many per second
  Duration window = std::chrono::seconds(10);
  double budget_percent = 20;     // concurrency: active retries < max(min_retry_concurrency,
  int min_retry_concurrency = 3;  // budget_percent % of active requests) (Envoy's defaults)
};

// What a retry does when the step's breaker rejects an attempt (see sim::OnBreakerOpen).
enum class OnBreakerOpen { kStop, kRetry };

struct RetryConfig {
  int max_attempts = 1;  // 1 = no retry
  Backoff backoff = Backoff::kExponential;
  Duration base = millis(100);
  Duration max = millis(2000);
  Jitter jitter = Jitter::kFull;
  OnBreakerOpen on_breaker_open = OnBreakerOpen::kStop;
  std::optional<RetryBudgetConfig> budget;
};

enum class CoalesceKey { kNone, kUser, kGlobal };

struct CoalesceConfig {
  CoalesceKey key = CoalesceKey::kUser;
  std::optional<Duration> ttl;  // defaults to resilience.coalescing ttl
};

struct StepConfig {
  std::string call;                    // dependency name
  std::string breaker;                 // empty: no breaker
  std::optional<Duration> timeout;     // bounds each attempt
  std::optional<CoalesceConfig> coalesce;
  std::optional<RetryConfig> retry;
  bool fallback = false;               // a failed step with a fallback does not fail the request
  std::string bulkhead;                // empty: none; else a name in resilience.bulkheads
  std::string rate_limiter;            // empty: none; else a name in resilience.rate_limiters
};

enum class Priority { kCritical, kImportant, kOptional };
enum class DegradationStrategy { kFailFast, kBestEffort };

struct DegradationServiceConfig {
  std::string name;
  std::string call;
  std::string breaker;
  Priority priority = Priority::kImportant;
  std::optional<Duration> timeout;
  bool fallback = false;
};

struct DegradationConfig {
  DegradationStrategy strategy = DegradationStrategy::kFailFast;
  Duration global_timeout = millis(10000);
  std::vector<DegradationServiceConfig> services;
};

struct EndpointConfig {
  std::string name;
  std::string method = "GET";
  std::string path;
  double weight = 1;
  std::optional<Duration> timeout;
  std::optional<Duration> client_timeout;  // overrides load.client_timeout_ms
  int expected_status = 200;
  std::vector<StepConfig> steps;
  std::optional<DegradationConfig> degradation;  // runs after `steps`
};

enum class LoadModel { kClosed, kOpen };
enum class Arrivals { kPoisson, kUniform };
// What a request with no answer at the end of the drain counts as.
enum class Unanswered { kFail, kIgnore };

struct StageConfig {
  Duration duration{};
  double target = 0;  // users (closed) or rps (open)
};

struct LoadConfig {
  LoadModel model = LoadModel::kClosed;
  int users = 1;        // closed
  double rps = 0;       // open
  sim::Distribution think = sim::Distribution::constant(0);  // closed; the loader's default:
                                                             // exponential, mean 1000 ms
  Arrivals arrivals = Arrivals::kPoisson;
  std::vector<StageConfig> stages;  // empty: constant users/rps for the whole run
  std::string preset;               // smoke | load | stress | spike, as written (already expanded)
  std::int64_t user_ids = 0;        // 0: default (users for closed, 1000 for open)
  // The client gives up on a request after this (k6's default request timeout); zero: never.
  Duration client_timeout = std::chrono::seconds(60);
  // After `duration_s` no request is sent; those in flight may still be answered for this long
  // (k6's gracefulStop). The timeline ends at duration_s; totals and SLIs count the drain.
  // Unset: the longest client timeout (every request then ends with an answer or a client
  // timeout), or 30 s (k6's gracefulStop) when no client timeout is set.
  std::optional<Duration> drain;
  Unanswered unanswered = Unanswered::kFail;
  // The share of requests (%) that may end without an answer (499 or 0) before the run fails:
  // the check "every request answered", whatever slo.gate says. 0: any such request fails it.
  double max_no_answer_percent = 0;
};

// What the file says about one breaker; unset fields come from the env, then the profile,
// then the guide's per-type defaults (resilience::CircuitBreakerFactory resolves them).
// How a breaker compares its window's failure rate with expected_failure_rate.
enum class RateComparison { kAbove, kAtLeast };

struct BreakerConfig {
  std::string name;
  std::string type = "external_api";
  std::optional<int> failure_threshold;
  std::optional<Duration> recovery_timeout;
  std::optional<double> expected_failure_rate;  // percent 0-100
  std::optional<RateComparison> failure_rate_comparison;  // above (default) | at_least
  std::optional<Duration> monitoring_window;
  std::optional<int> minimum_calls;
  std::optional<int> half_open_max_calls;
  std::optional<Duration> slow_call_threshold;  // a call slower than this counts as a failure
  // A call cancelled by a deadline above it (endpoint timeout, degradation global timeout)
  // counts as a failure (resilience4j's CircuitBreaker(TimeLimiter(call))); false: no outcome.
  bool count_deadline_cancellations = true;
};

struct CoalescingConfig {
  std::optional<Duration> ttl;
  std::optional<std::int64_t> max_cache_size;
};

struct BulkheadConfig {
  std::string name;
  int max_concurrent = 10;
  int max_queue = 0;  // 0: reject at once when full
  std::optional<Duration> max_wait;
};

struct RateLimiterConfig {
  std::string name;
  double rate_per_s = 100;
  double burst = 100;
};

enum class FaultKind { kLatency, kSlowdown, kError, kOutage, kHang, kCapacity, kFlapping };

struct FaultConfig {
  std::string target;  // dependency name or "api"
  FaultKind kind = FaultKind::kOutage;
  Duration start{};
  std::optional<Duration> duration;  // to the end of the run when absent
  double probability = 1;            // share of calls hit
  // Kind parameters; only those of `kind` are meaningful.
  sim::Distribution add = sim::Distribution::constant(0);  // latency
  double factor = 1;                 // slowdown
  double rate = 1;                   // error
  int status = 0;                    // API faults only (error, outage, flapping): the status the
                                     // request gets; 0: the kind's own (error 500, outage 503)
  int concurrency = 1;               // capacity
  Duration period{};                 // flapping
  double down_fraction = 0.5;        // flapping
};

struct SloConfig {
  std::optional<double> availability;    // percent
  std::optional<double> latency_p95_ms;
  std::optional<double> latency_p99_ms;
  std::optional<double> error_rate;      // percent
  std::optional<double> throughput_rps;
  bool gate = true;
};

struct AlertRule {
  std::string name;
  std::string sli;  // error_rate | latency_p95_ms | latency_p99_ms | availability | throughput_rps | breaker_open | ...
  Duration window = std::chrono::seconds(300);
  std::optional<double> above;
  std::optional<double> below;
  Duration for_duration{};
  std::string severity = "warning";
  // sli "error_budget_burn" only: the short window that must burn too (SRE workbook's
  // multi-window alerts); absent: window / 12, the workbook's ratio (1 h / 5 min).
  std::optional<Duration> short_window;
};

enum class ExpectKind {
  kOpensWithin,       // breaker, within, fault
  kClosesWithin,      // breaker, within, fault (after its end)
  kNeverOpens,        // breaker
  kMaxOpenTransitions,  // breaker, limit
  kMaxCallsWhileOpen,   // breaker, limit
  kSli,               // sli, at_least / at_most
  kDependencyMaxCalls,  // dependency, limit
};

struct Expectation {
  ExpectKind kind = ExpectKind::kSli;
  std::string breaker;
  std::string sli;
  std::string dependency;
  Duration within{};
  int fault = 0;
  std::int64_t limit = 0;
  std::optional<double> at_least;
  std::optional<double> at_most;
  // sli only (an extension): the SLI over the requests issued in [from, to) instead of the whole
  // run after warm-up; `during_fault` names the fault whose window it is (-1: from_s / to_s).
  std::optional<std::pair<Instant, Instant>> window;
  int during_fault = -1;
  std::string pointer;  // JSON pointer of the item, e.g. /expect/2, for messages
};

// How report.html scales its latency chart's y axis (docs/reports.md): clipped at a quantile of
// the plotted points (default), logarithmic, or linear from 0 to the largest point.
enum class LatencyAxis { kClip, kLog, kLinear };

// metrics.om's timestamps are this Unix time plus the virtual instant: fixed by default
// (2026-01-01T00:00:00Z) so that the file is the same for the same seed.
inline constexpr std::int64_t kDefaultMetricsEpochS = 1767225600;
inline constexpr std::int64_t kMaxMetricsEpochS = 4102444800;  // 2100-01-01T00:00:00Z

struct ReportConfig {
  LatencyAxis latency_axis = LatencyAxis::kClip;
  std::int64_t metrics_epoch_s = kDefaultMetricsEpochS;
};

// `live.fidelity`: how close a live run must come to the simulation of the same file and seed
// (docs/live.md, "Fidelity").
struct FidelityTolerances {
  double availability_points = 2.0;   // |live - sim| in percentage points
  double latency_relative = 0.15;     // |live - sim| / sim for latency_p95 and latency_p99
  double breaker_seconds = 0.5;       // per breaker transition, |live instant - sim instant|
  bool same_alerts = true;            // the same alerts fire in both
};

struct LiveConfig {
  FidelityTolerances fidelity;
};

struct Experiment {
  std::string name;
  std::string description;
  std::uint64_t seed = 1;
  Duration duration = std::chrono::seconds(60);
  Duration warmup{};
  Profile profile = Profile::kProduction;
  std::map<std::string, std::string> env;
  ApiConfig api;
  // Sorted by name: JSON objects are unordered, so reordering keys in a file changes nothing.
  std::vector<DependencyConfig> dependencies;
  std::vector<EndpointConfig> endpoints;
  LoadConfig load;
  std::map<std::string, BreakerConfig> breakers;
  CoalescingConfig coalescing;
  std::map<std::string, BulkheadConfig> bulkheads;
  std::map<std::string, RateLimiterConfig> rate_limiters;
  std::vector<FaultConfig> faults;
  SloConfig slo;
  bool has_alerts = false;           // false: the default rules apply
  std::vector<AlertRule> alerts;
  std::vector<Expectation> expect;
  ReportConfig report;
  // Prometheus rule files (prometheus_rules, then --prometheus-rules), resolved paths: read and
  // evaluated by monitoring/prometheus_rule_file.h, not by the loader.
  std::vector<std::string> prometheus_rules;
  std::vector<std::string> prometheus_rule_names;  // each as written (file key or command line)
  LiveConfig live;
  nlohmann::json sweep;              // the `sweep` block as written, or null
  nlohmann::json explore;            // the `explore` block as written, or null
  nlohmann::json source;             // the whole document after --set overrides
  std::string file;                  // path it was loaded from
};

}  // namespace faultline::experiments

// The words an experiment file may use: the keys each kind of object accepts and the values
// each enumerated field takes. The validator checks files against these tables, and a test
// checks experiments/schema.json against them, so the two cannot drift apart.
//
//   const KeySet& k = key_set(Keys::kCircuitBreaker);   // k.schema_pointer ==
//   "/$defs/circuit_breaker" words(Vocabulary::kFaultKind)                       // {"latency",
//   "slowdown", ...}
//
// Immutable tables; thread-safe.
#pragma once

#include <string>
#include <vector>

namespace faultline::experiments {

enum class Keys {
  kExperiment,
  kApi,
  kDependency,
  kEndpoint,
  kStep,
  kRetry,
  kRetryBudget,
  kCoalesce,
  kDegradation,
  kDegradationService,
  kLoad,
  kStage,
  kResilience,
  kCircuitBreaker,
  kCoalescing,
  kBulkhead,
  kRateLimiter,
  kFault,
  kSlo,
  kAlert,
  kExpect,
  kSweep,
  kEnv,
  kDistConstant,
  kDistUniform,
  kDistExponential,
  kDistNormal,
  kDistLognormal,
  kDistPareto,
  kDistEmpirical,
  kReport,
  kExplore,
  kExploreFault,
  kExploreSearch,
  kLive,
  kLiveFidelity,
};

struct KeySet {
  Keys id;
  std::string schema_pointer;     // the schema object whose "properties" list these keys
  std::vector<std::string> keys;  // in the order the documentation gives them
};

const KeySet& key_set(Keys id);
const std::vector<KeySet>& all_key_sets();

// Enumerated string values. Where a C++ enum mirrors one, `values` is in the enum's order.
enum class Vocabulary {
  kProfile,  // Profile
  kDependencyType,
  kMethod,
  kBackoff,      // Backoff
  kJitter,       // Jitter
  kCoalesceKey,  // CoalesceKey
  kStrategy,     // DegradationStrategy
  kPriority,     // Priority
  kLoadModel,    // LoadModel
  kArrivals,     // Arrivals
  kUnanswered,   // Unanswered
  kPreset,
  kFaultKind,  // FaultKind
  kDistribution,
  kSeverity,
  kExpectSli,
  kLatencyAxis,  // LatencyAxis
  kOnBreakerOpen,   // OnBreakerOpen
  kBudgetMode,      // BudgetMode
  kRateComparison,  // RateComparison
};

struct Enumeration {
  Vocabulary id;
  std::string schema_pointer;  // the schema object whose "enum" lists these values
  std::vector<std::string> values;
};

const Enumeration& enumeration(Vocabulary id);
const std::vector<Enumeration>& all_enumerations();
inline const std::vector<std::string>& words(Vocabulary id) { return enumeration(id).values; }

// The `env` variables the simulation reads (the guide's, plus SLI_LATENCY_P99_TARGET and
// SLI_THROUGHPUT_TARGET): key_set(Keys::kEnv).keys.

}  // namespace faultline::experiments

// EndpointSpec: what the API does for one endpoint, in simulator terms — sequential steps,
// each a call to a dependency through its resilience chain, then an optional degradation block
// of parallel services. Built by the world builder from the experiment file; the components
// it points at (breakers, coalescers, budgets...) are owned by the world.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "resilience/circuit_breaker.h"
#include "resilience/retry.h"
#include "resilience/concurrency_retry_budget.h"
#include "resilience/retry_budget.h"
#include "resilience/bulkhead.h"
#include "resilience/rate_limiter.h"
#include "resilience/degradation_config.h"
#include "resilience/clock.h"

namespace faultline::sim {

class StepCoalescer;

enum class CoalesceScope : std::uint8_t { kNone, kUser, kGlobal };

// What the retry loop does when the step's breaker rejects an attempt. kStop: the step fails
// at once (Envoy does not retry an overflow). kRetry: the rejection is a failed attempt, retried
// after its backoff like any other (resilience4j Retry(CircuitBreaker), Polly v8's retry outside
// the breaker).
enum class OnBreakerOpen : std::uint8_t { kStop, kRetry };

struct StepSpec {
  std::uint32_t dependency = 0;                        // index in the world's dependencies
  std::int32_t breaker = -1;                           // index in the world's breakers, -1: none
  resilience::CircuitBreaker* breaker_ptr = nullptr;
  // A call cancelled by a deadline above it (the endpoint's timeout, a degradation block's
  // global timeout) is a failure for the breaker, as resilience4j's
  // CircuitBreaker(TimeLimiter(call)) records it; false: released with no outcome.
  bool breaker_counts_cancellations = true;
  Duration timeout{};                                  // per attempt; zero: none
  bool fallback = false;
  CoalesceScope coalesce = CoalesceScope::kNone;
  Duration coalesce_ttl{};
  StepCoalescer* coalescer = nullptr;
  int max_attempts = 1;
  std::optional<resilience::RetryPolicy> retry;
  OnBreakerOpen on_breaker_open = OnBreakerOpen::kStop;
  // At most one of the two budgets: Finagle's ratio over a window, or Envoy's concurrency.
  resilience::RetryBudget* budget = nullptr;
  resilience::ConcurrencyRetryBudget* concurrency_budget = nullptr;
  resilience::Bulkhead* bulkhead = nullptr;
  resilience::RateLimiter* rate_limiter = nullptr;
};

// Services run in parallel under resilience::GracefulDegradation; calls[i] is the call of
// config.services[i] (its timeout and priority are in the config).
struct DegradationSpec {
  resilience::DegradationConfig config;
  std::vector<StepSpec> calls;
};

struct EndpointSpec {
  std::string name;
  Duration timeout{};            // whole request; zero: none
  // The client gives up this long after sending (k6's request timeout); the server keeps
  // working on the request. Zero: the client waits for ever.
  Duration client_timeout{};
  int expected_status = 200;
  std::vector<StepSpec> steps;
  std::optional<DegradationSpec> degradation;
};

}  // namespace faultline::sim

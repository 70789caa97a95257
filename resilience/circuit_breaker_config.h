// The circuit breaker's vocabulary: its settings, states, health and transition record.
//
//   CircuitBreakerConfig c;  c.failure_threshold = 3;  c.recovery_timeout = millis(30000);
//   CircuitBreaker breaker(scheduler, c);
//
// Plain data; see circuit_breaker.h for the behaviour and circuit_breaker_factory.h for where
// the defaults come from (type, profile, environment, explicit values).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "resilience/clock.h"

namespace faultline::resilience {

// How the window's failure rate is compared with expected_failure_rate: kAbove (`>`, the
// guide's "exceeds") or kAtLeast (`>=`, resilience4j's failureRateThreshold, Polly's FailureRatio).
enum class RateComparison : std::uint8_t { kAbove, kAtLeast };

struct CircuitBreakerConfig {
  // Consecutive failures that open a CLOSED breaker; 0 turns the rule off.
  int failure_threshold = 5;
  // How long an OPEN breaker rejects calls before letting trial calls through.
  Duration recovery_timeout = std::chrono::seconds(60);
  // The window rule opens when the failure rate in the window is strictly above this percent
  // (0-100) with at least `minimum_calls` outcomes in it; >= 100 turns the rule off. With
  // RateComparison::kAtLeast it opens at the rate itself (resilience4j, Polly, Envoy), and 100
  // opens when every call in the window failed.
  double expected_failure_rate = 10;
  RateComparison rate_comparison = RateComparison::kAbove;
  Duration monitoring_window = std::chrono::minutes(5);
  int minimum_calls = 20;
  // Trial calls admitted while HALF_OPEN; all must succeed to close.
  int half_open_max_calls = 1;
  // A success slower than this counts as a failure (and as a slow call).
  std::optional<Duration> slow_call_threshold;
  // false: OPEN -> HALF_OPEN happens lazily, at the first call at or after opened_at +
  // recovery_timeout. true: a timer makes the transition exactly at that instant.
  bool automatic_transition = false;
  // Resolution of the monitoring window: it slides bucket by bucket (window / buckets).
  int window_buckets = 60;
};

enum class BreakerState : std::uint8_t { kClosed, kOpen, kHalfOpen };
// "CLOSED", "OPEN", "HALF_OPEN" (the guide's and the health report's spelling).
const char* to_string(BreakerState state);

enum class HealthStatus : std::uint8_t { kHealthy, kDegraded, kUnhealthy };
// "healthy", "degraded", "unhealthy".
const char* to_string(HealthStatus status);

// One state change, as listeners and reports see it.
struct Transition {
  Instant at{};
  BreakerState from = BreakerState::kClosed;
  BreakerState to = BreakerState::kClosed;
  std::string reason;  // e.g. "5 consecutive failures", "recovery timeout elapsed"
};

}  // namespace faultline::resilience

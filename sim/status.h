// HTTP-like outcome codes shared by the models, the metrics and the reports.
// Contract (experiment-format.md, "Statuses"): success is the endpoint's expected status;
// a dependency error or refused connection -> 502; a rejection (open breaker, full queue,
// bulkhead) -> 503; a rate limiter -> 429; a step or request timeout -> 504.
// Two outcomes the client gives itself, not the server (docs/monitoring.md, "Outcomes"):
// its own timeout expired -> 499 (nginx's "client closed request"); still unanswered when the
// run's drain ended -> 0 (k6's status for a request that got no response).
#pragma once

#include <cstdint>

namespace faultline::sim {

inline constexpr int kStatusBadGateway = 502;
inline constexpr int kStatusUnavailable = 503;
inline constexpr int kStatusTooManyRequests = 429;
inline constexpr int kStatusGatewayTimeout = 504;
inline constexpr int kStatusInternalError = 500;
inline constexpr int kStatusClientTimeout = 499;
inline constexpr int kStatusNoAnswer = 0;

// Outcome of one dependency call, as the caller sees it.
enum class CallStatus : std::uint8_t {
  kOk,        // answered successfully
  kError,     // answered with an error (after its latency)
  kRefused,   // connection refused at once (outage)
  kRejected,  // the dependency's queue was full
  kTimeout,   // the caller's timeout expired first (set by the caller, never by a dependency)
  kBreakerOpen,  // rejected by an open circuit breaker (never reached the dependency)
  kRateLimited,  // rejected by a rate limiter
};

// The request status a failed call gives when it fails the request.
constexpr int status_for(CallStatus s) {
  switch (s) {
    case CallStatus::kOk: return 200;
    case CallStatus::kError: return kStatusBadGateway;
    case CallStatus::kRefused: return kStatusBadGateway;
    case CallStatus::kRejected: return kStatusUnavailable;
    case CallStatus::kTimeout: return kStatusGatewayTimeout;
    case CallStatus::kBreakerOpen: return kStatusUnavailable;
    case CallStatus::kRateLimited: return kStatusTooManyRequests;
  }
  return kStatusInternalError;
}

constexpr bool is_server_error(int status) { return status >= 500 && status <= 599; }
// What the error-rate SLI counts: a 5xx, or no answer the client could use (499, 0).
constexpr bool counts_as_error(int status) {
  return is_server_error(status) || status == kStatusClientTimeout || status == kStatusNoAnswer;
}

}  // namespace faultline::sim

// The vocabulary of graceful degradation: strategy, service priority, per-service outcome,
// and the configuration of one degradation block.
//
//   DegradationConfig c{DegradationStrategy::kFailFast, millis(10000),
//                       {{"user_profile", Priority::kCritical, millis(2000), true}}};
//
// Plain data; see graceful_degradation.h for the behaviour.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "resilience/clock.h"

namespace faultline::resilience {

// kFailFast: the first critical failure without fallback fails the request at once and
// cancels the rest. kBestEffort: every service runs to its end; failures use fallbacks.
enum class DegradationStrategy : std::uint8_t { kFailFast, kBestEffort };
// kCritical: failing without fallback fails the request. kImportant: a fallback is expected;
// failing without one drops it like kOptional (degraded, still a success), reported apart.
// kOptional: failing drops it (degraded, still a success); a fallback is used if given.
enum class Priority : std::uint8_t { kCritical, kImportant, kOptional };
enum class ServiceStatus : std::uint8_t {
  kPending,    // not settled (only seen while running)
  kSucceeded,  // answered in time
  kFellBack,   // failed or timed out; its fallback answers instead
  kFailed,     // failed, no fallback
  kTimedOut,   // its own or the global timeout expired, no fallback
  kCancelled,  // abandoned: fail_fast aborted the request, or cancel()
};

const char* to_string(DegradationStrategy strategy);  // "fail_fast", "best_effort"
const char* to_string(Priority priority);             // "critical", "important", "optional"
const char* to_string(ServiceStatus status);          // "succeeded", "fell_back", ...
std::optional<DegradationStrategy> parse_strategy(std::string_view text);
std::optional<Priority> parse_priority(std::string_view text);

struct ServiceConfig {
  std::string name;
  Priority priority = Priority::kImportant;
  Duration timeout{};     // zero: only the global timeout bounds it
  bool fallback = false;  // a fallback value exists (the caller supplies it on kFellBack)
};

struct DegradationConfig {
  DegradationStrategy strategy = DegradationStrategy::kFailFast;
  Duration global_timeout{};  // zero: none
  std::vector<ServiceConfig> services;
};

}  // namespace faultline::resilience

// The guide's configuration inputs shared by the factories: the profile (development or
// production) and the environment variables, given as a map so the library never reads the
// process environment itself (the simulator passes the experiment's `env` block).
//
//   EnvMap env = read_process_environment();   // a real service; tests build the map by hand
//   auto threshold = env_int(env, kEnvBreakerFailureThreshold, 1, &errors);
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace faultline::resilience {

// kNone: no profile named; the per-type (breaker) or base (coalescer) defaults stand.
enum class Profile : std::uint8_t { kNone, kDevelopment, kProduction };

// "development" / "production" (the experiment file's spelling); nullopt for anything else.
std::optional<Profile> parse_profile(std::string_view text);
const char* to_string(Profile profile);

using EnvMap = std::map<std::string, std::string, std::less<>>;

// The guide's variable names.
inline constexpr std::string_view kEnvBreakerFailureThreshold = "CIRCUIT_BREAKER_FAILURE_THRESHOLD";
inline constexpr std::string_view kEnvBreakerRecoveryTimeout = "CIRCUIT_BREAKER_RECOVERY_TIMEOUT";
inline constexpr std::string_view kEnvBreakerMonitoringWindow = "CIRCUIT_BREAKER_MONITORING_WINDOW";
inline constexpr std::string_view kEnvCoalescerTtl = "REQUEST_COALESCER_TTL";
inline constexpr std::string_view kEnvCoalescerMaxCacheSize = "REQUEST_COALESCER_MAX_CACHE_SIZE";

// Returns the integer value of `name` if present and a whole number >= `min`. A present but
// malformed or out-of-range value is ignored and described in `errors` (when not null): bad
// input is a value, not a crash.
std::optional<std::int64_t> env_int(const EnvMap& env, std::string_view name, std::int64_t min,
                                    std::vector<std::string>* errors);

// Reads the variables above from the process environment (the one place that calls getenv).
EnvMap read_process_environment();

}  // namespace faultline::resilience

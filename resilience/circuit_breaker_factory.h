// CircuitBreakerFactory: one breaker per "type:name" (the health report's key), configured in
// layers, each setting only the fields it names:
//   per-type defaults < profile < environment < values written for the breaker.
//
//   CircuitBreakerFactory factory(scheduler, Profile::kProduction, read_process_environment());
//   CircuitBreaker& openai = factory.get("openai", "ai_service");   // same object every time
//
// Owns its breakers (stable addresses, iterated in key order). Single-threaded.
#pragma once

#include <array>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "resilience/circuit_breaker.h"
#include "resilience/clock.h"
#include "resilience/environment.h"

namespace faultline::resilience {

// Values written for one breaker (or one layer); unset fields leave the layer below alone.
struct CircuitBreakerOverrides {
  std::optional<int> failure_threshold;
  std::optional<Duration> recovery_timeout;
  std::optional<double> expected_failure_rate;  // percent 0-100
  std::optional<RateComparison> rate_comparison;
  std::optional<Duration> monitoring_window;
  std::optional<int> minimum_calls;
  std::optional<int> half_open_max_calls;
  std::optional<Duration> slow_call_threshold;
  std::optional<bool> automatic_transition;

  // Writes the fields that are set over `config`.
  void apply_to(CircuitBreakerConfig& config) const;
};

inline constexpr std::array<std::string_view, 4> kBreakerTypes = {"ai_service", "database", "cache",
                                                                  "external_api"};

class CircuitBreakerFactory {
 public:
  using Breakers = std::map<std::string, std::unique_ptr<CircuitBreaker>, std::less<>>;

  // Reads the CIRCUIT_BREAKER_* variables of `env` now; malformed ones are ignored and listed
  // in env_errors().
  explicit CircuitBreakerFactory(Scheduler& scheduler, Profile profile = Profile::kNone,
                                 const EnvMap& env = {});

  // The guide's defaults for a breaker type; nullopt for an unknown type.
  static std::optional<CircuitBreakerConfig> type_defaults(std::string_view type);
  // What a profile sets: failure_threshold and recovery_timeout (nothing for kNone).
  static CircuitBreakerOverrides profile_values(Profile profile);
  // What the environment sets: CIRCUIT_BREAKER_FAILURE_THRESHOLD (count, >= 0),
  // CIRCUIT_BREAKER_RECOVERY_TIMEOUT and CIRCUIT_BREAKER_MONITORING_WINDOW (ms).
  static CircuitBreakerOverrides env_values(const EnvMap& env, std::vector<std::string>* errors);
  // "ai_service:openai".
  static std::string key(std::string_view type, std::string_view name);

  // The configuration a new breaker of `type` gets. An unknown type starts from the
  // external_api defaults.
  CircuitBreakerConfig resolve(std::string_view type,
                               const CircuitBreakerOverrides& explicit_values = {}) const;

  // Returns the breaker for `type:name`, creating it on first use with resolve(); later calls
  // return the same breaker and ignore `explicit_values`.
  CircuitBreaker& get(std::string_view name, std::string_view type,
                      const CircuitBreakerOverrides& explicit_values = {});
  // The breaker with key "type:name", or nullptr.
  CircuitBreaker* find(std::string_view key) const;

  const Breakers& breakers() const { return breakers_; }
  Profile profile() const { return profile_; }
  const std::vector<std::string>& env_errors() const { return env_errors_; }

 private:
  Scheduler& scheduler_;
  Profile profile_;
  std::vector<std::string> env_errors_;
  CircuitBreakerOverrides env_;
  Breakers breakers_;
};

}  // namespace faultline::resilience

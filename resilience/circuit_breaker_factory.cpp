#include "resilience/circuit_breaker_factory.h"

#include <algorithm>
#include <chrono>
#include <utility>

namespace faultline::resilience {
namespace {

CircuitBreakerConfig make_defaults(int threshold, Duration recovery, double rate) {
  CircuitBreakerConfig c;
  c.failure_threshold = threshold;
  c.recovery_timeout = recovery;
  c.expected_failure_rate = rate;
  c.monitoring_window = std::chrono::minutes(5);  // CIRCUIT_BREAKER_MONITORING_WINDOW default
  c.minimum_calls = 20;
  c.half_open_max_calls = 1;
  return c;
}

}  // namespace

void CircuitBreakerOverrides::apply_to(CircuitBreakerConfig& config) const {
  if (failure_threshold) config.failure_threshold = *failure_threshold;
  if (recovery_timeout) config.recovery_timeout = *recovery_timeout;
  if (expected_failure_rate) config.expected_failure_rate = *expected_failure_rate;
  if (rate_comparison) config.rate_comparison = *rate_comparison;
  if (monitoring_window) config.monitoring_window = *monitoring_window;
  if (minimum_calls) config.minimum_calls = *minimum_calls;
  if (half_open_max_calls) config.half_open_max_calls = *half_open_max_calls;
  if (slow_call_threshold) config.slow_call_threshold = *slow_call_threshold;
  if (automatic_transition) config.automatic_transition = *automatic_transition;
}

std::optional<CircuitBreakerConfig> CircuitBreakerFactory::type_defaults(std::string_view type) {
  using std::chrono::seconds;
  // ai_service and database are the guide's; cache and external_api are ours: a cache is
  // cheap to probe and usually bypassable, so it trips on 3 failures and is retried after
  // 10 s; a third-party API recovers on its own schedule, like the AI providers.
  if (type == "ai_service") return make_defaults(5, seconds(60), 10);
  if (type == "database") return make_defaults(3, seconds(30), 5);
  if (type == "cache") return make_defaults(3, seconds(10), 10);
  if (type == "external_api") return make_defaults(5, seconds(60), 10);
  return std::nullopt;
}

CircuitBreakerOverrides CircuitBreakerFactory::profile_values(Profile profile) {
  CircuitBreakerOverrides o;
  switch (profile) {
    case Profile::kNone:
      break;
    case Profile::kDevelopment:
      o.failure_threshold = 3;
      o.recovery_timeout = millis(30000);
      break;
    case Profile::kProduction:
      o.failure_threshold = 5;
      o.recovery_timeout = millis(60000);
      break;
  }
  return o;
}

CircuitBreakerOverrides CircuitBreakerFactory::env_values(const EnvMap& env,
                                                          std::vector<std::string>* errors) {
  CircuitBreakerOverrides o;
  if (auto v = env_int(env, kEnvBreakerFailureThreshold, 0, errors)) {
    o.failure_threshold = static_cast<int>(std::min<std::int64_t>(*v, 1'000'000'000));
  }
  if (auto v = env_int(env, kEnvBreakerRecoveryTimeout, 0, errors)) o.recovery_timeout = millis(*v);
  if (auto v = env_int(env, kEnvBreakerMonitoringWindow, 1, errors)) {
    o.monitoring_window = millis(*v);
  }
  return o;
}

std::string CircuitBreakerFactory::key(std::string_view type, std::string_view name) {
  std::string k;
  k.reserve(type.size() + 1 + name.size());
  k.append(type).append(":").append(name);
  return k;
}

CircuitBreakerFactory::CircuitBreakerFactory(Scheduler& scheduler, Profile profile,
                                             const EnvMap& env)
    : scheduler_(scheduler), profile_(profile), env_(env_values(env, &env_errors_)) {}

CircuitBreakerConfig CircuitBreakerFactory::resolve(
    std::string_view type, const CircuitBreakerOverrides& explicit_values) const {
  CircuitBreakerConfig config = type_defaults(type).value_or(*type_defaults("external_api"));
  profile_values(profile_).apply_to(config);
  env_.apply_to(config);
  explicit_values.apply_to(config);
  return config;
}

CircuitBreaker& CircuitBreakerFactory::get(std::string_view name, std::string_view type,
                                           const CircuitBreakerOverrides& explicit_values) {
  std::string k = key(type, name);
  auto it = breakers_.find(k);
  if (it == breakers_.end()) {
    auto breaker = std::make_unique<CircuitBreaker>(scheduler_, resolve(type, explicit_values));
    it = breakers_.emplace(std::move(k), std::move(breaker)).first;
  }
  return *it->second;
}

CircuitBreaker* CircuitBreakerFactory::find(std::string_view key) const {
  const auto it = breakers_.find(key);
  return it == breakers_.end() ? nullptr : it->second.get();
}

}  // namespace faultline::resilience

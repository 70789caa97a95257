#include "resilience/environment.h"

#include <charconv>
#include <cstdlib>

namespace faultline::resilience {

std::optional<Profile> parse_profile(std::string_view text) {
  if (text == "development") return Profile::kDevelopment;
  if (text == "production") return Profile::kProduction;
  return std::nullopt;
}

const char* to_string(Profile profile) {
  switch (profile) {
    case Profile::kNone:
      return "none";
    case Profile::kDevelopment:
      return "development";
    case Profile::kProduction:
      return "production";
  }
  return "none";
}

std::optional<std::int64_t> env_int(const EnvMap& env, std::string_view name, std::int64_t min,
                                    std::vector<std::string>* errors) {
  const auto it = env.find(name);
  if (it == env.end()) return std::nullopt;
  const std::string& text = it->second;
  std::int64_t value = 0;
  const char* first = text.data();
  const char* last = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(first, last, value);
  if (ec != std::errc() || ptr != last || text.empty()) {
    if (errors != nullptr) {
      errors->push_back(std::string(name) + "=\"" + text + "\" is not a whole number; ignored");
    }
    return std::nullopt;
  }
  if (value < min) {
    if (errors != nullptr) {
      errors->push_back(std::string(name) + "=" + text + " is below " + std::to_string(min) +
                        "; ignored");
    }
    return std::nullopt;
  }
  return value;
}

EnvMap read_process_environment() {
  EnvMap env;
  for (std::string_view name :
       {kEnvBreakerFailureThreshold, kEnvBreakerRecoveryTimeout, kEnvBreakerMonitoringWindow,
        kEnvCoalescerTtl, kEnvCoalescerMaxCacheSize}) {
    const std::string key(name);
    if (const char* value = std::getenv(key.c_str()); value != nullptr) env.emplace(key, value);
  }
  return env;
}

}  // namespace faultline::resilience

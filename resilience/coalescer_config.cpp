#include "resilience/coalescer_config.h"

#include <algorithm>

namespace faultline::resilience {
namespace {

void apply(const CoalescerOverrides& o, CoalescerConfig& c) {
  if (o.ttl) c.ttl = std::max(Duration::zero(), *o.ttl);
  if (o.max_cache_size)
    c.max_cache_size = static_cast<std::size_t>(std::max<std::int64_t>(0, *o.max_cache_size));
}

}  // namespace

CoalescerConfig resolve_coalescer_config(Profile profile, const EnvMap& env,
                                         const CoalescerOverrides& explicit_values,
                                         std::vector<std::string>* errors) {
  CoalescerConfig c;
  CoalescerOverrides layer;
  switch (profile) {
    case Profile::kNone:
      break;
    case Profile::kDevelopment:
      layer.ttl = millis(5000);
      layer.max_cache_size = 100;
      break;
    case Profile::kProduction:
      layer.ttl = millis(30000);
      layer.max_cache_size = 1000;
      break;
  }
  apply(layer, c);
  CoalescerOverrides from_env;
  if (auto v = env_int(env, kEnvCoalescerTtl, 0, errors)) from_env.ttl = millis(*v);
  from_env.max_cache_size = env_int(env, kEnvCoalescerMaxCacheSize, 0, errors);
  apply(from_env, c);
  apply(explicit_values, c);
  return c;
}

}  // namespace faultline::resilience

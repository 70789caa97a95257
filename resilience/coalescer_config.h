// Where a RequestCoalescer's TTL and cache size come from, in layers, each setting only the
// fields it names: base (the guide's variable block: 5 s, 1000) < profile (development
// 5 s / 100, production 30 s / 1000) < environment (REQUEST_COALESCER_TTL in ms,
// REQUEST_COALESCER_MAX_CACHE_SIZE) < values written in the experiment.
//
//   CoalescerConfig c = resolve_coalescer_config(Profile::kProduction, env, {}, &errors);
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "resilience/clock.h"
#include "resilience/environment.h"

namespace faultline::resilience {

struct CoalescerConfig {
  Duration ttl = millis(5000);        // how long a success is served from the cache
  std::size_t max_cache_size = 1000;  // cached successes kept (least recently used leave first)
};

struct CoalescerOverrides {
  std::optional<Duration> ttl;
  std::optional<std::int64_t> max_cache_size;
};

// Malformed environment values are ignored and described in `errors` (when not null).
CoalescerConfig resolve_coalescer_config(Profile profile, const EnvMap& env,
                                         const CoalescerOverrides& explicit_values = {},
                                         std::vector<std::string>* errors = nullptr);

}  // namespace faultline::resilience

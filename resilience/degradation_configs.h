// DegradationConfigs: the guide's two ready-made degradation blocks.
//
//   GracefulDegradation g(scheduler, DegradationConfigs::user_dashboard());  // keep the config
//   alive
//
// user_dashboard(): fail_fast, 10 s; user_profile critical 2 s with fallback,
//                   ai_recommendations optional 8 s.
// analytics():      best_effort, the guide's best_effort example (same services and timeouts).
#pragma once

#include "resilience/degradation_config.h"

namespace faultline::resilience {

struct DegradationConfigs {
  static DegradationConfig user_dashboard();
  static DegradationConfig analytics();
};

}  // namespace faultline::resilience

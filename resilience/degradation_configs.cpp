#include "resilience/degradation_configs.h"

namespace faultline::resilience {
namespace {

std::vector<ServiceConfig> guide_services() {
  return {
      {"user_profile", Priority::kCritical, millis(2000), true},
      {"ai_recommendations", Priority::kOptional, millis(8000), false},
  };
}

}  // namespace

DegradationConfig DegradationConfigs::user_dashboard() {
  return {DegradationStrategy::kFailFast, millis(10000), guide_services()};
}

DegradationConfig DegradationConfigs::analytics() {
  return {DegradationStrategy::kBestEffort, millis(10000), guide_services()};
}

}  // namespace faultline::resilience

// A built-in alert episode for tests, field by field: GCC warns on a designated initializer
// that leaves members out and clang on a positional one, and AlertEvent has Prometheus-only
// members most tests do not set.
#pragma once

#include <optional>
#include <string>

#include "monitoring/evaluation.h"

namespace faultline::monitoring::testing {

inline AlertEvent alert_event(std::string name, std::string severity, double pending_at_s, double fired_at_s,
                              std::optional<double> resolved_at_s = std::nullopt) {
  AlertEvent e;
  e.name = std::move(name);
  e.severity = std::move(severity);
  e.pending_at_s = pending_at_s;
  e.fired_at_s = fired_at_s;
  e.resolved_at_s = resolved_at_s;
  return e;
}

}  // namespace faultline::monitoring::testing

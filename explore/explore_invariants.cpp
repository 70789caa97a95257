#include "explore/explore_invariants.h"

#include <fmt/format.h>

namespace faultline::explore {

namespace {

// CLOSED -> OPEN -> HALF_OPEN -> OPEN | CLOSED (resilience/circuit_breaker.cpp asserts the same
// in debug builds only); a "reset" may go anywhere. Each transition starts where the previous
// one ended, from CLOSED.
bool follows_state_machine(const sim::BreakerMetrics& b) {
  std::string state = "CLOSED";
  for (const sim::BreakerTransitionRecord& t : b.transitions) {
    if (t.from != state || t.to == t.from) return false;
    const bool allowed = t.reason == "reset" || (t.from == "CLOSED" && t.to == "OPEN") ||
                         (t.from == "OPEN" && t.to == "HALF_OPEN") ||
                         (t.from == "HALF_OPEN" && (t.to == "OPEN" || t.to == "CLOSED"));
    if (!allowed) return false;
    state = t.to;
  }
  return state == b.state_at_end;
}

}  // namespace

std::vector<std::string> broken_invariants(const sim::Metrics& metrics) {
  std::vector<std::string> broken;
  const sim::Metrics::Totals& t = metrics.totals();
  if (t.succeeded + t.failed != t.total) {
    broken.push_back("invariant: succeeded + failed == total");
  }
  std::uint64_t by_status = 0;
  for (const auto& [status, count] : t.by_status) by_status += count;
  if (by_status != t.total) broken.push_back("invariant: the answers by status add up to total");
  if (metrics.coalescing().overlapping_executions != 0)
    broken.push_back("invariant: a coalesced key has at most one call in flight");
  for (const sim::BreakerMetrics& b : metrics.breakers()) {
    if (!follows_state_machine(b))
      broken.push_back(fmt::format("invariant: breaker {} follows its state machine", b.name));
    if (b.calls_while_open != 0)
      broken.push_back(fmt::format("invariant: no call passes breaker {} while OPEN", b.name));
  }
  return broken;
}

}  // namespace faultline::explore

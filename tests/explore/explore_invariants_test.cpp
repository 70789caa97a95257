#include "explore/explore_invariants.h"

#include <gtest/gtest.h>

namespace faultline::explore {
namespace {

sim::Metrics two_answers() {
  sim::Metrics m{sim::MetricsLayout{}};
  m.on_request_issued(Instant{});  // every answer needs its request (Metrics asserts it)
  m.on_request_issued(Instant{});
  m.on_request_done(Instant{}, Instant{} + std::chrono::milliseconds(5), 200, true, false);
  m.on_request_done(Instant{}, Instant{} + std::chrono::milliseconds(5), 503, false, false);
  return m;
}

sim::BreakerTransitionRecord t(const char* from, const char* to, const char* reason = "x") {
  return {Instant{}, from, to, reason};
}

TEST(ExploreInvariants, ACoherentRunBreaksNone) {
  sim::Metrics m = two_answers();
  sim::BreakerMetrics b;
  b.name = "db";
  b.transitions = {t("CLOSED", "OPEN"), t("OPEN", "HALF_OPEN"), t("HALF_OPEN", "OPEN"),
                   t("OPEN", "HALF_OPEN"), t("HALF_OPEN", "CLOSED")};
  b.state_at_end = "CLOSED";
  m.breakers().push_back(b);
  EXPECT_TRUE(broken_invariants(m).empty());
}

TEST(ExploreInvariants, EachBrokenInvariantIsNamed) {
  sim::Metrics m = two_answers();
  ++m.mutable_totals().total;  // neither succeeded nor failed, and no status
  sim::BreakerMetrics skip;
  skip.name = "db";
  skip.transitions = {t("CLOSED", "OPEN"), t("OPEN", "CLOSED")};  // OPEN must go HALF_OPEN first
  skip.state_at_end = "CLOSED";
  m.breakers().push_back(skip);
  sim::BreakerMetrics leak;
  leak.name = "ai";
  leak.calls_while_open = 1;
  m.breakers().push_back(leak);
  EXPECT_EQ(broken_invariants(m),
            (std::vector<std::string>{"invariant: succeeded + failed == total",
                                      "invariant: the answers by status add up to total",
                                      "invariant: breaker db follows its state machine",
                                      "invariant: no call passes breaker ai while OPEN"}));
}

TEST(ExploreInvariants, ASecondExecutionOfACoalescedKeyIsNamed) {
  sim::Metrics m = two_answers();
  m.coalescing().executions = 3;
  m.coalescing().joined_in_flight = 5;  // joining is the point of a coalescer: no invariant
  EXPECT_TRUE(broken_invariants(m).empty());
  m.coalescing().overlapping_executions = 1;
  EXPECT_EQ(broken_invariants(m),
            (std::vector<std::string>{"invariant: a coalesced key has at most one call in flight"}));
}

TEST(ExploreInvariants, AResetMayGoAnywhereButTheEndStateMustMatch) {
  sim::Metrics m = two_answers();
  sim::BreakerMetrics b;
  b.name = "db";
  b.transitions = {t("CLOSED", "OPEN"), t("OPEN", "CLOSED", "reset")};
  b.state_at_end = "CLOSED";
  m.breakers().push_back(b);
  EXPECT_TRUE(broken_invariants(m).empty());
  m.breakers()[0].state_at_end = "OPEN";
  EXPECT_EQ(broken_invariants(m).size(), 1u);
}

}  // namespace
}  // namespace faultline::explore

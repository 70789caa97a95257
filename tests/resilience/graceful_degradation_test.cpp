#include "resilience/graceful_degradation.h"

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "resilience/degradation_configs.h"
#include "tests/resilience/manual_scheduler.h"

namespace faultline::resilience {
namespace {

using std::chrono::milliseconds;
using testing::ManualScheduler;
using S = ServiceStatus;

enum class Outcome { kSuccess, kFailure, kTimeout };

// Records the result and which services were started / told to stop.
struct Harness {
  ManualScheduler s;
  std::vector<std::size_t> started;
  std::vector<std::size_t> cancelled;
  std::vector<std::size_t> deadline_cancels;  // the cancels a timeout caused
  std::optional<DegradationResult> result;
  std::vector<ServiceOutcome> outcomes;  // copied: the span dies with `done`
  int done_calls = 0;

  GracefulDegradation::CancelService cancel_hook() {
    return [this](std::size_t i, bool deadline) {
      cancelled.push_back(i);
      if (deadline) deadline_cancels.push_back(i);
    };
  }
  GracefulDegradation::Done done() {
    return [this](const DegradationResult& r) {
      ++done_calls;
      result = r;
      outcomes.assign(r.services.begin(), r.services.end());
      result->services = {};
    };
  }
};

struct Case {
  DegradationStrategy strategy;
  Priority priority;
  Outcome outcome;
  bool fallback;
};

std::string name(const Case& c) {
  const char* o[] = {"success", "failure", "timeout"};
  return std::string(to_string(c.strategy)) + "_" + to_string(c.priority) + "_" +
         o[static_cast<int>(c.outcome)] + (c.fallback ? "_fallback" : "_nofallback");
}

std::vector<Case> all_cases() {
  std::vector<Case> cases;
  for (auto st : {DegradationStrategy::kFailFast, DegradationStrategy::kBestEffort}) {
    for (auto p : {Priority::kCritical, Priority::kImportant, Priority::kOptional}) {
      for (auto o : {Outcome::kSuccess, Outcome::kFailure, Outcome::kTimeout}) {
        for (bool fb : {false, true}) cases.push_back({st, p, o, fb});
      }
    }
  }
  return cases;
}

class EveryCombination : public ::testing::TestWithParam<Case> {};

// Service 0 is under test (timeout 200 ms): it answers at 100 ms or never. Service 1 is an
// optional one that succeeds at 500 ms. Global timeout 1 s.
TEST_P(EveryCombination, StatusResultAndTiming) {
  const Case& c = GetParam();
  const DegradationConfig config{c.strategy,
                                 milliseconds(1000),
                                 {{"under_test", c.priority, milliseconds(200), c.fallback},
                                  {"other", Priority::kOptional, Duration::zero(), false}}};
  Harness h;
  GracefulDegradation g(h.s, config);
  g.execute(
      [&](std::size_t i, GracefulDegradation::ServiceDone d) {
        h.started.push_back(i);
        if (i == 1) {
          h.s.schedule_after(milliseconds(500), [d] { d(true); });
        } else if (c.outcome != Outcome::kTimeout) {
          h.s.schedule_after(milliseconds(100),
                             [d, ok = c.outcome == Outcome::kSuccess] { d(ok); });
        }
      },
      h.cancel_hook(), h.done());
  h.s.run_until_idle();

  const bool bad = c.outcome != Outcome::kSuccess;
  const bool fatal = c.priority == Priority::kCritical && !c.fallback && bad;
  const bool aborted = fatal && c.strategy == DegradationStrategy::kFailFast;
  const Instant bad_at = c.outcome == Outcome::kTimeout ? milliseconds(200) : milliseconds(100);
  const S expected0 = !bad                             ? S::kSucceeded
                      : c.fallback                     ? S::kFellBack
                      : c.outcome == Outcome::kTimeout ? S::kTimedOut
                                                       : S::kFailed;
  ASSERT_EQ(h.done_calls, 1);
  EXPECT_EQ(h.outcomes[0].status, expected0);
  EXPECT_EQ(h.outcomes[0].timed_out, c.outcome == Outcome::kTimeout);
  EXPECT_EQ(h.result->success, !fatal);
  EXPECT_EQ(h.result->degraded, !fatal && bad);
  EXPECT_EQ(h.result->failed_by, fatal ? 0 : -1);
  EXPECT_EQ(h.result->fell_back, bad && c.fallback ? 1 : 0);
  EXPECT_EQ(h.result->dropped_important, bad && !c.fallback && c.priority == Priority::kImportant);
  EXPECT_EQ(h.result->dropped_optional, bad && !c.fallback && c.priority == Priority::kOptional);
  EXPECT_EQ(h.outcomes[1].status, aborted ? S::kCancelled : S::kSucceeded);
  EXPECT_EQ(h.result->finished_at, aborted ? bad_at : milliseconds(500));
  // The cancel hook runs for the timed-out call and for the call fail_fast abandons.
  std::vector<std::size_t> expected_cancelled;
  if (c.outcome == Outcome::kTimeout) expected_cancelled.push_back(0);
  if (aborted) expected_cancelled.push_back(1);
  EXPECT_EQ(h.cancelled, expected_cancelled);
  // Only the timeout is a deadline (a breaker counts it); the abort only says "not needed".
  EXPECT_EQ(h.deadline_cancels, c.outcome == Outcome::kTimeout ? std::vector<std::size_t>{0}
                                                               : std::vector<std::size_t>{});
  EXPECT_EQ(h.s.pending(), 0u);  // every timer cancelled
}

INSTANTIATE_TEST_SUITE_P(Degradation, EveryCombination, ::testing::ValuesIn(all_cases()),
                         [](const auto& info) { return name(info.param); });

TEST(GracefulDegradationTest, GlobalTimeoutTimesOutEveryPendingServiceAtOnce) {
  const DegradationConfig config{DegradationStrategy::kFailFast,
                                 milliseconds(1000),
                                 {{"a", Priority::kCritical, Duration::zero(), false},
                                  {"b", Priority::kOptional, milliseconds(5000), false}}};
  Harness h;
  GracefulDegradation g(h.s, config);
  g.execute([](std::size_t, GracefulDegradation::ServiceDone) {}, h.cancel_hook(), h.done());
  h.s.advance_to(milliseconds(1000) - Duration(1));
  EXPECT_EQ(h.done_calls, 0);
  h.s.advance_to(milliseconds(1000));
  ASSERT_EQ(h.done_calls, 1);
  EXPECT_FALSE(h.result->success);
  EXPECT_EQ(h.outcomes[0].status, S::kTimedOut);
  EXPECT_EQ(h.outcomes[1].status, S::kTimedOut);  // timed out, not cancelled by the abort
  EXPECT_EQ(h.cancelled, (std::vector<std::size_t>{0, 1}));
  EXPECT_EQ(h.deadline_cancels, (std::vector<std::size_t>{0, 1}));
  EXPECT_EQ(h.s.pending(), 0u);
}

TEST(GracefulDegradationTest, CancelWithTheOwnersDeadlineTellsTheHooksItWasADeadline) {
  const DegradationConfig config = DegradationConfigs::user_dashboard();
  Harness h;
  GracefulDegradation g(h.s, config);
  g.execute([](std::size_t, GracefulDegradation::ServiceDone) {}, h.cancel_hook(), h.done());
  h.s.advance_to(milliseconds(100));
  EXPECT_TRUE(g.cancel(/*deadline=*/true));
  EXPECT_EQ(h.done_calls, 0);
  EXPECT_EQ(h.cancelled, (std::vector<std::size_t>{0, 1}));
  EXPECT_EQ(h.deadline_cancels, (std::vector<std::size_t>{0, 1}));
}

TEST(GracefulDegradationTest, SynchronousCriticalFailureStopsBeforeStartingTheRest) {
  const DegradationConfig config{DegradationStrategy::kFailFast,
                                 milliseconds(1000),
                                 {{"a", Priority::kOptional, Duration::zero(), false},
                                  {"b", Priority::kCritical, Duration::zero(), false},
                                  {"c", Priority::kOptional, Duration::zero(), false}}};
  Harness h;
  GracefulDegradation g(h.s, config);
  g.execute(
      [&](std::size_t i, GracefulDegradation::ServiceDone d) {
        h.started.push_back(i);
        if (i == 1) d(false);
      },
      h.cancel_hook(), h.done());
  ASSERT_EQ(h.done_calls, 1);  // inside execute()
  EXPECT_EQ(h.started, (std::vector<std::size_t>{0, 1}));
  EXPECT_EQ(h.cancelled, (std::vector<std::size_t>{0}));  // c was never started
  EXPECT_TRUE(h.deadline_cancels.empty());
  EXPECT_EQ(h.outcomes[2].status, S::kCancelled);
  EXPECT_FALSE(g.running());
  EXPECT_EQ(h.s.pending(), 0u);
}

TEST(GracefulDegradationTest, CancelAbandonsWithoutDoneAndLateReportsAreIgnored) {
  const DegradationConfig config = DegradationConfigs::user_dashboard();
  Harness h;
  GracefulDegradation g(h.s, config);
  std::vector<GracefulDegradation::ServiceDone> reports;
  g.execute([&](std::size_t, GracefulDegradation::ServiceDone d) { reports.push_back(d); },
            h.cancel_hook(), h.done());
  h.s.advance_to(milliseconds(100));
  EXPECT_TRUE(g.cancel());
  EXPECT_FALSE(g.cancel());
  reports[0](true);
  EXPECT_EQ(h.done_calls, 0);
  EXPECT_EQ(h.cancelled, (std::vector<std::size_t>{0, 1}));
  EXPECT_TRUE(h.deadline_cancels.empty());  // abandoned, not timed out
  EXPECT_EQ(h.s.pending(), 0u);
  // Reusable: a new execution ignores the old run's reports.
  std::vector<GracefulDegradation::ServiceDone> second;
  g.execute([&](std::size_t, GracefulDegradation::ServiceDone d) { second.push_back(d); },
            h.cancel_hook(), h.done());
  reports[1](false);
  second[0](true);
  second[1](true);
  ASSERT_EQ(h.done_calls, 1);
  EXPECT_TRUE(h.result->success);
  EXPECT_FALSE(h.result->degraded);
}

TEST(GracefulDegradationTest, DoneMayDestroyTheObject) {
  const DegradationConfig config = DegradationConfigs::analytics();
  ManualScheduler s;
  auto g = std::make_unique<GracefulDegradation>(s, config);
  bool success = false;
  g->execute(
      [&](std::size_t i, GracefulDegradation::ServiceDone d) {
        s.schedule_after(milliseconds(10 * (i + 1)), [d] { d(true); });
      },
      nullptr,
      [&](const DegradationResult& r) {
        success = r.success;
        g.reset();
      });
  s.run_until_idle();
  EXPECT_TRUE(success);
  EXPECT_EQ(g, nullptr);
}

TEST(GracefulDegradationTest, TheGuidesConfigs) {
  const DegradationConfig d = DegradationConfigs::user_dashboard();
  EXPECT_EQ(d.strategy, DegradationStrategy::kFailFast);
  EXPECT_EQ(d.global_timeout, milliseconds(10000));
  ASSERT_EQ(d.services.size(), 2u);
  EXPECT_EQ(d.services[0].name, "user_profile");
  EXPECT_EQ(d.services[0].priority, Priority::kCritical);
  EXPECT_EQ(d.services[0].timeout, milliseconds(2000));
  EXPECT_TRUE(d.services[0].fallback);
  EXPECT_EQ(d.services[1].name, "ai_recommendations");
  EXPECT_EQ(d.services[1].priority, Priority::kOptional);
  EXPECT_EQ(d.services[1].timeout, milliseconds(8000));
  EXPECT_FALSE(d.services[1].fallback);
  EXPECT_EQ(DegradationConfigs::analytics().strategy, DegradationStrategy::kBestEffort);
  EXPECT_EQ(parse_priority("important"), Priority::kImportant);
  EXPECT_EQ(parse_strategy("best_effort"), DegradationStrategy::kBestEffort);
  EXPECT_STREQ(to_string(S::kFellBack), "fell_back");
}

}  // namespace
}  // namespace faultline::resilience

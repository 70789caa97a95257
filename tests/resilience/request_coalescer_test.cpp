#include "resilience/request_coalescer.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "resilience/coalescing_patterns.h"
#include "tests/resilience/manual_scheduler.h"

namespace faultline::resilience {
namespace {

using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;
using testing::ManualScheduler;
using Coalescer = RequestCoalescer<int>;

CoalescerConfig config(Duration ttl, std::size_t size) {
  CoalescerConfig c;
  c.ttl = ttl;
  c.max_cache_size = size;
  return c;
}

// A backend whose calls complete when the test says so.
struct Backend {
  std::vector<std::optional<Coalescer::Completion>> pending;
  int calls = 0;
  Coalescer::Executor executor() {
    return [this](Coalescer::Completion c) {
      ++calls;
      pending.emplace_back(c);
    };
  }
  void finish(std::size_t i, bool ok, int value) { (*pending[i])(Coalescer::Result{ok, value}); }
};

TEST(RequestCoalescerTest, AThousandConcurrentRequestsShareOneExecution) {
  ManualScheduler s;
  Coalescer c(s, config(seconds(30), 100));
  Backend backend;
  std::vector<int> got;
  for (int i = 0; i < 1000; ++i) {
    c.coalesce("user-stats-123", backend.executor(),
               [&got, i](const Coalescer::Result& r) { got.push_back(r.ok ? i : -1); });
  }
  EXPECT_EQ(backend.calls, 1);
  EXPECT_TRUE(got.empty());
  EXPECT_EQ(c.in_flight(), 1u);
  s.advance_to(milliseconds(50));
  backend.finish(0, true, 7);
  ASSERT_EQ(got.size(), 1000u);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(got[static_cast<std::size_t>(i)], i);  // arrival order
  EXPECT_EQ(c.counters().requests, 1000u);
  EXPECT_EQ(c.counters().executions, 1u);
  EXPECT_EQ(c.counters().joined_in_flight, 999u);
  EXPECT_EQ(c.cached(), 1u);
  EXPECT_EQ(c.in_flight(), 0u);
}

TEST(RequestCoalescerTest, ServesFromCacheUntilTheTtlThenExecutesAgain) {
  ManualScheduler s;
  Coalescer c(s, config(seconds(30), 100));
  Backend backend;
  int last = 0;
  auto ask = [&] {
    c.coalesce("k", backend.executor(), [&](const Coalescer::Result& r) { last = r.value; });
  };
  s.advance_to(seconds(1));
  ask();
  backend.finish(0, true, 1);  // cached from 1 s to 31 s
  s.advance_to(seconds(31) - Duration(1));
  ask();  // a hit, answered inside coalesce()
  EXPECT_EQ(last, 1);
  EXPECT_EQ(backend.calls, 1);
  s.advance_to(seconds(31));
  ask();
  EXPECT_EQ(backend.calls, 2);
  backend.finish(1, true, 2);
  EXPECT_EQ(last, 2);
  EXPECT_EQ(c.counters().cache_hits, 1u);
  EXPECT_EQ(c.counters().expirations, 1u);
}

TEST(RequestCoalescerTest, AFailureReachesEveryWaiterAndIsNotCached) {
  ManualScheduler s;
  Coalescer c(s, config(seconds(30), 100));
  Backend backend;
  std::vector<Coalescer::Result> got;
  for (int i = 0; i < 3; ++i) {
    c.coalesce("k", backend.executor(), [&](const Coalescer::Result& r) { got.push_back(r); });
  }
  backend.finish(0, false, 502);
  ASSERT_EQ(got.size(), 3u);
  for (const auto& r : got) {
    EXPECT_FALSE(r.ok);
    EXPECT_EQ(r.value, 502);
  }
  EXPECT_EQ(c.cached(), 0u);
  c.coalesce("k", backend.executor(), [](const Coalescer::Result&) {});
  EXPECT_EQ(backend.calls, 2);
  EXPECT_EQ(c.counters().failures, 1u);
  backend.finish(0, true, 1);  // a second completion of the same execution is ignored
  EXPECT_EQ(c.cached(), 0u);
}

TEST(RequestCoalescerTest, EvictsTheLeastRecentlyUsedKey) {
  ManualScheduler s;
  Coalescer c(s, config(seconds(30), 2));
  Backend backend;
  auto ask = [&](std::string_view key) {
    c.coalesce(key, backend.executor(), [](const Coalescer::Result&) {});
  };
  ask("a");
  backend.finish(0, true, 1);
  ask("b");
  backend.finish(1, true, 2);
  ask("a");  // a hit: "a" is now the most recent
  ask("c");
  backend.finish(2, true, 3);  // over the limit: "b" leaves
  EXPECT_EQ(c.counters().evictions, 1u);
  EXPECT_EQ(c.cached(), 2u);
  ask("a");
  ask("c");
  EXPECT_EQ(backend.calls, 3);
  ask("b");
  EXPECT_EQ(backend.calls, 4);
}

TEST(RequestCoalescerTest, ZeroTtlStillCoalescesButDoesNotCache) {
  ManualScheduler s;
  RequestCoalescer<int, std::uint64_t> c(s, config(Duration::zero(), 100));
  int calls = 0;
  std::optional<RequestCoalescer<int, std::uint64_t>::Completion> pending;
  auto exec = [&](RequestCoalescer<int, std::uint64_t>::Completion done) {
    ++calls;
    pending.emplace(done);
  };
  int answered = 0;
  c.coalesce(42, exec, [&](const auto&) { ++answered; });
  c.coalesce(42, exec, [&](const auto&) { ++answered; });
  (*pending)({true, 1});
  EXPECT_EQ(answered, 2);
  c.coalesce(42, exec, [&](const auto&) { ++answered; });
  EXPECT_EQ(calls, 2);
}

TEST(RequestCoalescerTest, AWaiterMayAskAgainWhileResultsAreDelivered) {
  ManualScheduler s;
  Coalescer c(s, config(seconds(30), 1));
  Backend backend;
  int hits_inside = 0;
  c.coalesce("k", backend.executor(), [&](const Coalescer::Result&) {
    c.coalesce("k", backend.executor(),
               [&](const Coalescer::Result& r) { hits_inside += r.value; });
  });
  c.coalesce("k", backend.executor(), [](const Coalescer::Result&) {});
  backend.finish(0, true, 5);
  EXPECT_EQ(hits_inside, 5);
  EXPECT_EQ(backend.calls, 1);
}

TEST(RequestCoalescerTest, PatternsUseTheGuidesKeysAndTtls) {
  EXPECT_EQ(CoalescingPatterns::user_request_key("123", "profile"), "user:123:profile");
  EXPECT_EQ(CoalescingPatterns::ai_recommendations_key("123", "content-ideas"),
            "ai_recommendations:123:content-ideas");
  ManualScheduler s;
  Coalescer c(s, config(seconds(5), 100));
  Backend backend;
  auto noop = [](const Coalescer::Result&) {};
  CoalescingPatterns::user_request(c, "123", "profile", backend.executor(), noop);
  backend.finish(0, true, 1);
  CoalescingPatterns::ai_recommendations(c, "123", "content-ideas", backend.executor(), noop);
  backend.finish(1, true, 2);
  s.advance_to(seconds(30) - Duration(1));
  CoalescingPatterns::user_request(c, "123", "profile", backend.executor(), noop);
  EXPECT_EQ(backend.calls, 2);
  s.advance_to(seconds(30));
  CoalescingPatterns::user_request(c, "123", "profile", backend.executor(), noop);
  EXPECT_EQ(backend.calls, 3);
  s.advance_to(minutes(30) - Duration(1));
  CoalescingPatterns::ai_recommendations(c, "123", "content-ideas", backend.executor(), noop);
  EXPECT_EQ(backend.calls, 3);
  const std::string long_id(200, 'x');  // longer than the key buffer
  CoalescingPatterns::user_request(c, long_id, "profile", backend.executor(), noop);
  EXPECT_EQ(backend.calls, 4);
}

TEST(CoalescerConfigTest, BaseThenProfileThenEnvThenExplicit) {
  struct Row {
    const char* name;
    Profile profile;
    EnvMap env;
    CoalescerOverrides explicit_values;
    Duration ttl;
    std::size_t size;
  };
  CoalescerOverrides explicit_ttl;
  explicit_ttl.ttl = seconds(1);
  const EnvMap env = {{"REQUEST_COALESCER_TTL", "12000"},
                      {"REQUEST_COALESCER_MAX_CACHE_SIZE", "7"}};
  for (const Row& r : {Row{"base", Profile::kNone, {}, {}, seconds(5), 1000},
                       Row{"development", Profile::kDevelopment, {}, {}, seconds(5), 100},
                       Row{"production", Profile::kProduction, {}, {}, seconds(30), 1000},
                       Row{"env", Profile::kProduction, env, {}, seconds(12), 7},
                       Row{"explicit", Profile::kDevelopment, env, explicit_ttl, seconds(1), 7}}) {
    SCOPED_TRACE(r.name);
    std::vector<std::string> errors;
    const CoalescerConfig c =
        resolve_coalescer_config(r.profile, r.env, r.explicit_values, &errors);
    EXPECT_EQ(c.ttl, r.ttl);
    EXPECT_EQ(c.max_cache_size, r.size);
    EXPECT_TRUE(errors.empty());
  }
  std::vector<std::string> errors;
  resolve_coalescer_config(Profile::kNone, {{"REQUEST_COALESCER_TTL", "30s"}}, {}, &errors);
  EXPECT_EQ(errors.size(), 1u);
}

}  // namespace
}  // namespace faultline::resilience

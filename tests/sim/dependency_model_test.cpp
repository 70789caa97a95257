// DependencyModel against queueing theory (M/M/1, M/M/c) and its queue/abandon contract.
#include "sim/dependency_model.h"

#include <cmath>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

#include "sim/histogram.h"

namespace faultline::sim {
namespace {

// Feeds `customers` Poisson arrivals at `lambda` per second into `dep`; returns the response
// times (queue wait + service) in a histogram.
LatencyHistogram run_poisson(EventLoop& loop, Dependency& dep, double lambda, int customers, Rng rng) {
  LatencyHistogram h;
  Instant t{};
  for (int i = 0; i < customers; ++i) {
    t += Duration(static_cast<std::int64_t>(-std::log(rng.next_double_open()) / lambda * 1e9));
    loop.schedule_at(t, [&loop, &dep, &h] {
      const Instant start = loop.now();
      dep.call([&loop, &h, start](CallStatus) { h.record(loop.now() - start); });
    });
    // Keep the pending-event count small: run what is due before adding more arrivals.
    if (i % 1024 == 0) loop.run_until(t);
  }
  loop.run();
  return h;
}

double erlang_c(int c, double a) {
  double sum = 0, term = 1;
  for (int k = 0; k < c; ++k) {
    if (k > 0) term *= a / k;
    sum += term;
  }
  const double top = term * a / c / (1 - a / c);
  return top / (sum + top);
}

TEST(DependencyModelTest, MM1MatchesTheoryAtRho08) {
  EventLoop loop;
  // mu = 1000/s (mean service 1 ms), lambda = 800/s.
  DependencyModel dep(loop, {.name = "server", .concurrency = 1, .latency = Distribution::exponential(1.0)},
                      CallDraws(7, "service"));
  const LatencyHistogram h = run_poisson(loop, dep, 800, 2'000'000, make_stream(7, "arrivals"));
  const double mean_theory_ms = 1000.0 / (1000 - 800);         // 5 ms
  const double p95_theory_ms = std::log(20.0) * mean_theory_ms;  // 14.98 ms
  EXPECT_NEAR(h.mean_ms(), mean_theory_ms, 0.02 * mean_theory_ms) << "seed=7";
  EXPECT_NEAR(to_millis(h.quantile(0.95)), p95_theory_ms, 0.03 * p95_theory_ms) << "seed=7";
}

TEST(DependencyModelTest, MMcMatchesErlangCWithEightServers) {
  EventLoop loop;
  // c = 8, mu = 100/s each, lambda = 640/s: rho = 0.8.
  DependencyModel dep(loop, {.name = "pool", .concurrency = 8, .latency = Distribution::exponential(10.0)},
                      CallDraws(11, "service"));
  const LatencyHistogram h = run_poisson(loop, dep, 640, 2'000'000, make_stream(11, "arrivals"));
  const double wait_s = erlang_c(8, 6.4) / (8 * 100.0 - 640.0);
  const double mean_theory_ms = 10.0 + wait_s * 1000;  // 12.86 ms
  EXPECT_NEAR(h.mean_ms(), mean_theory_ms, 0.02 * mean_theory_ms) << "seed=11";
}

TEST(DependencyModelTest, FullQueueRejectsAtOnceAndNeverInsideCall) {
  EventLoop loop;
  DependencyModel dep(loop, {.name = "db", .concurrency = 1, .queue_limit = 1, .latency = Distribution::constant(100)},
                      CallDraws(1, "db"));
  std::vector<std::pair<Instant, CallStatus>> answers;
  auto record = [&](CallStatus s) { answers.emplace_back(loop.now(), s); };
  dep.call(record);  // in service
  dep.call(record);  // queued
  dep.call(record);  // rejected
  EXPECT_TRUE(answers.empty()) << "no callback may run inside call()";
  loop.run();
  ASSERT_EQ(answers.size(), 3u);
  EXPECT_EQ(answers[0], std::make_pair(Instant{}, CallStatus::kRejected));
  EXPECT_EQ(answers[1], std::make_pair(Instant(millis(100)), CallStatus::kOk));
  EXPECT_EQ(answers[2], std::make_pair(Instant(millis(200)), CallStatus::kOk));
}

TEST(DependencyModelTest, AbandonedQueuedCallLeavesTheQueueAndInServiceCallKeepsItsSlot) {
  EventLoop loop;
  DependencyModel dep(loop, {.name = "db", .concurrency = 1, .latency = Distribution::constant(100)},
                      CallDraws(1, "db"));
  std::vector<Instant> done;
  const CallId first = dep.call([&](CallStatus) { done.push_back(loop.now()); });
  const CallId second = dep.call([&](CallStatus) { done.push_back(loop.now()); });
  dep.call([&](CallStatus) { done.push_back(loop.now()); });
  EXPECT_EQ(dep.queued(), 2);
  dep.abandon(second);
  EXPECT_EQ(dep.queued(), 1);
  dep.abandon(first);  // the server keeps working on it until 100 ms
  loop.run();
  // Only the third call answers, after the abandoned first one's service ends.
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0], Instant(millis(200)));
}

TEST(DependencyModelTest, ErrorRateFailsThatShareOfCalls) {
  EventLoop loop;
  DependencyModel dep(loop, {.name = "ai", .concurrency = 1000, .latency = Distribution::constant(1), .error_rate = 0.3},
                      CallDraws(3, "ai"));
  int errors = 0, total = 0;
  for (int i = 0; i < 100000; ++i) {
    loop.schedule_at(Instant(millis(i)), [&] {
      dep.call([&](CallStatus s) {
        ++total;
        errors += s == CallStatus::kError;
      });
    });
  }
  loop.run();
  EXPECT_EQ(total, 100000);
  EXPECT_NEAR(errors / 100000.0, 0.3, 0.01) << "seed=3";
}

// A keyed call draws its service time, then its error, from its own key's stream: a single
// server fed a backlog finishes call k at the sum of the keyed service draws of calls 0..k,
// whichever order the keys arrive in, and the unkeyed calls in between keep their own order.
TEST(DependencyModelTest, KeyedCallsDrawFromTheirKeysWhateverTheOrder) {
  const Distribution latency = Distribution::lognormal_from_quantiles(20, 200);
  const double error_rate = 0.25;
  const std::uint64_t base = keyed_base(6, "db");
  for (const bool reversed : {false, true}) {
    EventLoop loop;
    DependencyModel dep(loop, {.name = "db", .concurrency = 1, .latency = latency, .error_rate = error_rate},
                        CallDraws(6, "db"));
    std::vector<std::tuple<std::uint64_t, Instant, CallStatus>> done;
    for (int i = 0; i < 200; ++i) {
      const std::uint64_t request = reversed ? 199 - i : i;
      CallOptions options;
      options.key = CallKey{.request = request, .step = 2, .attempt = 1};
      dep.call([&, request](CallStatus s) { done.emplace_back(request, loop.now(), s); }, options);
    }
    loop.run();
    ASSERT_EQ(done.size(), 200u);
    Instant t{};
    for (const auto& [request, at, status] : done) {
      Rng rng = keyed_stream(base, CallKey{.request = request, .step = 2, .attempt = 1});
      t += latency.sample(rng);
      const bool failed = rng.bernoulli(error_rate);
      ASSERT_EQ(at, t) << "request " << request << (reversed ? ", reversed" : "");
      ASSERT_EQ(status, failed ? CallStatus::kError : CallStatus::kOk) << "request " << request;
    }
  }
}

// Without errors the model draws each service time one call ahead; with errors it does not
// (the error draws sit between them). Either way a single server fed a backlog at 0 finishes
// call k at the sum of the stream's first k service draws, taken in the order of the model.
TEST(DependencyModelTest, ServiceTimesAreTheStreamsDrawsInOrderWithAndWithoutErrors) {
  for (const double error_rate : {0.0, 0.25}) {
    EventLoop loop;
    const Distribution latency = Distribution::lognormal_from_quantiles(20, 200);
    DependencyModel dep(loop, {.name = "db", .concurrency = 1, .latency = latency, .error_rate = error_rate},
                        CallDraws(6, "db"));
    std::vector<std::pair<Instant, CallStatus>> done;
    for (int i = 0; i < 500; ++i) dep.call([&](CallStatus s) { done.emplace_back(loop.now(), s); });
    loop.run();
    Rng stream = make_stream(6, "db");
    Instant t{};
    ASSERT_EQ(done.size(), 500u);
    for (std::size_t k = 0; k < done.size(); ++k) {
      t += latency.sample(stream);
      const bool failed = error_rate > 0 && stream.bernoulli(error_rate);
      ASSERT_EQ(done[k].first, t) << "call " << k << ", error rate " << error_rate;
      ASSERT_EQ(done[k].second, failed ? CallStatus::kError : CallStatus::kOk) << "call " << k;
    }
  }
}

TEST(DependencyModelTest, RaisingConcurrencyStartsQueuedCallsAtThatInstant) {
  EventLoop loop;
  DependencyModel dep(loop, {.name = "db", .concurrency = 1, .latency = Distribution::constant(100)},
                      CallDraws(1, "db"));
  std::vector<Instant> done;
  for (int i = 0; i < 3; ++i) dep.call([&](CallStatus) { done.push_back(loop.now()); });
  loop.schedule_at(Instant(millis(50)), [&] { dep.set_concurrency(3); });
  loop.run();
  ASSERT_EQ(done.size(), 3u);
  EXPECT_EQ(done[0], Instant(millis(100)));
  EXPECT_EQ(done[1], Instant(millis(150)));
  EXPECT_EQ(done[2], Instant(millis(150)));
}

}  // namespace
}  // namespace faultline::sim

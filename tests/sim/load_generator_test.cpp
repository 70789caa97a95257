// LoadGenerator: closed users obey the interactive response-time law, open arrivals hit
// their rate, and k6-style stages change the user count at the exact ramp instants.
#include "sim/load_generator.h"

#include <cmath>
#include <vector>

#include <gtest/gtest.h>

#include "sim/dependency_model.h"
#include "sim/histogram.h"

namespace faultline::sim {
namespace {

// A sink that serves every request with one dependency call and records response times.
class DependencySink : public RequestSink {
 public:
  DependencySink(EventLoop& loop, Dependency& dep) : loop_(loop), dep_(dep) {}
  void submit(std::uint32_t endpoint, std::uint64_t user, std::uint64_t request, Answered answered) override {
    requests.push_back(request);
    ++submitted;
    ++per_endpoint[endpoint];
    users.push_back(user);
    const Instant start = loop_.now();
    // The answered callback is kept in a slot table: InplaceFunction is move-only.
    const std::size_t slot = pending_.size();
    pending_.push_back(std::move(answered));
    dep_.call([this, start, slot](CallStatus) {
      latency.record(loop_.now() - start);
      ++answered_count;
      if (pending_[slot]) pending_[slot]();
    });
  }
  EventLoop& loop_;
  Dependency& dep_;
  LatencyHistogram latency;
  std::uint64_t submitted = 0, answered_count = 0;
  std::uint64_t per_endpoint[4] = {0, 0, 0, 0};
  std::vector<std::uint64_t> users;
  std::vector<std::uint64_t> requests;

 private:
  std::vector<Answered> pending_;
};

TEST(LoadGeneratorTest, ClosedModelObeysTheInteractiveResponseTimeLaw) {
  EventLoop loop;
  DependencyModel dep(loop, {.name = "s", .concurrency = 1, .latency = Distribution::exponential(15)},
                      CallDraws(5, "s"));
  DependencySink sink(loop, dep);
  LoadSpec spec;
  spec.closed = true;
  // 20 users thinking 100 ms against a 15 ms server: near saturation, so R (about 200 ms) is
  // not dwarfed by Z and the law N/X - Z is well-conditioned.
  spec.users = 20;
  spec.think = Distribution::exponential(100);
  spec.endpoint_weights = {1};
  spec.until = std::chrono::seconds(20000);
  LoadGenerator load(loop, spec, 5, sink);
  load.start();
  loop.run_until(spec.until);
  const double x = static_cast<double>(sink.answered_count) / 20000.0;  // throughput, per s
  const double r_law_ms = (20.0 / x - 0.1) * 1000.0;                     // N/X - Z
  EXPECT_NEAR(sink.latency.mean_ms(), r_law_ms, 0.02 * r_law_ms) << "seed=5";
}

TEST(LoadGeneratorTest, OpenPoissonArrivalsHitTheirRate) {
  EventLoop loop;
  DependencyModel dep(loop, {.name = "s", .concurrency = 1000, .latency = Distribution::constant(1)},
                      CallDraws(9, "s"));
  DependencySink sink(loop, dep);
  LoadSpec spec;
  spec.closed = false;
  spec.rps = 250;
  spec.endpoint_weights = {3, 1};
  spec.until = std::chrono::seconds(1000);
  LoadGenerator load(loop, spec, 9, sink);
  load.start();
  loop.run();
  EXPECT_NEAR(static_cast<double>(sink.submitted), 250000.0, 3 * std::sqrt(250000.0)) << "seed=9";
  // Endpoint weights 3:1.
  EXPECT_NEAR(static_cast<double>(sink.per_endpoint[0]) / static_cast<double>(sink.submitted), 0.75, 0.005);
  for (auto u : sink.users) ASSERT_LT(u, 1000u) << "open model: 1000 user ids by default";
}

// The generator draws each gap one arrival ahead; the instants must still be the stream's
// gaps in order: -ln(u) / rate, rounded to the nanosecond, from the "load/arrivals" stream.
TEST(LoadGeneratorTest, PoissonArrivalInstantsAreTheStreamsGapsInOrder) {
  EventLoop loop;
  DependencyModel dep(loop, {.name = "s", .concurrency = 1000, .latency = Distribution::constant(1)},
                      CallDraws(4, "s"));
  struct Recorder : RequestSink {
    EventLoop* loop;
    std::vector<Instant> at;
    void submit(std::uint32_t, std::uint64_t, std::uint64_t, Answered answered) override {
      at.push_back(loop->now());
      if (answered) answered();
    }
  } sink;
  sink.loop = &loop;
  LoadSpec spec;
  spec.closed = false;
  spec.rps = 400;
  spec.endpoint_weights = {1};
  spec.until = std::chrono::seconds(50);
  LoadGenerator load(loop, spec, 4, sink);
  load.start();
  loop.run();
  Rng stream = make_stream(4, "load/arrivals");
  Instant t{};
  std::vector<Instant> expected;
  for (;;) {
    t += Duration(std::llround(-std::log(stream.next_double_open()) * 1e9 / 400));
    if (t >= spec.until) break;
    expected.push_back(t);
  }
  ASSERT_GT(expected.size(), 19000u);
  EXPECT_TRUE(sink.at == expected) << sink.at.size() << " arrivals, expected " << expected.size();
}

// Request numbers, the key of every draw about a request, must be what live mode's replay of
// the plan gives too: open arrivals 0, 1, 2... in plan order.
TEST(LoadGeneratorTest, OpenArrivalsAreNumberedInPlanOrder) {
  EventLoop loop;
  DependencyModel dep(loop, {.name = "s", .concurrency = 1000, .latency = Distribution::exponential(50)},
                      CallDraws(1, "s"));
  DependencySink sink(loop, dep);
  LoadSpec spec;
  spec.closed = false;
  spec.rps = 200;
  spec.endpoint_weights = {1};
  spec.until = std::chrono::seconds(10);
  LoadGenerator load(loop, spec, 1, sink);
  load.start();
  loop.run();
  ASSERT_GT(sink.requests.size(), 1000u);
  for (std::size_t i = 0; i < sink.requests.size(); ++i) ASSERT_EQ(sink.requests[i], i);
}

// Closed users: request (user << 32 | n) is user's n-th, and the think time after it is drawn
// from its key, so each user's timeline depends on its own answers only, not on the order in
// which all users' answers interleave (which live HTTP timing changes).
TEST(LoadGeneratorTest, ClosedRequestsAreNumberedPerUserAndThinkTimesAreKeyed) {
  EventLoop loop;
  struct Recorder : RequestSink {
    EventLoop* loop;
    std::vector<std::pair<std::uint64_t, Instant>> sent;
    void submit(std::uint32_t, std::uint64_t, std::uint64_t request, Answered answered) override {
      sent.emplace_back(request, loop->now());
      // Users 0..2 get answers in 10, 20, 30 ms: their answers interleave.
      const auto user = static_cast<std::int64_t>(request >> 32);
      loop->schedule_after(std::chrono::milliseconds(10 * (user + 1)), [a = std::move(answered)]() mutable { a(); });
    }
  } sink;
  sink.loop = &loop;
  LoadSpec spec;
  spec.closed = true;
  spec.users = 3;
  spec.think = Distribution::exponential(100);
  spec.endpoint_weights = {1};
  spec.until = std::chrono::seconds(20);
  LoadGenerator load(loop, spec, 8, sink);
  load.start();
  loop.run();
  const std::uint64_t think_base = keyed_base(8, "load/think");
  std::vector<std::uint32_t> next(3, 0);
  std::vector<Instant> due(3, Instant{});
  for (const auto& [request, at] : sink.sent) {
    const auto user = static_cast<std::uint32_t>(request >> 32);
    ASSERT_LT(user, 3u);
    ASSERT_EQ(static_cast<std::uint32_t>(request), next[user]) << "user " << user;
    ASSERT_EQ(at, due[user]) << "request " << request;
    Rng rng = keyed_stream(think_base, CallKey{.request = request});
    due[user] = at + std::chrono::milliseconds(10 * (user + 1)) + spec.think.sample(rng);
    ++next[user];
  }
  EXPECT_GT(next[0], 100u);
}

TEST(LoadGeneratorTest, UniformArrivalsAreEvenlySpaced) {
  EventLoop loop;
  DependencyModel dep(loop, {.name = "s", .concurrency = 1000, .latency = Distribution::constant(0)},
                      CallDraws(1, "s"));
  DependencySink sink(loop, dep);
  LoadSpec spec;
  spec.closed = false;
  spec.rps = 100;
  spec.uniform_arrivals = true;
  spec.endpoint_weights = {1};
  spec.until = std::chrono::seconds(10);
  LoadGenerator load(loop, spec, 1, sink);
  load.start();
  loop.run();
  EXPECT_EQ(sink.submitted, 999u);  // at 10 ms, 20 ms, ... 9990 ms; none at or after 10 s
}

TEST(LoadGeneratorTest, StagesRampUsersAtTheExactInstants) {
  EventLoop loop;
  DependencyModel dep(loop, {.name = "s", .concurrency = 1000, .latency = Distribution::constant(10)},
                      CallDraws(1, "s"));
  DependencySink sink(loop, dep);
  LoadSpec spec;
  spec.closed = true;
  spec.think = Distribution::constant(1000);
  spec.stages = {{std::chrono::seconds(10), 10}, {std::chrono::seconds(10), 10}, {std::chrono::seconds(10), 0}};
  spec.endpoint_weights = {1};
  spec.until = std::chrono::seconds(30);
  LoadGenerator load(loop, spec, 1, sink);
  load.start();
  // Ramp 0 -> 10 over 10 s: user k joins at k seconds.
  loop.run_until(Instant(std::chrono::milliseconds(999)));
  EXPECT_EQ(load.active_users(), 0u);
  loop.run_until(Instant(std::chrono::milliseconds(1000)));
  EXPECT_EQ(load.active_users(), 1u);
  loop.run_until(Instant(std::chrono::milliseconds(5500)));
  EXPECT_EQ(load.active_users(), 5u);
  loop.run_until(Instant(std::chrono::seconds(15)));
  EXPECT_EQ(load.active_users(), 10u);
  // Ramp 10 -> 0 over 10 s from 20 s: the target falls below k at 20 + (10 - k) s, where the
  // count becomes k - 1 (floor of the target, like the ramp up).
  loop.run_until(Instant(std::chrono::milliseconds(22999)));
  EXPECT_EQ(load.active_users(), 7u);
  loop.run_until(Instant(std::chrono::seconds(23)));
  EXPECT_EQ(load.active_users(), 6u);
  EXPECT_DOUBLE_EQ(load.target_at(Instant(std::chrono::seconds(5))), 5.0);
}

}  // namespace
}  // namespace faultline::sim

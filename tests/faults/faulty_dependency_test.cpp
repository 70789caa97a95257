// FaultyDependency: each fault kind's observable effect, at the exact instants of its window.
#include "faults/faulty_dependency.h"

#include <cmath>
#include <map>
#include <set>
#include <vector>

#include <gtest/gtest.h>

#include "sim/dependency_model.h"
#include "sim/histogram.h"

namespace faultline::faults {
namespace {

using sim::CallStatus;
using std::chrono::milliseconds;
using std::chrono::seconds;

struct Answer {
  Instant sent, answered;
  CallStatus status;
};

class FaultyDependencyTest : public ::testing::Test {
 protected:
  // Builds a server with `spec`, wrapped by `faults`, and metrics with one slot per fault.
  void build(sim::DependencySpec spec, std::vector<Fault> faults) {
    sim::MetricsLayout layout;
    layout.duration = seconds(1000);
    layout.dependencies = {spec.name};
    for (std::size_t i = 0; i < faults.size(); ++i) layout.faults.push_back("f" + std::to_string(i));
    metrics_ = std::make_unique<sim::Metrics>(layout);
    server_ = std::make_unique<sim::DependencyModel>(loop_, spec, sim::CallDraws(1, "server"));
    std::vector<sim::CallDraws> draws;
    for (std::size_t i = 0; i < faults.size(); ++i) {
      faults[i].index = i;
      draws.push_back(fault_draws(1, i));
    }
    faulty_ = std::make_unique<FaultyDependency>(loop_, *server_, std::move(faults), std::move(draws), *metrics_);
    faulty_->arm();
  }
  // One call every `every` from `from` to `to` (exclusive).
  void call_every(Duration every, Instant from, Instant to) {
    for (Instant t = from; t < to; t += every) {
      loop_.schedule_at(t, [this] {
        const Instant sent = loop_.now();
        faulty_->call([this, sent](CallStatus s) { answers_.push_back({sent, loop_.now(), s}); });
      });
    }
  }

  sim::EventLoop loop_;
  std::unique_ptr<sim::Metrics> metrics_;
  std::unique_ptr<sim::DependencyModel> server_;
  std::unique_ptr<FaultyDependency> faulty_;
  std::vector<Answer> answers_;
};

TEST_F(FaultyDependencyTest, OutageRefusesEveryCallInItsWindowAtOnceAndNoneOutside) {
  build({.name = "ai", .concurrency = 100, .latency = sim::Distribution::constant(50)},
        {Fault{.kind = FaultKind::kOutage, .start = seconds(10), .end = seconds(20)}});
  call_every(milliseconds(100), Instant{}, seconds(30));
  loop_.run();
  ASSERT_EQ(answers_.size(), 300u);
  for (const auto& a : answers_) {
    const bool inside = a.sent >= seconds(10) && a.sent < seconds(20);
    if (inside) {
      EXPECT_EQ(a.status, CallStatus::kRefused);
      EXPECT_EQ(a.answered, a.sent) << "an outage refuses at once";
    } else {
      EXPECT_EQ(a.status, CallStatus::kOk);
      EXPECT_EQ(a.answered - a.sent, milliseconds(50));
    }
  }
  EXPECT_EQ(metrics_->faults()[0].hits, 100u);
}

TEST_F(FaultyDependencyTest, HangNeverAnswersAndAbandonFreesTheCall) {
  build({.name = "ai", .concurrency = 1, .latency = sim::Distribution::constant(50)},
        {Fault{.kind = FaultKind::kHang, .start = seconds(0), .end = seconds(1)}});
  const sim::CallId hung = faulty_->call([&](CallStatus s) { answers_.push_back({{}, loop_.now(), s}); });
  loop_.run_until(seconds(100));
  EXPECT_TRUE(answers_.empty());
  faulty_->abandon(hung);
  // After the window a call passes through; the hung one never held the server's slot.
  loop_.schedule_at(seconds(101), [&] {
    faulty_->call([&](CallStatus s) { answers_.push_back({{}, loop_.now(), s}); });
  });
  loop_.run();
  ASSERT_EQ(answers_.size(), 1u);
  EXPECT_EQ(answers_[0].answered, Instant(seconds(101) + milliseconds(50)));
}

TEST_F(FaultyDependencyTest, ErrorFaultFailsItsRateAfterTheNormalLatency) {
  build({.name = "db", .concurrency = 1000, .latency = sim::Distribution::constant(5)},
        {Fault{.kind = FaultKind::kError, .start = seconds(0), .end = seconds(1000), .rate = 0.3}});
  call_every(milliseconds(10), Instant{}, seconds(1000));
  loop_.run();
  ASSERT_EQ(answers_.size(), 100000u);
  std::size_t errors = 0;
  for (const auto& a : answers_) {
    errors += a.status == CallStatus::kError;
    ASSERT_EQ(a.answered - a.sent, milliseconds(5)) << "errors come after the normal latency";
  }
  EXPECT_NEAR(static_cast<double>(errors) / 100000.0, 0.3, 0.01) << "seed=1";
}

TEST_F(FaultyDependencyTest, LatencyAddsItsDrawAndSlowdownMultipliesServiceTime) {
  build({.name = "db", .concurrency = 1000, .latency = sim::Distribution::constant(10)},
        {Fault{.kind = FaultKind::kLatency, .start = seconds(1), .end = seconds(2),
               .add = sim::Distribution::constant(800)},
         Fault{.kind = FaultKind::kSlowdown, .start = seconds(3), .end = seconds(4), .factor = 3}});
  for (int s : {0, 1, 3, 5}) call_every(seconds(1), seconds(s), seconds(s) + milliseconds(1));
  loop_.run();
  ASSERT_EQ(answers_.size(), 4u);
  EXPECT_EQ(answers_[0].answered - answers_[0].sent, milliseconds(10));
  EXPECT_EQ(answers_[1].answered - answers_[1].sent, milliseconds(810));
  EXPECT_EQ(answers_[2].answered - answers_[2].sent, milliseconds(30));
  EXPECT_EQ(answers_[3].answered - answers_[3].sent, milliseconds(10));
}

TEST_F(FaultyDependencyTest, OverlappingLatencyAndErrorCompose) {
  build({.name = "db", .concurrency = 1000, .latency = sim::Distribution::constant(10)},
        {Fault{.kind = FaultKind::kLatency, .start = seconds(0), .end = seconds(10),
               .add = sim::Distribution::constant(100)},
         Fault{.kind = FaultKind::kError, .start = seconds(0), .end = seconds(10), .rate = 1.0}});
  call_every(seconds(1), Instant{}, seconds(3));
  loop_.run();
  ASSERT_EQ(answers_.size(), 3u);
  for (const auto& a : answers_) {
    EXPECT_EQ(a.status, CallStatus::kError);
    EXPECT_EQ(a.answered - a.sent, milliseconds(110));
  }
}

TEST_F(FaultyDependencyTest, CapacityOneGivesMM1ResponseTimesAndIsRestoredAfter) {
  // 10 servers at exponential 10 ms; capacity fault to 1 server at lambda = 80/s (rho 0.8):
  // M/M/1 mean response 1/(100 - 80) s = 50 ms.
  build({.name = "db", .concurrency = 10, .latency = sim::Distribution::exponential(10)},
        {Fault{.kind = FaultKind::kCapacity, .start = seconds(0), .end = seconds(20000), .concurrency = 1}});
  sim::Rng arrivals = sim::make_stream(3, "arrivals");
  Instant t{};
  sim::LatencyHistogram h;
  while (t < seconds(20000)) {
    t += Duration(static_cast<std::int64_t>(-std::log(arrivals.next_double_open()) / 80.0 * 1e9));
    loop_.schedule_at(t, [this, &h] {
      const Instant sent = loop_.now();
      faulty_->call([this, &h, sent](CallStatus) { h.record(loop_.now() - sent); });
    });
  }
  loop_.run();
  EXPECT_NEAR(h.mean_ms(), 50.0, 0.03 * 50.0) << "seed=3";
  EXPECT_EQ(server_->concurrency(), 10) << "capacity restored when the fault ends";
  // Hits are the calls that found the one server busy: P(wait) = rho = 0.8 in M/M/1 (PASTA).
  const double share = static_cast<double>(metrics_->faults()[0].hits) / static_cast<double>(h.count());
  EXPECT_NEAR(share, 0.8, 0.02) << "seed=3";
}

// A capacity fault hits exactly the calls it makes wait: in its window every call finds the one
// remaining server busy (4 servers would have had room); outside it, none.
TEST_F(FaultyDependencyTest, CapacityHitsAreTheCallsItMakesWait) {
  build({.name = "db", .concurrency = 4, .latency = sim::Distribution::constant(100)},
        {Fault{.kind = FaultKind::kCapacity, .start = seconds(10), .end = seconds(20), .concurrency = 1}});
  call_every(milliseconds(50), Instant{}, seconds(30));
  loop_.run();
  EXPECT_EQ(metrics_->faults()[0].hits, 200u) << "the 200 calls sent in [10 s, 20 s)";
  ASSERT_EQ(answers_.size(), 600u);
  for (const auto& a : answers_) {
    if (a.sent < seconds(10)) {
      EXPECT_EQ(a.answered - a.sent, milliseconds(100)) << "before: no wait";
    }
  }
}

TEST_F(FaultyDependencyTest, FlappingAlternatesOnItsPeriod) {
  build({.name = "db", .concurrency = 100, .latency = sim::Distribution::constant(1)},
        {Fault{.kind = FaultKind::kFlapping, .start = seconds(10), .end = seconds(70),
               .period = seconds(20), .down_fraction = 0.25}});
  call_every(seconds(1), Instant{}, seconds(80));
  loop_.run();
  ASSERT_EQ(answers_.size(), 80u);
  for (const auto& a : answers_) {
    const auto s = std::chrono::duration_cast<seconds>(a.sent).count();
    // Down for the first 5 s of each 20 s period from 10 s: [10,15) [30,35) [50,55).
    const bool down = s >= 10 && s < 70 && (s - 10) % 20 < 5;
    EXPECT_EQ(a.status, down ? CallStatus::kRefused : CallStatus::kOk) << "at " << s << " s";
  }
}

TEST_F(FaultyDependencyTest, ProbabilityHitsThatShareOfCalls) {
  build({.name = "db", .concurrency = 1000, .latency = sim::Distribution::constant(1)},
        {Fault{.kind = FaultKind::kOutage, .start = seconds(0), .end = seconds(1000), .probability = 0.2}});
  call_every(milliseconds(10), Instant{}, seconds(1000));
  loop_.run();
  std::size_t refused = 0;
  for (const auto& a : answers_) refused += a.status == CallStatus::kRefused;
  EXPECT_NEAR(static_cast<double>(refused) / 100000.0, 0.2, 0.01) << "seed=1";
}

// The same calls (named by their keys) issued in swapped order get the same fates — error or
// not, added latency, the server's service time — because each is drawn from its own key, not
// from the position in the stream: the simulator and the live proxy then agree whatever order
// HTTP delivers the calls in.
TEST_F(FaultyDependencyTest, KeyedCallsGetTheSameFatesInAnyOrder) {
  // Each run builds a fresh server and faults on the same loop, after the previous run ended.
  const auto run = [this](bool reversed) {
    build({.name = "ai", .concurrency = 1000, .latency = sim::Distribution::exponential(10)},
          {Fault{.kind = FaultKind::kError, .start = seconds(0), .end = seconds(100), .probability = 0.6},
           Fault{.kind = FaultKind::kLatency, .start = seconds(0), .end = seconds(100), .probability = 0.5,
                 .add = sim::Distribution::exponential(50)}});
    std::map<std::uint64_t, std::pair<CallStatus, Duration>> fates;
    for (int i = 0; i < 40; ++i) {
      const std::uint64_t request = reversed ? 39 - i : i;
      sim::CallOptions options;
      options.key = sim::CallKey{.request = request, .step = 1, .attempt = 0};
      const Instant sent = loop_.now();
      faulty_->call([this, &fates, request, sent](CallStatus s) { fates[request] = {s, loop_.now() - sent}; }, options);
    }
    loop_.run();
    return fates;
  };
  const auto in_order = run(false);
  const auto swapped = run(true);
  ASSERT_EQ(in_order.size(), 40u);
  EXPECT_EQ(in_order, swapped);
  // Not trivially equal: the fault hit some calls and spared others, with different latencies.
  std::set<CallStatus> statuses;
  std::set<Duration> latencies;
  for (const auto& [request, fate] : in_order) {
    statuses.insert(fate.first);
    latencies.insert(fate.second);
  }
  EXPECT_EQ(statuses.size(), 2u);
  EXPECT_GT(latencies.size(), 30u);
}

// Unkeyed calls (a service that sends no key) keep the old contract: draws in call order.
TEST_F(FaultyDependencyTest, UnkeyedCallsDrawInCallOrder) {
  build({.name = "db", .concurrency = 1000, .latency = sim::Distribution::constant(1)},
        {Fault{.kind = FaultKind::kError, .start = seconds(0), .end = seconds(100), .rate = 0.5}});
  call_every(milliseconds(10), Instant{}, milliseconds(500));
  loop_.run();
  sim::Rng stream = fault_draws(1, 0).ordered();
  ASSERT_EQ(answers_.size(), 50u);
  for (const auto& a : answers_) {
    EXPECT_EQ(a.status, stream.bernoulli(0.5) ? CallStatus::kError : CallStatus::kOk);
  }
}

}  // namespace
}  // namespace faultline::faults

// FaultProxy in real time, in front of a DependencyEmulator: each fault kind has its
// observable effect inside its window on the wall clock and none outside it.
#include <gtest/gtest.h>

#include <map>
#include <optional>

#include "faults/call_fate.h"
#include "live/call_key_header.h"
#include "live/dependency_emulator.h"
#include "live/fault_proxy.h"
#include "live/fault_schedule.h"
#include "live/http_client.h"
#include "resilience/asio_scheduler.h"
#include "tests/live/run_until.h"

namespace faultline::live {
namespace {

using namespace std::chrono_literals;
using faults::Fault;
using faults::FaultKind;
using testing::run_until;

Fault make(FaultKind kind, Duration start, Duration end) {
  Fault f;
  f.kind = kind;
  f.start = start;
  f.end = end;
  return f;
}

// An emulated upstream (constant `latency_ms`, concurrency `concurrency`) behind a proxy with
// `faults`; requests are sent at instants of the proxy's schedule.
class ProxyFixture {
 public:
  ProxyFixture(std::vector<Fault> faults, double latency_ms, int concurrency = 100)
      : scheduler_(io_), emulator_(io_, scheduler_, dependency(latency_ms, concurrency), 1) {
    FaultProxyOptions o;
    o.upstream = {"127.0.0.1", emulator_.listen()};
    for (std::size_t i = 0; i < faults.size(); ++i) {
      faults[i].index = i;
      o.draws.push_back(faults::fault_draws(1, i));
    }
    o.faults = std::move(faults);
    o.base_concurrency = concurrency;
    proxy_.emplace(io_, scheduler_, std::move(o));
    port_ = proxy_->start();
    client_.emplace(io_, Upstream{"127.0.0.1", port_});
  }

  // Sends a request at `at` of the schedule, with X-Faultline-Call `call_header` if not
  // empty; returns its slot in results().
  std::size_t request_at(Duration at, Duration timeout = 2s, std::string call_header = "") {
    const std::size_t slot = results_.size();
    results_.emplace_back();
    sent_at_.emplace_back();
    call_headers_.push_back(std::move(call_header));
    scheduler_.schedule_after(at - proxy_->now(), [this, slot, timeout] {
      sent_at_[slot] = proxy_->now();
      HttpRequest request{"GET", "/", ""};
      if (!call_headers_[slot].empty()) request.headers.emplace_back(kCallKeyHeader, call_headers_[slot]);
      client_->request(std::move(request), timeout, [this, slot](const HttpResult& r) { results_[slot] = r; });
    });
    return slot;
  }

  bool run_all(std::chrono::milliseconds limit = 10s) {
    return run_until(io_, [&] {
      for (const auto& r : results_) if (!r) return false;
      return true;
    }, limit);
  }

  const HttpResult& result(std::size_t slot) const { return *results_[slot]; }
  Duration sent_at(std::size_t slot) const { return sent_at_[slot]; }
  boost::asio::io_context& io() { return io_; }
  resilience::AsioScheduler& scheduler() { return scheduler_; }
  FaultProxy& proxy() { return *proxy_; }
  DependencyEmulator& emulator() { return emulator_; }
  HttpClient& client() { return *client_; }
  std::uint16_t port() const { return port_; }

 private:
  static experiments::DependencyConfig dependency(double latency_ms, int concurrency) {
    experiments::DependencyConfig d;
    d.name = "upstream";
    d.concurrency = concurrency;
    d.latency = sim::Distribution::constant(latency_ms);
    return d;
  }

  boost::asio::io_context io_;
  resilience::AsioScheduler scheduler_;
  DependencyEmulator emulator_;
  std::optional<FaultProxy> proxy_;
  std::optional<HttpClient> client_;
  std::uint16_t port_ = 0;
  std::vector<std::optional<HttpResult>> results_;
  std::vector<Duration> sent_at_;
  std::vector<std::string> call_headers_;
};

TEST(FaultProxy, LatencyIsAddedInsideItsWindowOnly) {
  Fault f = make(FaultKind::kLatency, 300ms, 700ms);
  f.add = sim::Distribution::constant(200);
  ProxyFixture p({f}, 20);
  const auto before = p.request_at(100ms);
  const auto during = p.request_at(400ms);
  const auto after = p.request_at(900ms);
  ASSERT_TRUE(p.run_all());
  EXPECT_EQ(p.result(during).status, 200);
  EXPECT_GE(p.result(before).elapsed, 20ms);
  EXPECT_LT(p.result(before).elapsed, 120ms);
  EXPECT_GE(p.result(during).elapsed, 220ms);
  EXPECT_LT(p.result(during).elapsed, 320ms);
  EXPECT_LT(p.result(after).elapsed, 120ms);
  EXPECT_EQ(p.proxy().hits()[0], 1u);
}

TEST(FaultProxy, SlowdownStretchesTheUpstreamsTime) {
  Fault f = make(FaultKind::kSlowdown, 0ms, 10s);
  f.factor = 3;
  ProxyFixture p({f}, 100);
  const auto slow = p.request_at(10ms);
  ASSERT_TRUE(p.run_all());
  EXPECT_EQ(p.result(slow).status, 200);
  EXPECT_GE(p.result(slow).elapsed, 300ms);
  EXPECT_LT(p.result(slow).elapsed, 420ms);
}

TEST(FaultProxy, ErrorFaultAnswersItsStatus) {
  Fault f = make(FaultKind::kError, 200ms, 500ms);
  f.status = 503;
  ProxyFixture p({f}, 10);
  const auto before = p.request_at(50ms);
  const auto during = p.request_at(300ms);
  const auto after = p.request_at(600ms);
  ASSERT_TRUE(p.run_all());
  EXPECT_EQ(p.result(before).status, 200);
  EXPECT_EQ(p.result(during).status, 503);
  EXPECT_GE(p.result(during).elapsed, 10ms);  // after the normal latency
  EXPECT_EQ(p.result(after).status, 200);
}

// Outage from 200 to 600 ms: connecting is refused inside the window (the kept-alive
// connection of the first request is closed, the client's retry meets the refusal); a request
// in flight when the outage starts is still answered; after the window the proxy listens again.
TEST(FaultProxy, OutageRefusesConnectionsInItsWindow) {
  ProxyFixture p({make(FaultKind::kOutage, 200ms, 600ms)}, 100);
  const auto before = p.request_at(20ms);
  const auto in_flight = p.request_at(150ms);
  const auto during = p.request_at(300ms);
  const auto after = p.request_at(700ms);
  ASSERT_TRUE(p.run_all());
  EXPECT_EQ(p.result(before).status, 200);
  EXPECT_EQ(p.result(in_flight).error, TransportError::kNone);
  EXPECT_EQ(p.result(in_flight).status, 200);
  EXPECT_EQ(p.result(during).error, TransportError::kRefused);
  EXPECT_LT(p.result(during).elapsed, 50ms);
  EXPECT_EQ(p.result(after).error, TransportError::kNone);
  EXPECT_EQ(p.result(after).status, 200);
}

// Hang from 100 to 400 ms: the request is accepted and never answered, so the client's own
// timeout (300 ms) ends it; after the window requests are answered again.
TEST(FaultProxy, HangHoldsTheRequestUntilTheClientsTimeout) {
  ProxyFixture p({make(FaultKind::kHang, 100ms, 400ms)}, 10);
  const auto during = p.request_at(150ms, 300ms);
  const auto after = p.request_at(500ms, 300ms);
  ASSERT_TRUE(p.run_all());
  EXPECT_EQ(p.result(during).error, TransportError::kTimeout);
  EXPECT_GE(p.result(during).elapsed, 300ms);
  EXPECT_EQ(p.result(after).status, 200);
  EXPECT_EQ(p.proxy().held(), 1u);
}

// A client that leaves reaches the upstream through the proxy (so that live mode's emulators
// drop a queued call whose caller gave up, as the model does). Upstream: concurrency 1,
// 200 ms. A is forwarded, B waits in the proxy; A's client leaves at 60 ms: the proxy cancels
// A upstream (A keeps the emulator's server) and forwards B, which queues in the emulator;
// B's client leaves at 150 ms: the emulator drops B from its queue, before A's service ends.
TEST(FaultProxy, AClientThatLeavesLeavesTheUpstreamToo) {
  ProxyFixture p({}, 200, 1);
  const auto a = p.request_at(0ms, 60ms);
  const auto b = p.request_at(0ms, 150ms);
  ASSERT_TRUE(run_until(p.io(), [&] { return p.proxy().waiting() == 1; }));
  ASSERT_TRUE(run_until(p.io(), [&] { return p.emulator().queued() == 1; }));
  EXPECT_EQ(p.emulator().busy(), 1);
  ASSERT_TRUE(run_until(p.io(), [&] { return p.emulator().abandoned() == 1; }));
  EXPECT_LT(p.proxy().now(), 200ms);
  EXPECT_EQ(p.emulator().queued(), 0u);
  EXPECT_EQ(p.emulator().busy(), 1);  // A, still in service
  ASSERT_TRUE(p.run_all());
  EXPECT_EQ(p.result(a).error, TransportError::kTimeout);
  EXPECT_EQ(p.result(b).error, TransportError::kTimeout);
  EXPECT_EQ(p.proxy().forwarding(), 0);
}

// The same in the proxy's own queue (a capacity fault): a waiting call whose client left is
// dropped, so the one behind it is forwarded as soon as capacity frees.
TEST(FaultProxy, AWaitingCallWhoseClientLeftIsDropped) {
  Fault f = make(FaultKind::kCapacity, 0ms, 2s);
  f.concurrency = 1;
  ProxyFixture p({f}, 200, 10);
  const auto a = p.request_at(50ms);
  const auto b = p.request_at(70ms, 60ms);  // after A: B is the one that waits
  ASSERT_TRUE(run_until(p.io(), [&] { return p.proxy().waiting() == 1; }));
  ASSERT_TRUE(run_until(p.io(), [&] { return p.proxy().waiting() == 0; }));
  EXPECT_LT(p.proxy().now(), 250ms);  // B left; A is still at the upstream
  const auto c = p.request_at(p.proxy().now() + 1ms);
  ASSERT_TRUE(p.run_all());
  EXPECT_EQ(p.result(a).status, 200);
  EXPECT_EQ(p.result(b).error, TransportError::kTimeout);
  EXPECT_EQ(p.result(c).status, 200);
  EXPECT_EQ(p.emulator().served(), 2u);  // B never reached it
}

// Capacity 2 (of 10) in [0, 1 s): six simultaneous 100 ms calls are served two at a time
// (answered after about 100, 200, 300 ms); the same six after the window all after ~100 ms.
TEST(FaultProxy, CapacityLossLowersConcurrency) {
  Fault f = make(FaultKind::kCapacity, 0ms, 1s);
  f.concurrency = 2;
  ProxyFixture p({f}, 100, 10);
  std::vector<std::size_t> during, after;
  for (int i = 0; i < 6; ++i) during.push_back(p.request_at(50ms));
  for (int i = 0; i < 6; ++i) after.push_back(p.request_at(1100ms));
  int max_busy = 0;
  std::function<void()> sample = [&] {
    max_busy = std::max(max_busy, p.emulator().busy());
    if (p.proxy().now() < 500ms) p.scheduler().schedule_after(5ms, [&] { sample(); });
  };
  sample();
  ASSERT_TRUE(p.run_all());
  std::vector<Duration> d;
  for (auto s : during) d.push_back(p.result(s).elapsed);
  std::sort(d.begin(), d.end());
  EXPECT_LE(max_busy, 2);
  EXPECT_EQ(max_busy, 2);
  EXPECT_GE(d[4], 300ms);
  EXPECT_LT(d[1], 200ms);
  for (auto s : after) {
    EXPECT_EQ(p.result(s).status, 200);
    EXPECT_LT(p.result(s).elapsed, 200ms);
  }
  EXPECT_EQ(p.proxy().capacity(), 10);
}

// Flapping with a 400 ms period, down the first half, from 0 to 1.6 s: refused at 100, 500,
// 900 ms, answered at 300, 700 ms.
TEST(FaultProxy, FlappingAlternatesRefusedAndAnswered) {
  Fault f = make(FaultKind::kFlapping, 0ms, 1600ms);
  f.period = 400ms;
  f.down_fraction = 0.5;
  ProxyFixture p({f}, 5);
  std::vector<std::size_t> down, up;
  for (auto t : {100ms, 500ms, 900ms}) down.push_back(p.request_at(t, 150ms));
  for (auto t : {300ms, 700ms}) up.push_back(p.request_at(t, 150ms));
  ASSERT_TRUE(p.run_all());
  for (auto s : down) EXPECT_EQ(p.result(s).error, TransportError::kRefused) << "sent at " << p.sent_at(s).count();
  for (auto s : up) EXPECT_EQ(p.result(s).status, 200) << "sent at " << p.sent_at(s).count();
}

TEST(FaultProxy, StopLeavesNoSocketBound) {
  std::uint16_t proxy_port = 0, upstream_port = 0;
  boost::asio::io_context* io = nullptr;
  {
    ProxyFixture p({make(FaultKind::kHang, 0ms, 10s)}, 5);
    io = &p.io();
    proxy_port = p.port();
    upstream_port = p.emulator().port();
    const auto hung = p.request_at(10ms, 5s);
    ASSERT_TRUE(run_until(p.io(), [&] { return p.proxy().held() == 1; }));
    p.proxy().stop();
    p.emulator().stop();
    p.client().close();
    EXPECT_EQ(p.result(hung).error, TransportError::kCancelled);
  }
  (void)io;
  // Nothing listens on either port any more, and both can be bound again at once.
  boost::asio::io_context again;
  HttpClient probe(again, {"127.0.0.1", proxy_port});
  std::optional<HttpResult> r;
  probe.request({"GET", "/", ""}, 1s, [&](const HttpResult& x) { r = x; });
  ASSERT_TRUE(run_until(again, [&] { return r.has_value(); }));
  EXPECT_EQ(r->error, TransportError::kRefused);
  HttpServer a(again, [](HttpRequest, Responder) {});
  HttpServer b(again, [](HttpRequest, Responder) {});
  EXPECT_EQ(a.listen(proxy_port), proxy_port);
  EXPECT_EQ(b.listen(upstream_port), upstream_port);
}

TEST(FaultSchedule, EdgesOfOutageFlappingAndCapacity) {
  Fault flap = make(FaultKind::kFlapping, 1s, 3s);
  flap.period = 1s;
  flap.down_fraction = 0.25;
  std::vector<Fault> fs{flap};
  EXPECT_EQ(next_edge(fs, 0ms), Instant(1s));
  EXPECT_TRUE(refusing(fs, 1s));
  EXPECT_EQ(next_edge(fs, 1s), Instant(1250ms));
  EXPECT_FALSE(refusing(fs, 1250ms));
  EXPECT_EQ(next_edge(fs, 1250ms), Instant(2s));
  EXPECT_TRUE(refusing(fs, 2s));
  EXPECT_EQ(next_edge(fs, 2250ms), Instant(3s));
  EXPECT_FALSE(refusing(fs, 3s));
  EXPECT_EQ(next_edge(fs, 3s), std::nullopt);
  Fault half = make(FaultKind::kOutage, 0ms, 1s);
  half.probability = 0.5;  // refused per call, not by closing the listener
  EXPECT_FALSE(refusing({half}, 10ms));
  EXPECT_EQ(next_edge({make(FaultKind::kCapacity, 5s, 7s)}, 5s), Instant(7s));
  EXPECT_EQ(next_edge({make(FaultKind::kLatency, 5s, 7s)}, 0s), std::nullopt);
}

// With X-Faultline-Call the proxy draws each call's fate from its key, as the simulator's
// FaultyDependency does (faults::decide_call_fate with that key): the same keys sent in the
// opposite order get the same fates, the simulator's.
TEST(FaultProxy, KeyedCallsGetTheSimulatorsFatesInAnyOrder) {
  std::vector<Fault> faults = {make(FaultKind::kError, 0ms, 20s), make(FaultKind::kLatency, 0ms, 20s)};
  faults[0].probability = 0.6;
  faults[1].probability = 0.5;
  faults[1].add = sim::Distribution::constant(400);
  constexpr int kCalls = 16;
  // What the simulator decides for each key (all faults active for the whole test).
  std::vector<faults::CallFate> expected;
  {
    std::vector<Fault> sim_faults = faults;
    std::vector<sim::CallDraws> draws;
    for (std::size_t i = 0; i < sim_faults.size(); ++i) {
      sim_faults[i].index = i;
      draws.push_back(faults::fault_draws(1, i));
    }
    for (int k = 0; k < kCalls; ++k) {
      const sim::CallKey key{.request = static_cast<std::uint64_t>(k), .step = 0, .attempt = 0};
      expected.push_back(faults::decide_call_fate(sim_faults, draws, Instant(1s), key, [](const Fault&) {}));
    }
  }
  int failed = 0, delayed = 0;
  for (const bool reversed : {false, true}) {
    ProxyFixture p(faults, 10);
    std::vector<std::size_t> slot(kCalls);
    for (int i = 0; i < kCalls; ++i) {
      const int k = reversed ? kCalls - 1 - i : i;
      slot[k] = p.request_at(50ms + 5ms * i, 5s, format_call_key({.request = static_cast<std::uint64_t>(k)}));
    }
    ASSERT_TRUE(p.run_all());
    for (int k = 0; k < kCalls; ++k) {
      const HttpResult& r = p.result(slot[k]);
      EXPECT_EQ(r.status, expected[k].fail ? 500 : 200) << "key " << k << (reversed ? ", reversed" : "");
      // 10 ms upstream + 400 ms when delayed; the bound between leaves room for a loaded machine.
      EXPECT_EQ(r.elapsed >= 250ms, expected[k].add > Duration::zero()) << "key " << k;
      failed += expected[k].fail;
      delayed += expected[k].add > Duration::zero();
    }
  }
  // Not a vacuous comparison: the faults hit some keys and spared others.
  EXPECT_GT(failed, 0);
  EXPECT_LT(failed, 2 * kCalls);
  EXPECT_GT(delayed, 0);
  EXPECT_LT(delayed, 2 * kCalls);
}

// Without the header (a user's own service behind `faultline proxy`), or with a malformed one,
// the fates follow arrival order: the fault's stream drawn call after call.
TEST(FaultProxy, UnkeyedOrMalformedCallsDrawInArrivalOrder) {
  Fault f = make(FaultKind::kError, 0ms, 20s);
  f.probability = 0.5;
  ProxyFixture p({f}, 5);
  std::vector<std::size_t> slots;
  const std::vector<std::string> headers = {"", "1.2", "x.0.0", "", "1.2.3.4", "-1.0.0", "", ""};
  // 40 ms apart: they reach the proxy in this order.
  for (std::size_t i = 0; i < headers.size(); ++i) slots.push_back(p.request_at(50ms + 40ms * static_cast<int>(i), 2s, headers[i]));
  ASSERT_TRUE(p.run_all());
  std::vector<Fault> sim_faults = {f};
  std::vector<sim::CallDraws> draws = {faults::fault_draws(1, 0)};
  for (std::size_t i = 0; i < slots.size(); ++i) {
    const faults::CallFate fate = faults::decide_call_fate(sim_faults, draws, Instant(1s), std::nullopt, [](const Fault&) {});
    EXPECT_EQ(p.result(slots[i]).status, fate.fail ? 500 : 200) << "request " << i << " '" << headers[i] << "'";
  }
}

}  // namespace
}  // namespace faultline::live

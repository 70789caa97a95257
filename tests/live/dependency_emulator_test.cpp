// DependencyEmulator in real time: its answers' latencies follow the file's distribution
// (the same draws as the model's stream), its concurrency, queue limit and error rate.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <optional>
#include <vector>

#include "live/call_key_header.h"
#include "live/dependency_emulator.h"
#include "live/http_client.h"
#include "resilience/asio_scheduler.h"
#include "sim/rng.h"
#include "tests/live/run_until.h"

namespace faultline::live {
namespace {

using namespace std::chrono_literals;
using testing::run_until;

double quantile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  return v[static_cast<std::size_t>(q * static_cast<double>(v.size() - 1))];
}

// 2000 requests, 32 at a time, to a lognormal(p50 = 4 ms, p99 = 12 ms) dependency. The
// emulator draws from the model's stream "dependency/<name>", so the service times are those
// 2000 draws (one per call, in service order); the measured latencies add only HTTP and timer
// overhead. Tolerance: each measured quantile (p10, p50, p90, p99) is at least the drawn one
// minus 0.2 ms (a timer never fires early; the rank may shift by the overhead), at most 30 %
// plus 5 ms above it (loopback HTTP overhead on a shared 2-core machine, other tests running
// beside it under ctest -j 2); and the draws match
// the distribution's quantiles within 10 % (sampling error at n = 2000).
TEST(DependencyEmulator, LatencyFollowsTheFilesDistribution) {
  boost::asio::io_context io;
  resilience::AsioScheduler scheduler(io);
  experiments::DependencyConfig config;
  config.name = "openai";
  config.concurrency = 64;
  config.latency = sim::Distribution::lognormal_from_quantiles(4, 12);
  const std::uint64_t seed = 42;
  DependencyEmulator emulator(io, scheduler, config, seed);
  const std::uint16_t port = emulator.listen();
  HttpClient client(io, {"127.0.0.1", port});

  constexpr int kRequests = 2000;
  constexpr int kParallel = 32;
  std::vector<double> measured;
  int sent = 0;
  std::function<void()> send = [&] {
    if (sent == kRequests) return;
    ++sent;
    client.request({"POST", "/v1/generate", "{}"}, 5s, [&](const HttpResult& r) {
      EXPECT_EQ(r.error, TransportError::kNone);
      EXPECT_EQ(r.status, 200);
      measured.push_back(to_millis(r.elapsed));
      send();
    });
  };
  for (int i = 0; i < kParallel; ++i) send();
  ASSERT_TRUE(run_until(io, [&] { return measured.size() == kRequests; }, 60s));
  EXPECT_EQ(emulator.served(), static_cast<std::uint64_t>(kRequests));

  sim::Rng rng = sim::make_stream(seed, "dependency/openai");
  std::vector<double> drawn;
  for (int i = 0; i < kRequests; ++i) drawn.push_back(to_millis(config.latency.sample(rng)));
  for (double q : {0.1, 0.5, 0.9, 0.99}) {
    const double want = quantile(drawn, q);
    const double got = quantile(measured, q);
    EXPECT_GE(got, want - 0.2) << "q=" << q;
    EXPECT_LE(got, want * 1.3 + 5.0) << "q=" << q;
    EXPECT_NEAR(want, config.latency.quantile_ms(q), config.latency.quantile_ms(q) * 0.1) << "q=" << q;
  }
}

// Concurrency 2, queue of 1, constant 150 ms: of four simultaneous calls two are answered
// after 150 ms, the queued one after 300 ms, and the fourth is refused with 503 at once.
TEST(DependencyEmulator, ConcurrencyAndQueueLimit) {
  boost::asio::io_context io;
  resilience::AsioScheduler scheduler(io);
  experiments::DependencyConfig config;
  config.name = "postgres";
  config.concurrency = 2;
  config.queue_limit = 1;
  config.latency = sim::Distribution::constant(150);
  DependencyEmulator emulator(io, scheduler, config, 7);
  HttpClient client(io, {"127.0.0.1", emulator.listen()});
  std::vector<HttpResult> results;
  for (int i = 0; i < 4; ++i) client.request({"GET", "/", ""}, 5s, [&](const HttpResult& r) { results.push_back(r); });
  ASSERT_TRUE(run_until(io, [&] { return results.size() == 4; }));
  ASSERT_EQ(results[0].status, 503);
  EXPECT_LT(results[0].elapsed, 100ms);
  for (int i = 1; i <= 2; ++i) {
    EXPECT_EQ(results[i].status, 200);
    EXPECT_GE(results[i].elapsed, 150ms);
    EXPECT_LT(results[i].elapsed, 250ms);
  }
  EXPECT_EQ(results[3].status, 200);
  EXPECT_GE(results[3].elapsed, 300ms);
  EXPECT_LT(results[3].elapsed, 400ms);
  EXPECT_EQ(emulator.rejected(), 1u);
}

// Error rate 0.3 with a constant latency (which draws nothing): the stream's only draws are
// the error draws, so the number of 500 answers is exactly the replayed stream's count.
TEST(DependencyEmulator, ErrorRateUsesTheModelsStream) {
  boost::asio::io_context io;
  resilience::AsioScheduler scheduler(io);
  experiments::DependencyConfig config;
  config.name = "payments";
  config.concurrency = 1;
  config.error_rate = 0.3;
  config.latency = sim::Distribution::constant(1);
  DependencyEmulator emulator(io, scheduler, config, 99);
  HttpClient client(io, {"127.0.0.1", emulator.listen()});
  int errors = 0;
  int done = 0;
  std::function<void()> send = [&] {
    client.request({"GET", "/", ""}, 5s, [&](const HttpResult& r) {
      ++done;
      if (r.status == 500) ++errors;
      if (done < 200) send();
    });
  };
  send();
  ASSERT_TRUE(run_until(io, [&] { return done == 200; }));
  sim::Rng rng = sim::make_stream(99, "dependency/payments");
  int expected = 0;
  for (int i = 0; i < 200; ++i) expected += rng.bernoulli(0.3) ? 1 : 0;
  EXPECT_EQ(errors, expected);
  EXPECT_EQ(emulator.failed(), static_cast<std::uint64_t>(expected));
}

// With X-Faultline-Call the emulator takes the model's keyed draws for that call (service time,
// then the error): sent in reverse key order, each request still fails iff the simulator's
// DependencyModel fails the same key, and its latency is at least its keyed service draw.
TEST(DependencyEmulator, KeyedCallsTakeTheModelsDrawsForTheirKeys) {
  boost::asio::io_context io;
  resilience::AsioScheduler scheduler(io);
  experiments::DependencyConfig config;
  config.name = "payments";
  config.concurrency = 64;
  config.latency = sim::Distribution::lognormal_from_quantiles(5, 40);
  config.error_rate = 0.5;
  DependencyEmulator emulator(io, scheduler, config, 7);
  HttpClient client(io, {"127.0.0.1", emulator.listen()});
  constexpr int kCalls = 24;
  std::vector<std::optional<HttpResult>> results(kCalls);
  for (int i = 0; i < kCalls; ++i) {
    const int k = kCalls - 1 - i;
    HttpRequest request{"GET", "/", ""};
    request.headers.emplace_back(kCallKeyHeader, format_call_key({.request = static_cast<std::uint64_t>(k), .step = 1}));
    client.request(std::move(request), 5s, [&results, k](const HttpResult& r) { results[k] = r; });
  }
  ASSERT_TRUE(run_until(io, [&] { return std::all_of(results.begin(), results.end(), [](const auto& r) { return r.has_value(); }); }, 20s));
  const std::uint64_t base = sim::keyed_base(7, "dependency/payments");
  int failed = 0;
  for (int k = 0; k < kCalls; ++k) {
    sim::Rng rng = sim::keyed_stream(base, {.request = static_cast<std::uint64_t>(k), .step = 1});
    const Duration service = config.latency.sample(rng);
    const bool fail = rng.bernoulli(config.error_rate);
    ASSERT_EQ(results[k]->error, TransportError::kNone) << "key " << k;
    EXPECT_EQ(results[k]->status, fail ? 500 : 200) << "key " << k;
    EXPECT_GE(results[k]->elapsed, service) << "key " << k;
    failed += fail;
  }
  EXPECT_GT(failed, 0);
  EXPECT_LT(failed, kCalls);
}

// Concurrency 1, queue of 1, constant 200 ms. A takes the server; B waits in the queue and its
// client gives up after 60 ms (closing the connection): the emulator drops B, as the model
// drops an abandoned queued call, so the queue has room again: C, sent after that, is queued
// (not refused with 503), is served after A (starting at 200 ms, never after a phantom B), and
// B took no server (two calls served).
TEST(DependencyEmulator, DropsAQueuedCallWhoseClientLeft) {
  boost::asio::io_context io;
  resilience::AsioScheduler scheduler(io);
  experiments::DependencyConfig config;
  config.name = "postgres";
  config.concurrency = 1;
  config.queue_limit = 1;
  config.latency = sim::Distribution::constant(200);
  DependencyEmulator emulator(io, scheduler, config, 7);
  HttpClient client(io, {"127.0.0.1", emulator.listen()});
  const auto t0 = std::chrono::steady_clock::now();
  std::optional<HttpResult> a, b, c;
  std::chrono::steady_clock::duration c_done{};
  client.request({"GET", "/a", ""}, 5s, [&](const HttpResult& r) { a = r; });
  client.request({"GET", "/b", ""}, 60ms, [&](const HttpResult& r) { b = r; });
  ASSERT_TRUE(run_until(io, [&] { return emulator.queued() == 1; }));
  ASSERT_TRUE(run_until(io, [&] { return emulator.abandoned() == 1; }));
  EXPECT_EQ(b->error, TransportError::kTimeout);
  EXPECT_EQ(emulator.queued(), 0u);
  EXPECT_EQ(emulator.busy(), 1);  // A
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 200ms) << "B must be dropped while A is in service";
  client.request({"GET", "/c", ""}, 5s, [&](const HttpResult& r) {
    c = r;
    c_done = std::chrono::steady_clock::now() - t0;
  });
  ASSERT_TRUE(run_until(io, [&] { return a && c; }));
  EXPECT_EQ(a->status, 200);
  EXPECT_EQ(c->status, 200);
  EXPECT_GE(c_done, 400ms);  // A's 200 ms, then C's
  EXPECT_LT(c_done, 550ms);
  EXPECT_EQ(emulator.served(), 2u);
  EXPECT_EQ(emulator.rejected(), 0u);
}

// A call already in service keeps its server until its service time ends, client or not (as
// the model): A's client leaves after 50 ms, yet B, queued behind it, starts only at 200 ms.
TEST(DependencyEmulator, ACallInServiceKeepsItsServerWhenItsClientLeaves) {
  boost::asio::io_context io;
  resilience::AsioScheduler scheduler(io);
  experiments::DependencyConfig config;
  config.name = "postgres";
  config.concurrency = 1;
  config.latency = sim::Distribution::constant(200);
  DependencyEmulator emulator(io, scheduler, config, 7);
  HttpClient client(io, {"127.0.0.1", emulator.listen()});
  std::optional<HttpResult> a, b;
  client.request({"GET", "/a", ""}, 50ms, [&](const HttpResult& r) { a = r; });
  client.request({"GET", "/b", ""}, 5s, [&](const HttpResult& r) { b = r; });
  ASSERT_TRUE(run_until(io, [&] { return a.has_value(); }));
  EXPECT_EQ(a->error, TransportError::kTimeout);
  testing::run_for(io, 50ms);
  EXPECT_EQ(emulator.busy(), 1);
  EXPECT_EQ(emulator.queued(), 1u);
  ASSERT_TRUE(run_until(io, [&] { return b.has_value(); }));
  EXPECT_EQ(b->status, 200);
  EXPECT_GE(b->elapsed, 400ms);
  EXPECT_LT(b->elapsed, 550ms);
  EXPECT_EQ(emulator.abandoned(), 0u);
  EXPECT_EQ(emulator.served(), 2u);
}

}  // namespace
}  // namespace faultline::live

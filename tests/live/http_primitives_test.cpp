// HttpServer and HttpClient on loopback: late answers, keep-alive reuse, and each transport
// failure kind the fault proxy relies on (refused, reset, timeout), plus clean shutdown.
#include <gtest/gtest.h>

#include "live/http_client.h"
#include "live/http_server.h"
#include "resilience/asio_scheduler.h"
#include "tests/live/run_until.h"

namespace faultline::live {
namespace {

using namespace std::chrono_literals;
using testing::run_until;

TEST(HttpPrimitives, AnswersLaterAndReusesTheConnection) {
  boost::asio::io_context io;
  resilience::AsioScheduler scheduler(io);
  HttpServer server(io, [&](HttpRequest req, Responder respond) {
    scheduler.schedule_after(50ms, [respond, body = req.method + " " + req.target + " " + req.body]() mutable {
      respond({201, body});
    });
  });
  const std::uint16_t port = server.listen(0);
  ASSERT_NE(port, 0);
  HttpClient client(io, {"127.0.0.1", port});
  std::vector<HttpResult> results;
  std::function<void()> next = [&] {
    client.request({"POST", "/x?n=" + std::to_string(results.size()), "hi"}, 2s, [&](const HttpResult& r) {
      results.push_back(r);
      if (results.size() < 3) next();
    });
  };
  next();
  ASSERT_TRUE(run_until(io, [&] { return results.size() == 3; }));
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(results[i].error, TransportError::kNone);
    EXPECT_EQ(results[i].status, 201);
    EXPECT_EQ(results[i].body, "POST /x?n=" + std::to_string(i) + " hi");
    EXPECT_GE(results[i].elapsed, 50ms);
    EXPECT_LT(results[i].elapsed, 500ms);
  }
  EXPECT_EQ(client.connections_opened(), 1u);  // keep-alive: one connection for three requests
  EXPECT_EQ(server.requests(), 3u);
}

TEST(HttpPrimitives, RefusedAfterStopListeningAndServedAgainOnTheSamePort) {
  boost::asio::io_context io;
  HttpServer server(io, [](HttpRequest, Responder respond) { respond({200}); });
  const std::uint16_t port = server.listen(0);
  HttpClient client(io, {"127.0.0.1", port});
  std::optional<HttpResult> r;
  client.request({"GET", "/", ""}, 2s, [&](const HttpResult& x) { r = x; });
  ASSERT_TRUE(run_until(io, [&] { return r.has_value(); }));
  EXPECT_EQ(r->status, 200);
  ASSERT_EQ(client.idle_connections(), 1u);

  // The kept-alive connection is reset with the listener closed: the client's retry on a new
  // connection meets the refusal, so the outage shows as refused rather than reset.
  server.stop();
  r.reset();
  client.request({"GET", "/", ""}, 2s, [&](const HttpResult& x) { r = x; });
  ASSERT_TRUE(run_until(io, [&] { return r.has_value(); }));
  EXPECT_EQ(r->error, TransportError::kRefused);

  EXPECT_EQ(server.listen(port), port);
  r.reset();
  client.request({"GET", "/", ""}, 2s, [&](const HttpResult& x) { r = x; });
  ASSERT_TRUE(run_until(io, [&] { return r.has_value(); }));
  EXPECT_EQ(r->error, TransportError::kNone);
  EXPECT_EQ(r->status, 200);
}

TEST(HttpPrimitives, UnansweredRequestTimesOutAtTheClientsTimeout) {
  boost::asio::io_context io;
  std::vector<Responder> held;
  HttpServer server(io, [&](HttpRequest, Responder respond) { held.push_back(respond); });
  const std::uint16_t port = server.listen(0);
  HttpClient client(io, {"127.0.0.1", port});
  std::optional<HttpResult> r;
  client.request({"GET", "/", ""}, 200ms, [&](const HttpResult& x) { r = x; });
  ASSERT_TRUE(run_until(io, [&] { return r.has_value(); }));
  EXPECT_EQ(r->error, TransportError::kTimeout);
  EXPECT_GE(r->elapsed, 200ms);
  EXPECT_LT(r->elapsed, 400ms);
  ASSERT_EQ(held.size(), 1u);
  // The client closed its socket; the late answer is a no-op.
  held[0]({200});
  testing::run_for(io, 20ms);
  EXPECT_EQ(client.in_flight(), 0u);
}

TEST(HttpPrimitives, ResetIsReportedAsReset) {
  boost::asio::io_context io;
  HttpServer server(io, [&](HttpRequest, Responder respond) { respond.reset(); });
  const std::uint16_t port = server.listen(0);
  HttpClient client(io, {"127.0.0.1", port});
  std::optional<HttpResult> r;
  client.request({"GET", "/", ""}, 2s, [&](const HttpResult& x) { r = x; });
  ASSERT_TRUE(run_until(io, [&] { return r.has_value(); }));
  EXPECT_EQ(r->error, TransportError::kReset);
}

TEST(HttpPrimitives, CloseCancelsInFlightRequests) {
  boost::asio::io_context io;
  HttpServer server(io, [&](HttpRequest, Responder) {});
  const std::uint16_t port = server.listen(0);
  HttpClient client(io, {"127.0.0.1", port});
  std::optional<HttpResult> r;
  client.request({"GET", "/", ""}, 5s, [&](const HttpResult& x) { r = x; });
  ASSERT_TRUE(run_until(io, [&] { return server.requests() == 1; }));
  client.close();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->error, TransportError::kCancelled);
}

TEST(HttpPrimitives, StopClosesEverySocket) {
  boost::asio::io_context io;
  std::vector<Responder> held;
  std::uint16_t port = 0;
  {
    HttpServer server(io, [&](HttpRequest, Responder respond) { held.push_back(respond); });
    port = server.listen(0);
    HttpClient client(io, {"127.0.0.1", port});
    for (int i = 0; i < 4; ++i) client.request({"GET", "/", ""}, 5s, [](const HttpResult&) {});
    ASSERT_TRUE(run_until(io, [&] { return held.size() == 4; }));
    EXPECT_EQ(server.open_connections(), 4u);
    server.stop();
    EXPECT_EQ(server.open_connections(), 0u);
    EXPECT_FALSE(held[0].pending());
  }
  testing::run_for(io, 20ms);
  // Nothing is bound: the same port can be bound again at once by another server.
  HttpServer again(io, [](HttpRequest, Responder r) { r({}); });
  EXPECT_EQ(again.listen(port), port);
}

TEST(HttpPrimitives, ParsesUpstreams) {
  Upstream u;
  ASSERT_TRUE(parse_upstream("127.0.0.1:8080", u));
  EXPECT_EQ(u.host, "127.0.0.1");
  EXPECT_EQ(u.port, 8080);
  ASSERT_TRUE(parse_upstream(":9000", u));
  EXPECT_EQ(u.host, "127.0.0.1");
  ASSERT_TRUE(parse_upstream("localhost:1", u));
  EXPECT_FALSE(parse_upstream("127.0.0.1", u));
  EXPECT_FALSE(parse_upstream("127.0.0.1:0", u));
  EXPECT_FALSE(parse_upstream("127.0.0.1:70000", u));
  EXPECT_FALSE(parse_upstream("db.internal:5432", u));  // no DNS lookup
}

}  // namespace
}  // namespace faultline::live

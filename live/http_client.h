// HttpClient: asynchronous HTTP/1.1 requests to one upstream (host:port), with a per-request
// timeout and a pool of kept-alive connections, reporting transport failures by kind.
//
//   HttpClient client(io, {"127.0.0.1", port});
//   client.request({"GET", "/generate", ""}, std::chrono::milliseconds(500),
//                  [](const HttpResult& r) { if (r.error == TransportError::kNone) use(r.status); });
//
// A connection is reused after a complete keep-alive answer; a reused idle connection the
// server closed meanwhile is retried once on a new one, so a server outage shows as kRefused,
// not as a reset of a stale socket. Does not include Boost.Beast or Asio. Threading: the
// thread that runs the io_context; `done` never runs inside request().
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "live/http_server.h"

namespace faultline::live {

enum class TransportError : std::uint8_t {
  kNone,       // an HTTP answer arrived (any status)
  kRefused,    // connect() refused: nothing listens (outage)
  kReset,      // the connection was reset or closed before a complete answer
  kTimeout,    // no complete answer within the request's timeout (a hang)
  kCancelled,  // close() was called while the request was in flight
  kOther,      // any other socket error (unreachable host...)
};

const char* to_string(TransportError error);

struct HttpResult {
  TransportError error = TransportError::kNone;
  int status = 0;  // the HTTP status when error == kNone, else 0
  std::string body;
  std::chrono::nanoseconds elapsed{};  // from request() to the answer or the failure
};

struct Upstream {
  std::string host = "127.0.0.1";  // an IPv4/IPv6 literal or "localhost" (no DNS lookup)
  std::uint16_t port = 0;
};

// Parses "HOST:PORT" (or ":PORT", meaning 127.0.0.1). Returns false on a malformed text.
bool parse_upstream(const std::string& text, Upstream& out);

class HttpClient {
 public:
  using Done = std::function<void(const HttpResult&)>;

  // `max_idle`: kept-alive connections kept for reuse; more concurrent requests open more.
  HttpClient(boost::asio::io_context& io, Upstream upstream, std::size_t max_idle = 256);
  ~HttpClient();  // aborts in-flight requests without running their callbacks
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends `request`; `done` runs once with the answer or the failure, at most `timeout` later.
  // Returns the request's number, for cancel().
  std::uint64_t request(HttpRequest request, std::chrono::nanoseconds timeout, Done done);
  // Aborts request `id` if it is still in flight: its connection is closed (the server sees
  // the client leave) and `done` runs, inside cancel(), with kCancelled.
  void cancel(std::uint64_t id);
  // Aborts in-flight requests (their callbacks run, inside close(), with kCancelled) and closes
  // the idle connections. request() afterwards still works (new connections).
  void close();

  std::size_t in_flight() const;
  std::size_t idle_connections() const;
  // Connections opened since construction (connection reuse shows as fewer than requests).
  std::uint64_t connections_opened() const;

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace faultline::live

// HttpServer: a small HTTP/1.1 server on 127.0.0.1 for live mode (dependency emulators, the
// fault proxy, the reference API). Keep-alive; one request at a time per connection; the
// handler answers *later* through its Responder, which is what latency emulation and hangs need.
//
//   boost::asio::io_context io;
//   HttpServer server(io, [](HttpRequest req, Responder respond) {
//     respond({200, "ok"});      // now, from a timer, or never (a hang)
//   });
//   std::uint16_t port = server.listen(0);          // 0: the OS picks the port
//   io.run();
//
// This header does not include Boost.Beast or Asio (they stay in http_server.cpp). Threading:
// everything (handler, Responder, stop) runs on the one thread that runs the io_context.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace boost::asio {
class io_context;
}

namespace faultline::live {

struct HttpRequest {
  std::string method;  // "GET", "POST"...
  std::string target;  // "/path?query"
  std::string body;
  // Extra header fields (name, value): HttpClient sends them; HttpServer fills in the
  // request's X-Faultline-* fields only (what live mode reads: live/call_key_header.h), so a
  // proxy that forwards a request forwards those.
  std::vector<std::pair<std::string, std::string>> headers = {};
};

// The value of `request`'s header field `name` (case-insensitive), or "" when absent.
std::string_view header_value(const HttpRequest& request, std::string_view name);

struct HttpResponse {
  HttpResponse(int status = 200, std::string body = {}, std::string content_type = "application/json")
      : status(status), body(std::move(body)), content_type(std::move(content_type)) {}
  int status;
  std::string body;
  std::string content_type;
};

// Answers one request. Copyable; the first answer wins, later ones are ignored, and an answer
// after the connection closed (client gone, server stopped) is a no-op.
class Responder {
 public:
  struct Target;  // the connection and the request it answers (http_server.cpp)
  Responder() = default;
  explicit Responder(std::shared_ptr<Target> target) : target_(std::move(target)) {}

  void operator()(HttpResponse response) const;
  // Drops the connection with a TCP reset instead of answering (mirrors an upstream reset).
  void reset() const;
  // True iff the connection is still open and the request unanswered.
  bool pending() const;
  // Watches the connection while the request waits for its answer: if the client closes it
  // (FIN or RST) first, the server closes its side and runs `gone` once, on the io thread.
  // Without this call the server does not read while an answer is pending (see below).
  void on_client_gone(std::function<void()> gone) const;

 private:
  std::shared_ptr<Target> target_;
};

using HttpHandler = std::function<void(HttpRequest, Responder)>;

class HttpServer {
 public:
  HttpServer(boost::asio::io_context& io, HttpHandler handler);
  ~HttpServer();  // stop()
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds 127.0.0.1:`port` (0: an OS-chosen port; SO_REUSEADDR, so a port closed by
  // stop_listening() can be bound again) and starts accepting. Returns the bound port.
  // Throws std::system_error when the port cannot be bound.
  std::uint16_t listen(std::uint16_t port = 0);
  // Closes the listening socket: new connections are refused (ECONNREFUSED); open
  // connections stay. listen(port()) resumes.
  void stop_listening();
  // Resets every open connection; pending Responders become no-ops.
  void close_connections();
  // Closes the connections that wait for a request (none unanswered): an outage that starts
  // does not break the requests already in flight. Pair with set_keep_alive(false).
  void close_idle_connections();
  // false: every answer from now on says "Connection: close" and closes its connection.
  void set_keep_alive(bool keep_alive);
  // stop_listening() + close_connections(): afterwards no socket of this server is open.
  void stop();

  bool listening() const;
  // The port last bound (0 before listen()).
  std::uint16_t port() const;
  std::size_t open_connections() const;
  // Requests received since construction.
  std::uint64_t requests() const;

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace faultline::live

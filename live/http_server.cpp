// Boost.Beast is included here and in http_client.cpp only (compile time: see CMakeLists.txt).
// Boost 1.74's umbrella <boost/asio.hpp> does not build with GCC 12 in C++20: only the
// specific headers, with <utility> first.
// clang-format off
#include <utility>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
// clang-format on

#include "live/http_server.h"

#include <sys/socket.h>

#include <cctype>
#include <cerrno>
#include <string_view>
#include <system_error>
#include <unordered_map>
#include <vector>

namespace faultline::live {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {

class Connection;

}  // namespace

struct HttpServer::Impl : std::enable_shared_from_this<HttpServer::Impl> {
  Impl(asio::io_context& io, HttpHandler handler) : io(io), acceptor(io), handler(std::move(handler)) {}

  void accept();

  asio::io_context& io;
  tcp::acceptor acceptor;
  HttpHandler handler;
  std::uint16_t port = 0;
  std::uint64_t requests = 0;
  bool keep_alive = true;
  std::uint64_t accept_generation = 0;  // a stale accept completion after stop_listening() is ignored
  // Owns the open connections (a connection waiting for its Responder has no pending handler).
  std::unordered_map<Connection*, std::shared_ptr<Connection>> connections;
};

namespace {

// One accepted socket: reads a request, hands it to the handler, waits for its Responder,
// writes the answer, and reads the next one if the client keeps the connection alive.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(std::shared_ptr<HttpServer::Impl> server, tcp::socket socket)
      : server_(std::move(server)), socket_(std::move(socket)) {}

  void start() { read(); }

  // Closes the socket; with `reset`, SO_LINGER 0 makes the close send an RST.
  void close(bool reset) {
    if (closed_) return;
    closed_ = true;
    gone_ = nullptr;
    boost::system::error_code ignored;
    if (reset) socket_.set_option(asio::socket_base::linger(true, 0), ignored);
    socket_.close(ignored);
    auto keep = shared_from_this();  // erasing may drop the last owner
    server_->connections.erase(this);
  }

  void answer(std::uint64_t serial, HttpResponse response) {
    if (closed_ || serial != serial_ || answered_) return;
    answered_ = true;
    gone_ = nullptr;
    auto res = std::make_shared<http::response<http::string_body>>();
    res->version(11);
    res->result(static_cast<unsigned>(response.status));
    res->set(http::field::server, "faultline");
    res->set(http::field::content_type, response.content_type);
    if (!server_->keep_alive) keep_alive_ = false;
    res->keep_alive(keep_alive_);
    res->body() = std::move(response.body);
    res->prepare_payload();
    http::async_write(socket_, *res, [self = shared_from_this(), res](boost::system::error_code ec, std::size_t) {
      self->busy_ = false;
      if (ec || !self->keep_alive_) return self->close(false);
      self->read();
    });
  }

  void reset(std::uint64_t serial) {
    if (serial == serial_ && !answered_) close(true);
  }

  bool pending(std::uint64_t serial) const { return !closed_ && serial == serial_ && !answered_; }

  void watch(std::uint64_t serial, std::function<void()> gone) {
    if (!pending(serial)) return;
    gone_ = std::move(gone);
    if (watched_ == serial) return;
    watched_ = serial;
    arm_watch(serial);
  }
  // Waiting for the next request (not between a request and the end of its answer's write).
  bool idle() const { return !closed_ && !busy_; }

 private:
  void read() {
    request_ = {};
    http::async_read(socket_, buffer_, request_, [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
      if (ec) return self->close(false);
      self->dispatch();
    });
  }

  void dispatch();

  // Readable while an answer is pending: the client either closed (EOF, reset) or sent more
  // bytes (it did not leave; a pipelined request waits for the next read). A peek tells which
  // without taking anything from the stream.
  void arm_watch(std::uint64_t serial) {
    socket_.async_wait(tcp::socket::wait_read, [self = shared_from_this(), serial](boost::system::error_code ec) {
      if (ec || !self->pending(serial)) return;
      char byte;
      const ssize_t n = ::recv(self->socket_.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
      if (n > 0) return;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return self->arm_watch(serial);
      std::function<void()> gone = std::move(self->gone_);
      self->gone_ = nullptr;
      self->close(false);
      if (gone) gone();
    });
  }

  std::shared_ptr<HttpServer::Impl> server_;
  tcp::socket socket_;
  boost::beast::flat_buffer buffer_;
  http::request<http::string_body> request_;
  std::uint64_t serial_ = 0;  // the request being answered
  bool answered_ = false;
  bool busy_ = false;
  bool keep_alive_ = true;
  bool closed_ = false;
  std::uint64_t watched_ = 0;  // the request whose connection is watched (on_client_gone)
  std::function<void()> gone_;
};

}  // namespace

struct Responder::Target {
  std::weak_ptr<Connection> connection;
  std::uint64_t serial = 0;
};

namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

bool has_faultline_prefix(std::string_view name) {
  constexpr std::string_view kPrefix = "x-faultline-";
  return name.size() >= kPrefix.size() && iequals(name.substr(0, kPrefix.size()), kPrefix);
}

void Connection::dispatch() {
  ++serial_;
  answered_ = false;
  busy_ = true;
  keep_alive_ = request_.keep_alive();
  ++server_->requests;
  HttpRequest req{std::string(request_.method_string()), std::string(request_.target()),
                  std::move(request_.body())};
  for (const auto& field : request_) {
    const std::string_view name(field.name_string().data(), field.name_string().size());
    if (has_faultline_prefix(name)) req.headers.emplace_back(std::string(name), std::string(field.value()));
  }
  auto target = std::make_shared<Responder::Target>(Responder::Target{weak_from_this(), serial_});
  // A copy of the handler: it may stop the server (and so reset `handler`) while it runs.
  HttpHandler handler = server_->handler;
  handler(std::move(req), Responder(std::move(target)));
}

}  // namespace

std::string_view header_value(const HttpRequest& request, std::string_view name) {
  for (const auto& [n, v] : request.headers) {
    if (iequals(n, name)) return v;
  }
  return {};
}

void Responder::operator()(HttpResponse response) const {
  if (!target_) return;
  if (auto c = target_->connection.lock()) c->answer(target_->serial, std::move(response));
}

void Responder::reset() const {
  if (!target_) return;
  if (auto c = target_->connection.lock()) c->reset(target_->serial);
}

void Responder::on_client_gone(std::function<void()> gone) const {
  if (!target_) return;
  if (auto c = target_->connection.lock()) c->watch(target_->serial, std::move(gone));
}

bool Responder::pending() const {
  if (!target_) return false;
  auto c = target_->connection.lock();
  return c && c->pending(target_->serial);
}

void HttpServer::Impl::accept() {
  // The handler holds the Impl: a completion (operation_aborted after stop) may run after the
  // HttpServer is gone.
  acceptor.async_accept([self = shared_from_this(), generation = accept_generation](
                            boost::system::error_code ec, tcp::socket socket) {
    if (generation != self->accept_generation || !self->acceptor.is_open()) return;
    if (!ec) {
      auto c = std::make_shared<Connection>(self, std::move(socket));
      self->connections.emplace(c.get(), c);
      c->start();
    }
    self->accept();
  });
}

HttpServer::HttpServer(asio::io_context& io, HttpHandler handler)
    : impl_(std::make_shared<Impl>(io, std::move(handler))) {}

HttpServer::~HttpServer() {
  stop();
  impl_->handler = nullptr;
}

std::uint16_t HttpServer::listen(std::uint16_t port) {
  Impl& s = *impl_;
  if (s.acceptor.is_open()) return s.port;
  const tcp::endpoint endpoint(asio::ip::make_address_v4("127.0.0.1"), port);
  s.acceptor.open(endpoint.protocol());
  s.acceptor.set_option(asio::socket_base::reuse_address(true));
  boost::system::error_code ec;
  s.acceptor.bind(endpoint, ec);
  if (!ec) s.acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    boost::system::error_code ignored;
    s.acceptor.close(ignored);
    throw std::system_error(ec.value(), std::system_category(),
                            "cannot listen on 127.0.0.1:" + std::to_string(port));
  }
  s.port = s.acceptor.local_endpoint().port();
  ++s.accept_generation;
  s.accept();
  return s.port;
}

void HttpServer::stop_listening() {
  Impl& s = *impl_;
  ++s.accept_generation;
  boost::system::error_code ignored;
  s.acceptor.close(ignored);
}

void HttpServer::close_connections() {
  // close() erases from the map: collect first.
  std::vector<std::shared_ptr<Connection>> open;
  for (auto& [raw, c] : impl_->connections) open.push_back(c);
  for (auto& c : open) c->close(true);
  impl_->connections.clear();
}

void HttpServer::close_idle_connections() {
  std::vector<std::shared_ptr<Connection>> idle;
  for (auto& [raw, c] : impl_->connections) {
    if (c->idle()) idle.push_back(c);
  }
  for (auto& c : idle) c->close(false);
}

void HttpServer::set_keep_alive(bool keep_alive) { impl_->keep_alive = keep_alive; }

void HttpServer::stop() {
  stop_listening();
  close_connections();
}

bool HttpServer::listening() const { return impl_->acceptor.is_open(); }
std::uint16_t HttpServer::port() const { return impl_->port; }
std::size_t HttpServer::open_connections() const { return impl_->connections.size(); }
std::uint64_t HttpServer::requests() const { return impl_->requests; }

}  // namespace faultline::live

// Boost.Beast is included here and in http_server.cpp only (compile time: see CMakeLists.txt).
// clang-format off
#include <utility>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
// clang-format on

#include "live/http_client.h"

#include <stdexcept>
#include <unordered_map>
#include <vector>

namespace faultline::live {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

const char* to_string(TransportError error) {
  switch (error) {
    case TransportError::kNone: return "none";
    case TransportError::kRefused: return "refused";
    case TransportError::kReset: return "reset";
    case TransportError::kTimeout: return "timeout";
    case TransportError::kCancelled: return "cancelled";
    case TransportError::kOther: return "other";
  }
  return "?";
}

bool parse_upstream(const std::string& text, Upstream& out) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon + 1 == text.size()) return false;
  std::string host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host.empty()) host = "127.0.0.1";
  unsigned long port = 0;
  for (std::size_t i = colon + 1; i < text.size(); ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    port = port * 10 + static_cast<unsigned long>(text[i] - '0');
    if (port > 65535) return false;
  }
  if (port == 0) return false;
  boost::system::error_code ec;
  if (host != "localhost") asio::ip::make_address(host, ec);
  if (ec) return false;
  out = Upstream{host, static_cast<std::uint16_t>(port)};
  return true;
}

namespace {

struct Conn {
  explicit Conn(asio::io_context& io) : socket(io) {}
  tcp::socket socket;
  boost::beast::flat_buffer buffer;
};

class Exchange;

bool is_stale_connection_error(const boost::system::error_code& ec) {
  return ec == http::error::end_of_stream || ec == asio::error::eof || ec == asio::error::connection_reset ||
         ec == asio::error::broken_pipe || ec == asio::error::connection_aborted;
}

}  // namespace

struct HttpClient::Impl {
  Impl(asio::io_context& io, Upstream upstream, std::size_t max_idle) : io(io), max_idle(max_idle) {
    const std::string host = upstream.host == "localhost" ? "127.0.0.1" : upstream.host;
    boost::system::error_code ec;
    const auto address = asio::ip::make_address(host, ec);
    if (ec) throw std::invalid_argument("not an IP address: " + upstream.host);
    endpoint = tcp::endpoint(address, upstream.port);
  }

  asio::io_context& io;
  tcp::endpoint endpoint;
  std::size_t max_idle;
  std::vector<std::unique_ptr<Conn>> idle;
  std::unordered_map<std::uint64_t, std::weak_ptr<Exchange>> in_flight;  // by request number
  std::uint64_t opened = 0;
  std::uint64_t next_id = 0;
};

namespace {

// One request: takes an idle connection or opens one, writes, reads the answer; the timer
// bounds the whole exchange. Every completion handler holds the Exchange.
class Exchange : public std::enable_shared_from_this<Exchange> {
 public:
  Exchange(std::shared_ptr<HttpClient::Impl> client, HttpRequest request, std::chrono::nanoseconds timeout,
           HttpClient::Done done)
      : client_(std::move(client)), id_(++client_->next_id), timer_(client_->io), timeout_(timeout), done_(std::move(done)),
        start_(std::chrono::steady_clock::now()) {
    request_.version(11);
    request_.method_string(request.method);
    request_.target(request.target);
    request_.set(http::field::host, client_->endpoint.address().to_string() + ":" +
                                        std::to_string(client_->endpoint.port()));
    request_.set(http::field::user_agent, "faultline");
    for (const auto& [name, value] : request.headers) request_.set(name, value);
    if (!request.body.empty()) request_.set(http::field::content_type, "application/json");
    request_.body() = std::move(request.body);
    request_.keep_alive(true);
    request_.prepare_payload();
  }

  void start() {
    client_->in_flight.emplace(id_, weak_from_this());
    timer_.expires_after(timeout_);
    timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
      if (!ec) self->finish(TransportError::kTimeout);
    });
    if (!client_->idle.empty()) {
      conn_ = std::move(client_->idle.back());
      client_->idle.pop_back();
      reused_ = true;
      write();
    } else {
      connect();
    }
  }

  std::uint64_t id() const { return id_; }

  // Ends the exchange; `notify` false drops the callback (the client is being destroyed).
  void finish(TransportError error, bool notify = true) {
    if (finished_) return;
    finished_ = true;
    timer_.cancel();
    client_->in_flight.erase(id_);
    HttpResult result;
    result.error = error;
    result.elapsed = std::chrono::steady_clock::now() - start_;
    if (error == TransportError::kNone) {
      result.status = static_cast<int>(response_.result_int());
      result.body = std::move(response_.body());
      if (response_.keep_alive() && client_->idle.size() < client_->max_idle) {
        conn_->buffer.clear();
        client_->idle.push_back(std::move(conn_));
      }
    }
    if (conn_) {
      boost::system::error_code ignored;
      conn_->socket.close(ignored);
      conn_.reset();
    }
    if (notify && done_) {
      HttpClient::Done done = std::move(done_);
      done(result);
    }
  }

 private:
  void connect() {
    conn_ = std::make_unique<Conn>(client_->io);
    ++client_->opened;
    conn_->socket.async_connect(client_->endpoint, [self = shared_from_this()](boost::system::error_code ec) {
      if (self->finished_) return;
      if (ec) {
        return self->finish(ec == asio::error::connection_refused ? TransportError::kRefused : TransportError::kOther);
      }
      boost::system::error_code ignored;
      self->conn_->socket.set_option(tcp::no_delay(true), ignored);
      self->write();
    });
  }

  void write() {
    http::async_write(conn_->socket, request_, [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
      if (self->finished_) return;
      if (ec) return self->failed(ec);
      self->read();
    });
  }

  void read() {
    response_ = {};
    http::async_read(conn_->socket, conn_->buffer, response_,
                     [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
                       if (self->finished_) return;
                       if (ec) return self->failed(ec);
                       self->finish(TransportError::kNone);
                     });
  }

  // A kept-alive connection the server closed while it sat idle fails at once: retry once on
  // a new connection, which then meets the server's real state (refused during an outage).
  void failed(const boost::system::error_code& ec) {
    if (reused_ && is_stale_connection_error(ec)) {
      reused_ = false;
      boost::system::error_code ignored;
      conn_->socket.close(ignored);
      return connect();
    }
    finish(is_stale_connection_error(ec) ? TransportError::kReset : TransportError::kOther);
  }

  std::shared_ptr<HttpClient::Impl> client_;
  std::uint64_t id_;
  asio::steady_timer timer_;
  std::chrono::nanoseconds timeout_;
  HttpClient::Done done_;
  std::chrono::steady_clock::time_point start_;
  http::request<http::string_body> request_;
  http::response<http::string_body> response_;
  std::unique_ptr<Conn> conn_;
  bool reused_ = false;
  bool finished_ = false;
};

std::vector<std::shared_ptr<Exchange>> live_exchanges(HttpClient::Impl& impl) {
  std::vector<std::shared_ptr<Exchange>> out;
  for (auto& [raw, weak] : impl.in_flight) {
    if (auto e = weak.lock()) out.push_back(std::move(e));
  }
  return out;
}

}  // namespace

HttpClient::HttpClient(asio::io_context& io, Upstream upstream, std::size_t max_idle)
    : impl_(std::make_shared<Impl>(io, std::move(upstream), max_idle)) {}

HttpClient::~HttpClient() {
  for (auto& e : live_exchanges(*impl_)) e->finish(TransportError::kCancelled, false);
  impl_->idle.clear();
}

std::uint64_t HttpClient::request(HttpRequest request, std::chrono::nanoseconds timeout, Done done) {
  auto e = std::make_shared<Exchange>(impl_, std::move(request), timeout, std::move(done));
  e->start();
  return e->id();
}

void HttpClient::cancel(std::uint64_t id) {
  const auto it = impl_->in_flight.find(id);
  if (it == impl_->in_flight.end()) return;
  if (auto e = it->second.lock()) e->finish(TransportError::kCancelled);
}

void HttpClient::close() {
  for (auto& e : live_exchanges(*impl_)) e->finish(TransportError::kCancelled);
  impl_->idle.clear();
}

std::size_t HttpClient::in_flight() const { return impl_->in_flight.size(); }
std::size_t HttpClient::idle_connections() const { return impl_->idle.size(); }
std::uint64_t HttpClient::connections_opened() const { return impl_->opened; }

}  // namespace faultline::live

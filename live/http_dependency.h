// HttpDependency: a sim::Dependency that is a real HTTP server (a dependency emulator behind
// its fault proxy, or a real service): the API model's step calls become HTTP requests, and
// their answers come back into the model through the WallClockDriver, at their wall instant.
//
//   HttpDependency ai(io, driver);  ai.set_upstream({"127.0.0.1", proxy_port});
//   world wiring: live.dependency = [&](std::size_t i) { return deps[i].get(); };
//
// A keyed call (CallOptions::key) sends its key as X-Faultline-Call (live/call_key_header.h).
// Answer mapping: 200 -> kOk, 503 -> kRejected (queue full), other statuses and resets ->
// kError, connection refused -> kRefused (an outage). Abandoning a call (the step's timeout)
// cancels its request, closing its connection: the server learns the caller left, as the
// model's dependency does (it drops a queued abandoned call). Threading: the io_context's thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <unordered_map>

#include "live/http_client.h"
#include "sim/dependency.h"

namespace faultline::live {

class WallClockDriver;

class HttpDependency final : public sim::Dependency {
 public:
  HttpDependency(boost::asio::io_context& io, WallClockDriver& driver,
                 std::chrono::nanoseconds transport_timeout = std::chrono::seconds(60));
  // Where the calls go (the fault proxy, known once it listens); before the first call.
  void set_upstream(Upstream upstream);

  sim::CallId call(Done done, const sim::CallOptions& options) override;
  void abandon(sim::CallId id) override;
  // The server's capacity is the server's: a capacity fault is applied by the fault proxy.
  int concurrency() const override { return concurrency_; }
  void set_concurrency(int concurrency) override { concurrency_ = concurrency; }
  int busy() const override { return static_cast<int>(pending_.size()); }

  void close() {
    if (client_) client_->close();
  }
  std::uint64_t calls() const { return next_id_ - 1; }

 private:
  void answered(sim::CallId id, const HttpResult& result);

  boost::asio::io_context& io_;
  std::unique_ptr<HttpClient> client_;
  WallClockDriver& driver_;
  std::chrono::nanoseconds transport_timeout_;
  std::unordered_map<sim::CallId, Done> pending_;
  std::unordered_map<sim::CallId, std::uint64_t> requests_;  // the HTTP request of each pending call
  sim::CallId next_id_ = 1;
  int concurrency_ = 0;
};

// The CallStatus of an HTTP answer or transport failure (pure; see the header comment).
sim::CallStatus call_status(const HttpResult& result);

}  // namespace faultline::live

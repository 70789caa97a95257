// FaultProxy: an HTTP proxy on 127.0.0.1 in front of one dependency (an emulator or a real
// staging service) that applies the dependency's faults on the wall clock (t = 0 at start()),
// Toxiproxy-like, with the simulator's semantics (faults/call_fate.h, FaultyDependency):
//   outage / flapping down  the listening socket is closed: connecting is refused (with
//                           probability < 1: the hit calls' connections are reset instead);
//                           requests in flight finish, kept-alive idle connections are closed
//   hang                    the request is accepted and never answered
//   latency                 the draw is added after the upstream answers
//   slowdown x F            the answer is held (F - 1) x the upstream's response time
//   error                   a success becomes `status` (default 500) after the normal latency
//   capacity                at most `concurrency` requests forwarded at once, the rest wait in
//                           FIFO order (503 beyond the dependency's queue_limit, if known)
//
//   FaultProxy proxy(io, scheduler, {.upstream = {"127.0.0.1", 8081}, .faults = ..., .draws = ...});
//   std::uint16_t port = proxy.start();
//
// A request with X-Faultline-Call (the reference service sends it; live/call_key_header.h) has
// its fate drawn from that call's keyed streams, as the simulator draws it, whatever order the
// requests arrive in; the header is forwarded. Without it (a user's own service behind
// `faultline proxy`), or malformed, the draws follow arrival order.
//
// Upstream failures pass through as transport failures: refused or reset -> the client's
// connection is reset; no answer within upstream_timeout -> no answer. Threading: the
// io_context's thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <limits>
#include <optional>
#include <unordered_map>
#include <vector>

#include "faults/fault.h"
#include "live/http_client.h"
#include "live/http_server.h"
#include "resilience/clock.h"
#include "sim/call_draws.h"

namespace faultline::live {

struct FaultProxyOptions {
  Upstream upstream;
  std::uint16_t listen_port = 0;  // 0: the OS picks
  std::vector<faults::Fault> faults;  // those targeting this dependency (start/end from t = 0)
  std::vector<sim::CallDraws> draws;  // draws[i]: faults::fault_draws(seed, faults[i].index)
  // The dependency's own concurrency and queue limit when known (a capacity fault lowers the
  // first; the second bounds the proxy's wait queue). Unknown: no limit.
  int base_concurrency = std::numeric_limits<int>::max();
  std::optional<std::int64_t> queue_limit;
  std::chrono::nanoseconds upstream_timeout = std::chrono::minutes(10);
  // Told each state change of the schedule ("refusing connections", "capacity 2"...), if set.
  std::function<void(Instant, const std::string&)> log;
};

class FaultProxy {
 public:
  FaultProxy(boost::asio::io_context& io, Scheduler& scheduler, FaultProxyOptions options);
  ~FaultProxy();
  FaultProxy(const FaultProxy&) = delete;
  FaultProxy& operator=(const FaultProxy&) = delete;

  // Binds the listening port, sets t = 0 to now and arms the schedule. Returns the port.
  std::uint16_t start();
  // Closes every socket (listening, clients', upstream) and cancels every timer.
  void stop();

  std::uint16_t port() const { return port_; }
  // Instant of the schedule (since start()).
  Instant now() const { return scheduler_.now() - t0_; }
  bool refusing() const { return refusing_; }
  int capacity() const { return capacity_; }
  int forwarding() const { return forwarding_; }  // requests at the upstream now
  std::size_t waiting() const { return waiting_.size(); }
  std::uint64_t requests() const { return server_.requests(); }
  // Calls each fault hit (faults[i] of the options), as the simulator's fault metrics count.
  const std::vector<std::uint64_t>& hits() const { return hits_; }
  std::uint64_t held() const { return held_; }  // hung calls

 private:
  struct Call {
    HttpRequest request;
    Responder respond;
    bool fail = false;
    int status = 0;
    Duration add{};
    double scale = 1;
    std::uint64_t number = 0;  // for client_gone()
  };

  void on_request(HttpRequest request, Responder respond);
  void forward(Call call);
  void start_waiting();
  // The call's client closed its connection: a waiting call leaves the queue, a forwarded one
  // is cancelled upstream (so the upstream sees its client leave too).
  void client_gone(std::uint64_t number);
  void apply_schedule();
  void arm_next_edge();

  Scheduler& scheduler_;
  FaultProxyOptions options_;
  HttpServer server_;
  HttpClient client_;
  Instant t0_{};
  std::uint16_t port_ = 0;
  bool started_ = false;
  bool refusing_ = false;
  int capacity_;
  int forwarding_ = 0;
  std::deque<Call> waiting_;
  std::uint64_t next_call_ = 0;
  std::unordered_map<std::uint64_t, std::uint64_t> upstream_;  // forwarded call -> its upstream request
  std::vector<std::uint64_t> hits_;
  std::uint64_t held_ = 0;
  TimerId edge_timer_ = kNoTimer;
  // Answers held back for latency/slowdown, by number (a timer callback carries the number).
  struct Delayed {
    Responder respond;
    HttpResponse response;
    TimerId timer = kNoTimer;
  };
  std::unordered_map<std::uint64_t, Delayed> delayed_;
  std::uint64_t next_delayed_ = 0;
};

}  // namespace faultline::live

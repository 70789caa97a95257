// LiveLoad: the real load generator's sending side. The plan is the simulator's own
// sim::LoadGenerator (open arrivals from the stages and the seed, closed users with their
// think times, the traffic mix): it runs in the world on the wall clock and hands each request
// to this sink at its planned instant, which sends it as HTTP to the API (the reference
// service or the user's --target) and records the outcome in the world's sim::Metrics.
//
//   live.sink = [&](sim::Metrics& m) { load = std::make_unique<LiveLoad>(io, driver, m, endpoints); return load.get(); };
//   load->set_target({"127.0.0.1", port});          // before the driver starts
//
// No coordinated omission: a request's latency counts from its planned instant, so a sender
// that falls behind shows the wait in the latencies, and the lag (wall send instant minus
// planned instant) is measured per request. Threading: the io_context's thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "live/http_client.h"
#include "sim/load_generator.h"
#include "sim/metrics.h"

namespace faultline::live {

class WallClockDriver;

struct LiveEndpoint {
  std::string path;                              // "/" + the endpoint's name
  int expected_status = 200;
  std::chrono::nanoseconds client_timeout{};     // 0: none (a 10 min transport bound)
};

// How far behind its plan the sender ran (wall send instant minus planned instant).
struct SendLag {
  std::uint64_t sends = 0;
  double mean_ms = 0, p99_ms = 0, max_ms = 0;
};

// The outcome a client records for an HTTP answer (pure): status, success, degraded. A
// reference-service answer says success and degradation in its body; any other service's
// success is its endpoint's expected status.
struct ClientOutcome {
  int status = 0;
  bool success = false;
  bool degraded = false;
};
ClientOutcome client_outcome(const HttpResult& result, int expected_status);

class LiveLoad final : public sim::RequestSink {
 public:
  LiveLoad(boost::asio::io_context& io, WallClockDriver& driver, sim::EventLoop& loop, sim::Metrics& metrics,
           std::vector<LiveEndpoint> endpoints);
  ~LiveLoad() override;

  void set_target(Upstream target);
  // Sends the requests planned before the clock started (a closed model's first users are
  // planned at t = 0 while the world is built): call right after WallClockDriver::start.
  void start();
  // Sends GET <path>?user=<user> with X-Faultline-Request: <request> (live/call_key_header.h).
  void submit(std::uint32_t endpoint, std::uint64_t user, std::uint64_t request, Answered answered) override;
  void close();

  std::size_t in_flight() const { return pending_.size(); }
  SendLag lag() const;

 private:
  struct Pending {
    Instant issued{};
    std::uint32_t endpoint = 0;
    std::uint64_t user = 0;
    std::uint64_t request = 0;
    Answered answered;
  };
  void on_answer(std::uint64_t id, const HttpResult& result);
  void send(std::uint64_t id);

  boost::asio::io_context& io_;
  WallClockDriver& driver_;
  sim::EventLoop& loop_;
  sim::Metrics& metrics_;
  std::vector<LiveEndpoint> endpoints_;
  std::unique_ptr<HttpClient> client_;
  std::unordered_map<std::uint64_t, Pending> pending_;
  std::uint64_t next_id_ = 1;
  std::vector<std::int64_t> lags_ns_;
  bool started_ = false;
  std::vector<std::uint64_t> deferred_;  // planned before start()
};

}  // namespace faultline::live

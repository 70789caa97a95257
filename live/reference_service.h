// ReferenceService: the experiment's API as a real HTTP server on 127.0.0.1: the world's
// sim::ApiModel (its workers, queue limit, endpoints, steps and resilience chains: breakers,
// coalescer, degradation, retries with budgets, timeouts, bulkheads, rate limits) answering
// real requests, calling its dependencies over HTTP (HttpDependency). The same code as the
// simulated API, run on the wall clock by the WallClockDriver.
//
//   GET /<endpoint>?user=<id>   ->  <status> {"success":true,"degraded":false}
//   unknown endpoint            ->  404
//
// X-Faultline-Request: <n> (the load plan's number, live/call_key_header.h) keys the request's
// draws as in the simulation; without it (a request from another client) the service numbers
// requests itself, from 2^63 up, clear of the plan's numbers.
//
// Threading: the io_context's thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "live/http_server.h"

namespace faultline::sim {
class ApiModel;
}

namespace faultline::live {

class WallClockDriver;

class ReferenceService {
 public:
  ReferenceService(boost::asio::io_context& io, WallClockDriver& driver, sim::ApiModel& api);
  std::uint16_t listen(std::uint16_t port = 0) { return server_.listen(port); }
  void stop() { server_.stop(); }
  std::uint16_t port() const { return server_.port(); }
  std::uint64_t requests() const { return server_.requests(); }

 private:
  void on_request(const HttpRequest& request, const Responder& respond);

  WallClockDriver& driver_;
  sim::ApiModel& api_;
  std::vector<std::string> paths_;  // per endpoint: "/" + name
  std::uint64_t next_unplanned_ = std::uint64_t{1} << 63;
  HttpServer server_;
};

// Splits "/path?user=42" into the path and the user id (0 when absent). Pure.
void parse_target(const std::string& target, std::string& path, std::uint64_t& user);

}  // namespace faultline::live

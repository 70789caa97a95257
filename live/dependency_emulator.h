// DependencyEmulator: one dependency of an experiment file as a real HTTP server on
// 127.0.0.1, behaving as the simulator's sim::DependencyModel: `concurrency` calls in service
// at once, a FIFO queue of at most `queue_limit` waiting calls (503 when full), each call's
// service time drawn from the file's latency distribution and its failure (500) with
// probability `error_rate`, from the draws "dependency/<name>" of the file's seed as the model
// takes them: a request with X-Faultline-Call (live/call_key_header.h) from that call's keyed
// stream (service time, then error, when service starts); without it, in call order (latency
// when service starts, the error draw when it ends).
//
//   DependencyEmulator db(io, scheduler, experiment.dependencies[0], experiment.seed);
//   std::uint16_t port = db.listen();   // any method and target; 200 {"dependency":"db"}
//
// Faults are not applied here: put a FaultProxy in front. A queued call whose client closed its
// connection is dropped, as the model drops an abandoned queued call (it takes no server and
// no draw); a call in service keeps its server until its service time ends, as in the model.
// Threading: the io_context's thread.
#pragma once

#include <cstdint>
#include <deque>
#include <unordered_map>
#include <utility>
#include <memory>
#include <optional>
#include <string>

#include "experiments/experiment_config.h"
#include "live/http_server.h"
#include "resilience/clock.h"
#include "sim/call_draws.h"
#include "sim/call_key.h"

namespace faultline::live {

class DependencyEmulator {
 public:
  DependencyEmulator(boost::asio::io_context& io, Scheduler& scheduler, experiments::DependencyConfig config,
                     std::uint64_t seed);
  ~DependencyEmulator();
  DependencyEmulator(const DependencyEmulator&) = delete;
  DependencyEmulator& operator=(const DependencyEmulator&) = delete;

  // Binds 127.0.0.1:`port` (0: the OS picks); returns the port.
  std::uint16_t listen(std::uint16_t port = 0);
  // Closes every socket and cancels every service timer; calls in progress get no answer.
  void stop();

  // The server's concurrency (a capacity change starts queued calls at once when raised).
  void set_concurrency(int concurrency);
  int concurrency() const { return concurrency_; }

  const std::string& name() const { return config_.name; }
  std::uint16_t port() const { return server_.port(); }
  int busy() const { return busy_; }
  std::size_t queued() const { return queue_.size(); }
  std::uint64_t served() const { return served_; }      // answered 200 or 500
  std::uint64_t rejected() const { return rejected_; }  // answered 503, queue full
  std::uint64_t failed() const { return failed_; }      // answered 500
  std::uint64_t abandoned() const { return abandoned_; }  // dropped from the queue: the client left

 private:
  struct Waiting {
    Responder respond;
    std::optional<sim::CallKey> key;
    std::uint64_t waiter = 0;  // its number while it waits in the queue
  };
  void on_request(const HttpRequest& request, Responder respond);
  void start_service(Waiting call);
  void finish_service(std::uint64_t call);
  void start_queued();
  void drop_queued(std::uint64_t waiter);

  Scheduler& scheduler_;
  experiments::DependencyConfig config_;
  sim::CallDraws draws_;
  int concurrency_;
  int busy_ = 0;
  std::deque<Waiting> queue_;
  std::uint64_t next_waiter_ = 0;
  // Calls in service, by call number (the timer callback carries only the number).
  struct InService {
    Responder respond;
    TimerId timer = kNoTimer;
    std::optional<bool> fail;  // a keyed call's error, drawn with its service time
  };
  std::unordered_map<std::uint64_t, InService> in_service_;
  std::uint64_t next_call_ = 0;
  std::uint64_t served_ = 0;
  std::uint64_t rejected_ = 0;
  std::uint64_t failed_ = 0;
  std::uint64_t abandoned_ = 0;
  HttpServer server_;
};

}  // namespace faultline::live

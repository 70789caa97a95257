// ApiModel: the modelled API. `workers` requests run at once, up to `queue_limit` wait FIFO,
// beyond that 503 at once. A running request spends its overhead, then runs its endpoint's
// steps in order (each through its resilience chain), then its degradation block; the
// endpoint's timeout bounds the whole request (504). The client's own timeout (the endpoint's
// client_timeout) gives the request its outcome, 499, when it expires first; the server does
// not notice and keeps working on it, as a real one whose client hung up does.
//
//   ApiModel api(loop, metrics, spec, endpoints, dependencies, seed);
//   load_generator.set_sink(api);   // the ApiModel is a RequestSink
//
// Every random decision about a request is keyed by its plan number (`request` in submit()):
// its overhead, its API faults, and through CallKey {request, step, attempt} its dependency
// calls (steps in order, then the degradation block's services, numbered after the steps).
// Single-threaded. Requests and step calls live in pools reused across the run: no allocation
// per request in steady state.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "resilience/graceful_degradation.h"
#include "sim/deadline_lane.h"
#include "sim/dependency.h"
#include "sim/distribution.h"
#include "sim/endpoint.h"
#include "sim/event_loop.h"
#include "sim/index_ring.h"
#include "sim/load_generator.h"
#include "sim/metrics.h"
#include "sim/call_draws.h"

namespace faultline::sim {

struct ApiSpec {
  int workers = 200;
  std::int64_t queue_limit = 2000;
  Distribution overhead = Distribution::constant(0);
  // When the client gives up, the server stops too (its calls are cancelled as by a
  // deadline, its worker freed) instead of working on for nobody.
  bool cancel_on_client_timeout = false;
  // Live mode: the clients record each request's outcome (from the planned send instant, on
  // their side of the socket); the API then only answers, reporting its outcome through
  // last_outcome(). Dependency and breaker metrics are recorded either way.
  bool records_outcomes = true;
};

// What faults on the API itself do to one arriving request (faults/ implements the hook).
struct ApiFaultEffect {
  int refuse_status = 0;        // non-zero: answered at once with this status, never admitted
  bool hang = false;            // admitted, never answered: only the request timeout ends it
  int error_status = 0;         // non-zero: fails with this status after its normal work
  Duration extra_latency{};     // added before the API sees the request
  double overhead_scale = 1.0;  // multiplies the overhead draw (slowdown)
};

class ApiFaultHook {
 public:
  virtual ~ApiFaultHook() = default;
  // `request`: the plan's number of the arriving request (its draws' key).
  virtual ApiFaultEffect on_request(std::uint64_t request) = 0;
};

class StepRunner;

class ApiModel final : public RequestSink {
 public:
  ApiModel(EventLoop& loop, Metrics& metrics, ApiSpec spec, std::vector<EndpointSpec> endpoints,
           std::vector<Dependency*> dependencies, std::uint64_t seed);
  ~ApiModel() override;

  void submit(std::uint32_t endpoint, std::uint64_t user, std::uint64_t request, Answered answered) override;
  void set_fault_hook(ApiFaultHook* hook) { fault_hook_ = hook; }

  // The outcome of the request whose Answered callback is running (valid inside it only): a
  // live server turns it into its HTTP answer.
  struct Outcome {
    int status = 0;
    bool success = false;
    bool degraded = false;
  };
  const Outcome& last_outcome() const { return last_outcome_; }

  // Gives every request still waiting for its answer the outcome "no answer" (status 0) at
  // now(), without running its callback: the run is over. Returns how many there were.
  std::uint64_t fail_unanswered();

  // Capacity faults on the API change the number of workers.
  void set_workers(int workers);
  int workers() const { return workers_; }
  int busy_workers() const { return busy_; }
  std::int64_t queued() const { return queued_live_; }
  const std::vector<EndpointSpec>& endpoints() const { return endpoints_; }

 private:
  friend class StepRunner;
  struct Request;

  std::uint32_t acquire_request();
  void release_request(std::uint32_t index);
  void admit(std::uint32_t index);
  void start(std::uint32_t index);
  void run_step(std::uint32_t index);
  static bool is_plain(const StepSpec& step);
  void plain_step_done(std::uint32_t index, CallStatus status);
  void step_done(std::uint32_t index, CallStatus status);
  void run_degradation(std::uint32_t index);
  void degradation_done(std::uint32_t index, const resilience::DegradationResult& result);
  void end_degradation(std::uint32_t index);
  void on_deadline(std::uint32_t index);
  void on_client_timeout(std::uint32_t index);
  static bool client_waits(void* api, std::uint64_t token);
  static void client_gives_up(void* api, std::uint64_t token);
  // Ends the request on the server. `by_deadline`: its timeout expired, so the step calls it
  // cancels are timeouts for their breakers.
  void finish(std::uint32_t index, int status, bool success, bool by_deadline = false);
  void start_queued();

  EventLoop& loop_;
  Metrics& metrics_;
  ApiSpec spec_;
  std::vector<EndpointSpec> endpoints_;
  std::vector<Dependency*> dependencies_;
  CallDraws overhead_draws_;  // keyed by the request
  // A constant overhead's draw, taken once (a constant consumes no random draw), or -1.
  Duration constant_overhead_{-1};
  ApiFaultHook* fault_hook_ = nullptr;
  Outcome last_outcome_;
  int workers_;
  int busy_ = 0;
  std::vector<Request> requests_;
  std::vector<std::uint32_t> free_;
  IndexRing queue_;
  std::int64_t queued_live_ = 0;
  std::unique_ptr<StepRunner> runner_;
  // Per endpoint, its clients' timeouts (null: the endpoint has none).
  std::vector<std::unique_ptr<DeadlineLane>> client_lanes_;
  // Per endpoint, degradation executors not in use (reused: no allocation per request).
  std::vector<std::vector<std::unique_ptr<resilience::GracefulDegradation>>> idle_degradations_;
};

}  // namespace faultline::sim

// FaultyApi: applies the faults whose target is `api` to each arriving request, through the
// API model's fault hook: outage and flapping-down refuse at once (503, or the fault's
// status), hang holds the request until its timeout, latency delays it before the API sees
// it, slowdown multiplies the API's own overhead, error fails it (500, or the fault's status)
// after its normal work; capacity sets the API's workers while active. Each request's draws
// come from its key (the load plan's request number), not from arrival order.
//
//   FaultyApi faulty(loop, api, {capacity_fault}, {fault_draws(seed, 0)}, metrics);
//   faulty.arm();   // installs the hook and schedules capacity changes
//
// Single-threaded.
#pragma once

#include <vector>

#include "faults/fault.h"
#include "sim/api_model.h"
#include "sim/event_loop.h"
#include "sim/metrics.h"

namespace faultline::faults {

class FaultyApi final : public sim::ApiFaultHook {
 public:
  FaultyApi(sim::EventLoop& loop, sim::ApiModel& api, std::vector<Fault> faults,
            std::vector<sim::CallDraws> draws, sim::Metrics& metrics);
  void arm();
  sim::ApiFaultEffect on_request(std::uint64_t request) override;

 private:
  void update_capacity();

  sim::EventLoop& loop_;
  sim::ApiModel& api_;
  std::vector<Fault> faults_;
  std::vector<sim::CallDraws> draws_;
  sim::Metrics& metrics_;
  int base_workers_ = 0;
};

}  // namespace faultline::faults

// The run budget: what a valid experiment would cost to simulate and evaluate — requests,
// dependency calls per request, memory of the per-second records, alert evaluation — estimated
// before anything runs, so that no file can ask for a run that never ends or exhausts memory.
//
//   RunEstimate cost = estimate_run(experiment);   // cost.requests, cost.record_bytes, ...
//   check_run_budget(ctx, experiment);             // "/load: the clients would send about ..."
//
// The limits are in experiments/limits.h. Pure functions; thread-safe.
#pragma once

#include <cstddef>

#include "experiments/experiment_config.h"
#include "experiments/field_reader.h"

namespace faultline::experiments {

struct RunEstimate {
  // Requests the clients send: the open model's rate integrated over the run; for the closed
  // model, the users integrated over the run divided by the mean think time (an answer never
  // takes less than 0 s), plus each user's first request.
  double requests = 0;
  // The most dependency calls one request can make (each step's attempts, plus the
  // degradation services), and the endpoint that makes them.
  std::size_t calls_per_request = 0;
  std::size_t busiest_endpoint = 0;
  // Dependency calls in the run: requests x the calls of a request, averaged over the
  // endpoints by weight (retries counted in full).
  double dependency_calls = 0;
  // Bytes of per-second records at the end of the run: a timeline row, one state per breaker
  // and a P95/P99 pair per latency window each second, plus each latency window's ring of
  // per-second histograms (the ring in full, the counters of the seconds it spans).
  double record_bytes = 0;
  double window_ring_bytes = 0;  // the rings' part of record_bytes
  // Alert evaluation steps: rules x seconds, a breaker_open rule counting once per breaker.
  double alert_evaluations = 0;
  // Closed model with stages: users added or removed over all stages (one event each, all
  // scheduled when the run starts).
  double user_changes = 0;
  // Requests in flight at once at most (closed: the peak users; open: the API's workers and
  // queue, or the requests if fewer), and the calls one request has in flight at once (its
  // degradation services, which run side by side, else 1).
  double in_flight = 0;
  std::size_t parallel_calls = 1;
};

RunEstimate estimate_run(const Experiment& e);

// Reports each budget `e` exceeds, and a closed model whose mean think time is below
// kMinMeanThinkMillis (users answered at once would then loop at one virtual instant).
void check_run_budget(ReadContext& ctx, const Experiment& e);

}  // namespace faultline::experiments

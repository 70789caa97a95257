// StepCoalescer: puts a step's calls behind the real resilience::RequestCoalescer — concurrent
// requests with the same key (the user id, or one global key) share one execution of the
// step's call chain, and a success is served from the cache for the step's TTL.
//
//   StepCoalescer c(loop, {.ttl = 30s, .max_cache_size = 1000});
//   c.join(runner, step, user_id, call_key, waiter_op);   // the runner delivers the result to the waiter
//
// Single-threaded. The shared execution belongs to no request: a waiter whose request ends
// leaves, and the execution carries on for the others (and fills the cache).
#pragma once

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "resilience/coalescer_config.h"
#include "resilience/request_coalescer.h"
#include "sim/endpoint.h"
#include "sim/status.h"
#include "sim/step_runner.h"

namespace faultline::sim {

class StepCoalescer {
 public:
  using Coalescer = resilience::RequestCoalescer<CallStatus, std::uint64_t>;

  StepCoalescer(const Clock& clock, resilience::CoalescerConfig config) : coalescer_(clock, config) {}

  // Joins `waiter` (an op of `runner`) to the execution for `key`, starting one if none runs
  // and the cache has no fresh success. A started execution's calls carry flight_key(key, n,
  // call.step) for the n-th execution of `key`, not the key of the request that happened to
  // start it: which request leads depends on arrival order, which live mode's timing changes,
  // while the n-th execution of a key is the same call in both.
  void join(StepRunner& runner, const StepSpec& step, std::uint64_t key, CallKey call, OpId waiter);

  // The call key of the n-th (from 0) execution of coalescing key `key` at step `step`: the
  // request field has its top bit set (the load plan's request numbers never do) and a
  // splitmix64 mix of (key, n) below it, so executions never share draws with plain calls.
  static CallKey flight_key(std::uint64_t key, std::uint64_t n, std::uint32_t step);

  const Coalescer::Counters& counters() const { return coalescer_.counters(); }
  // Executions started while another execution of the same key was running: the coalescer's
  // promise is that there are none (explore's invariant "a coalesced key has at most one call
  // in flight"), counted here, outside the coalescer, from the calls it actually starts.
  std::uint64_t overlapping_executions() const { return overlapping_; }

 private:
  void started(std::uint64_t key);
  void finished(std::uint64_t key);

  Coalescer coalescer_;
  bool joining_ = false;
  // Keys with an execution running, one entry per execution. A linear scan: as many entries as
  // executions in flight, and the vector's capacity is reused (no allocation once warmed up).
  std::vector<std::uint64_t> running_;
  std::uint64_t overlapping_ = 0;
  // Executions started so far, per coalescing key. Keys are user numbers (below load.user_ids)
  // or 0 (the global key), so a vector indexed by the key holds them, grown when a larger key
  // first shows up; a node-based map cost 10 % of the guide topology's run (a cache miss or
  // two per execution). Keys from kDenseKeys up (a file with millions of user ids) go to the map.
  std::uint64_t next_flight(std::uint64_t key);
  static constexpr std::uint64_t kDenseKeys = std::uint64_t{1} << 20;
  std::vector<std::uint64_t> flights_;
  std::unordered_map<std::uint64_t, std::uint64_t> sparse_flights_;
};

}  // namespace faultline::sim

// StepRunner: runs one step's call through its resilience chain —
// rate limiter -> bulkhead -> coalescer -> retry loop { breaker -> per-attempt timeout ->
// dependency } — and reports one CallStatus. The retry loop sits outside the breaker
// (resilience4j's Retry(CircuitBreaker(call))): a rejection ends the loop or, with
// on_breaker_open = retry, is retried like a failed attempt. Used by the API for sequential
// steps and degradation services.
//
//   OpId op = runner.run(step, {.request = 17, .step = 0}, /*coalesce_key=*/user,
//                        [this](CallStatus s) { ... });
//   runner.cancel(op, Cancel::kDeadline);   // the request's timeout expired: abandons the
//                                           // call (a breaker failure), frees what it holds
//
// Every attempt's dependency call carries the step's CallKey with its attempt number (0
// first), and the retry jitter before attempt n + 1 is drawn from attempt n's key, so retries
// are the same in the simulator and live whatever order the calls complete in.
// Single-threaded. Operations live in a pool reused across the run.
#pragma once

#include <cstdint>
#include <vector>

#include "resilience/inplace_function.h"
#include "sim/dependency.h"
#include "sim/endpoint.h"
#include "sim/event_loop.h"
#include "sim/metrics.h"
#include "sim/call_draws.h"
#include "sim/call_key.h"

namespace faultline::sim {

using OpId = std::uint64_t;
inline constexpr OpId kNoOp = 0;

class StepRunner {
 public:
  using Done = InplaceFunction<void(CallStatus), 56>;
  // Why a caller stops an operation. A deadline above the step (the endpoint's timeout, a
  // degradation block's timeout) is an outcome for the breaker guarding the call — the caller
  // saw a timeout — unless the step's breaker_counts_cancellations is off; a call that is
  // merely no longer needed (fail_fast gave up on the request) is released with no outcome.
  enum class Cancel : std::uint8_t { kNotNeeded, kDeadline };

  StepRunner(EventLoop& loop, Metrics& metrics, std::vector<Dependency*> dependencies,
             std::uint64_t seed);

  // Starts the step; `done` runs exactly once, never inside run(), unless cancel() comes first.
  // `key` names the step's call (request and step; its attempt is ignored).
  OpId run(const StepSpec& step, CallKey key, std::uint64_t coalesce_key, Done done);
  // Stops the operation: its dependency call is abandoned, timers cancelled, permits released.
  // A coalesced execution shared with others keeps running; only this waiter leaves.
  void cancel(OpId id, Cancel why);
  // Delivers the result of a shared (coalesced) execution to waiter `id` if it is still live.
  void deliver(OpId id, CallStatus status);
  // As deliver(), on the next event at the current instant.
  void deliver_later(OpId id, CallStatus status);
  // Runs the step's call chain without coalescing: the shared execution behind a coalescer,
  // keyed by the call of the request that started it.
  OpId run_shared(const StepSpec& step, CallKey key, Done done);

 private:
  enum class Kind : std::uint8_t { kFree, kCall, kWaiter };
  struct Op {
    Done done;
    const StepSpec* step = nullptr;
    Instant attempt_start{};
    CallId call = 0;
    TimerId attempt_timer = kNoTimer;
    TimerId backoff_timer = kNoTimer;
    resilience::Bulkhead::WaitId bulkhead_wait = 0;
    resilience::CircuitBreaker::Epoch breaker_epoch = 0;
    std::uint64_t request = 0;  // the call's key, but for the attempt
    std::uint32_t step_index = 0;
    std::uint32_t generation = 1;
    int attempt = 0;
    Kind kind = Kind::kFree;
    bool call_live = false;
    bool holds_breaker = false;
    bool holds_bulkhead = false;
    bool holds_request = false;  // an attempt counted in the concurrency budget's requests
    bool holds_retry = false;    // a retry granted by the concurrency budget, not yet settled
    Duration last_backoff{};
  };

  OpId make_id(std::uint32_t index) const { return (static_cast<OpId>(ops_[index].generation) << 32) | index; }
  Op* lookup(OpId id);
  std::uint32_t acquire(Kind kind, const StepSpec* step, CallKey key, Done done);
  // The key of `op`'s latest attempt.
  static CallKey key_of(const Op& op) {
    return CallKey{op.request, op.step_index, static_cast<std::uint32_t>(op.attempt > 0 ? op.attempt - 1 : 0)};
  }
  void release(std::uint32_t index);
  void start_execution(std::uint32_t index);
  void begin_attempts(std::uint32_t index);
  void attempt(std::uint32_t index);
  void on_answer(std::uint32_t index, CallStatus status);
  void on_timeout(std::uint32_t index);
  void after_failure(std::uint32_t index, CallStatus status);
  bool schedule_retry(std::uint32_t index);
  void settle_concurrency_budget(Op& op);
  void complete(std::uint32_t index, CallStatus status);
  void complete_later(std::uint32_t index, CallStatus status);

  EventLoop& loop_;
  Metrics& metrics_;
  std::vector<Dependency*> dependencies_;
  CallDraws jitter_;  // "api/retry-jitter"
  std::vector<Op> ops_;
  std::vector<std::uint32_t> free_;
};

}  // namespace faultline::sim

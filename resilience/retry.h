// Retry: the wait before each retry (constant or exponential backoff with the AWS architecture
// blog's jitters: none, full, equal, decorrelated) and an asynchronous driver that runs the
// attempts, optionally under a RetryBudget.
//
//   Duration wait = policy.next_delay(/*attempt=*/1, /*previous=*/Duration::zero(),
//   rng.next_double()); Retry retry(scheduler, policy, [&rng] { return rng.next_double(); },
//   &budget); retry.run([](int n, Retry::AttemptDone d) { call(n, d); }, [](const RetryOutcome& o)
//   { ... });
//
// Jitter draws come from the caller (the simulator's seeded stream): no hidden randomness.
// Single-threaded.
#pragma once

#include <cstdint>

#include "resilience/clock.h"
#include "resilience/inplace_function.h"
#include "resilience/retry_budget.h"

namespace faultline::resilience {

enum class Backoff : std::uint8_t { kConstant, kExponential };
enum class Jitter : std::uint8_t { kNone, kFull, kEqual, kDecorrelated };

struct RetryPolicy {
  int max_attempts = 3;  // attempts in all, the first included; 1 = no retry
  Backoff backoff = Backoff::kExponential;
  Duration base = millis(100);
  Duration max = millis(10000);  // no wait is longer
  Jitter jitter = Jitter::kFull;

  // The wait after attempt `attempt` (1-based) failed. With temp = min(max, base) (constant)
  // or min(max, base x 2^(attempt-1)) (exponential): kNone temp; kFull U(0, temp); kEqual
  // temp/2 + U(0, temp/2); kDecorrelated min(max, U(base, 3 x previous)) with previous = base
  // before the first retry (backoff is ignored). `u` is a uniform draw in [0, 1), unused
  // by kNone. Integer nanoseconds, floor of u x range: the same inputs give the same wait.
  Duration next_delay(int attempt, Duration previous, double u) const;
  bool uses_random() const { return jitter != Jitter::kNone; }
};

// Returns uniform draws in [0, 1).
using UniformSource = InplaceFunction<double(), 16>;

enum class AttemptResult : std::uint8_t { kSuccess, kRetryableFailure, kPermanentFailure };

struct RetryOutcome {
  bool ok = false;
  int attempts = 0;
  bool budget_denied = false;  // a retry was wanted but the budget refused it
};

class Retry {
 public:
  // Reports one attempt's result; late or repeated reports are ignored.
  class AttemptDone {
   public:
    void operator()(AttemptResult result) const { owner_->on_attempt_done(run_, attempt_, result); }

   private:
    friend class Retry;
    AttemptDone(Retry* owner, std::uint64_t run, int attempt)
        : owner_(owner), run_(run), attempt_(attempt) {}
    Retry* owner_;
    std::uint64_t run_;
    int attempt_;
  };
  using Attempt = InplaceFunction<void(int attempt, AttemptDone), 48>;
  using Done = InplaceFunction<void(const RetryOutcome&), 48>;

  Retry(Scheduler& scheduler, RetryPolicy policy, UniformSource random,
        RetryBudget* budget = nullptr);
  ~Retry();
  Retry(const Retry&) = delete;
  Retry& operator=(const Retry&) = delete;

  // Runs attempt(1, ...); after a retryable failure waits next_delay() and runs the next one,
  // until success, a permanent failure, max_attempts, or a budget refusal. `done` runs exactly
  // once (possibly inside run() if the attempt reports synchronously) unless cancel() comes
  // first. The request deposits in the budget once; each retry withdraws. Not while running().
  void run(Attempt attempt, Done done);
  // Stops a running retry (cancels a pending backoff); `done` is not called.
  bool cancel();
  bool running() const { return running_; }

 private:
  void on_attempt_done(std::uint64_t run, int attempt, AttemptResult result);
  void start_attempt();
  void finish(bool ok, bool budget_denied);

  Scheduler& scheduler_;
  RetryPolicy policy_;
  UniformSource random_;
  RetryBudget* budget_;
  Attempt attempt_fn_;
  Done done_;
  std::uint64_t run_ = 0;
  int attempt_ = 0;
  Duration previous_{};
  TimerId backoff_timer_ = kNoTimer;
  bool running_ = false;
};

}  // namespace faultline::resilience

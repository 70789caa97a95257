// GracefulDegradation: runs one degradation block — services in parallel, each with its
// priority, timeout and optional fallback, under a global timeout — and reports one result.
//
//   GracefulDegradation g(scheduler, config);   // one per request; reusable once done
//   g.execute([this](std::size_t i, GracefulDegradation::ServiceDone d) { call(i, d); },
//             [this](std::size_t i) { abandon(i); }, [](const DegradationResult& r) { ... });
//
// Timers go through the Scheduler and are cancelled when done. Single-threaded.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "resilience/clock.h"
#include "resilience/degradation_config.h"
#include "resilience/inplace_function.h"

namespace faultline::resilience {

struct ServiceOutcome {
  ServiceStatus status = ServiceStatus::kPending;
  bool timed_out = false;  // the cause, for kFellBack and kTimedOut
  Instant settled_at{};
};

struct DegradationResult {
  bool success = false;   // no critical service failed without a fallback
  bool degraded = false;  // a success in which some service did not succeed
  int failed_by = -1;     // index of the critical service that failed the request, or -1
  int fell_back = 0;
  int dropped_important = 0;  // failed or timed out without fallback
  int dropped_optional = 0;
  Instant started_at{};
  Instant finished_at{};
  std::span<const ServiceOutcome> services;  // config order; valid while `done` runs
};

class GracefulDegradation {
 public:
  // Reports service `i`'s outcome; late reports (after its timeout, or the end) are ignored.
  class ServiceDone {
   public:
    void operator()(bool ok) const { owner_->on_service_done(run_, index_, ok); }

   private:
    friend class GracefulDegradation;
    ServiceDone(GracefulDegradation* owner, std::uint64_t run, std::size_t index)
        : owner_(owner), run_(run), index_(index) {}
    GracefulDegradation* owner_;
    std::uint64_t run_;
    std::size_t index_;
  };
  using StartService = InplaceFunction<void(std::size_t service, ServiceDone done), 48>;
  // Tells the caller that service i's call is no longer wanted. `deadline` is true when a
  // timeout ended it (the service's own, the global one, or the owner's deadline passed to
  // cancel()) and false when it is merely no longer needed (fail_fast aborted the rest, the
  // owner abandoned the run): a breaker around the call counts the first as a failure.
  using CancelService = InplaceFunction<void(std::size_t service, bool deadline), 48>;
  using Done = InplaceFunction<void(const DegradationResult&), 48>;

  // `config` must outlive this object.
  GracefulDegradation(Scheduler& scheduler, const DegradationConfig& config);
  // Cancels pending timers; calls no hooks (call cancel() first to abandon the calls).
  ~GracefulDegradation();
  GracefulDegradation(const GracefulDegradation&) = delete;
  GracefulDegradation& operator=(const GracefulDegradation&) = delete;

  // Starts every service in config order and calls `done` once when all have settled, or at
  // once when fail_fast aborts. `done` runs last and may destroy this object; it runs inside
  // execute() if every service settles synchronously. Services not yet started when
  // fail_fast aborts are never started (kCancelled). Precondition: !running().
  void execute(StartService start, CancelService cancel, Done done);
  // Abandons a running execution: pending services become kCancelled and their cancel hook
  // runs (with `deadline`: the owner's own deadline expired); `done` is not called. Returns
  // false if nothing was running.
  bool cancel(bool deadline = false);
  bool running() const { return running_; }

 private:
  void on_service_done(std::uint64_t run, std::size_t i, bool ok);
  void on_service_timeout(std::uint64_t run, std::size_t i);
  void on_global_timeout(std::uint64_t run);
  bool settle(std::size_t i, bool ok, bool timed_out);
  void abort_rest();
  void call_cancel_hook(std::size_t i, bool deadline);
  void after_settle();
  void cancel_timers();
  void finish();

  Scheduler& scheduler_;
  const DegradationConfig& config_;
  StartService start_;
  CancelService cancel_;
  Done done_;
  std::vector<ServiceOutcome> outcomes_;
  std::vector<TimerId> timers_;
  std::size_t started_ = 0;  // services [0, started_) have been started
  std::size_t pending_ = 0;
  TimerId global_timer_ = kNoTimer;
  std::uint64_t run_ = 0;
  int failed_by_ = -1;
  int depth_ = 0;  // > 0 while a caller hook runs: finishing waits for the outermost frame
  Instant started_at_{};
  bool running_ = false;
};

}  // namespace faultline::resilience

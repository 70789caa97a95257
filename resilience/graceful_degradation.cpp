#include "resilience/graceful_degradation.h"

#include <cassert>
#include <utility>

namespace faultline::resilience {

const char* to_string(DegradationStrategy strategy) {
  return strategy == DegradationStrategy::kFailFast ? "fail_fast" : "best_effort";
}

const char* to_string(Priority priority) {
  switch (priority) {
    case Priority::kCritical:
      return "critical";
    case Priority::kImportant:
      return "important";
    case Priority::kOptional:
      return "optional";
  }
  return "important";
}

const char* to_string(ServiceStatus status) {
  switch (status) {
    case ServiceStatus::kPending:
      return "pending";
    case ServiceStatus::kSucceeded:
      return "succeeded";
    case ServiceStatus::kFellBack:
      return "fell_back";
    case ServiceStatus::kFailed:
      return "failed";
    case ServiceStatus::kTimedOut:
      return "timed_out";
    case ServiceStatus::kCancelled:
      return "cancelled";
  }
  return "pending";
}

std::optional<DegradationStrategy> parse_strategy(std::string_view text) {
  if (text == "fail_fast") return DegradationStrategy::kFailFast;
  if (text == "best_effort") return DegradationStrategy::kBestEffort;
  return std::nullopt;
}

std::optional<Priority> parse_priority(std::string_view text) {
  if (text == "critical") return Priority::kCritical;
  if (text == "important") return Priority::kImportant;
  if (text == "optional") return Priority::kOptional;
  return std::nullopt;
}

GracefulDegradation::GracefulDegradation(Scheduler& scheduler, const DegradationConfig& config)
    : scheduler_(scheduler), config_(config) {}

GracefulDegradation::~GracefulDegradation() { cancel_timers(); }

void GracefulDegradation::execute(StartService start, CancelService cancel, Done done) {
  assert(!running_);
  const std::size_t n = config_.services.size();
  ++run_;
  running_ = true;
  start_ = std::move(start);
  cancel_ = std::move(cancel);
  done_ = std::move(done);
  outcomes_.assign(n, ServiceOutcome{});
  timers_.assign(n, kNoTimer);
  started_ = 0;
  pending_ = n;
  failed_by_ = -1;
  started_at_ = scheduler_.now();
  const Duration global = config_.global_timeout;
  if (global > Duration::zero()) {
    global_timer_ =
        scheduler_.schedule_after(global, [this, run = run_] { on_global_timeout(run); });
  }
  ++depth_;
  for (std::size_t i = 0; i < n; ++i) {
    if (outcomes_[i].status != ServiceStatus::kPending) continue;  // fail_fast already aborted
    const Duration own = config_.services[i].timeout;
    if (own > Duration::zero() && (global <= Duration::zero() || own < global)) {
      timers_[i] =
          scheduler_.schedule_after(own, [this, run = run_, i] { on_service_timeout(run, i); });
    }
    started_ = i + 1;
    start_(i, ServiceDone(this, run_, i));
  }
  --depth_;
  after_settle();
}

bool GracefulDegradation::cancel(bool deadline) {
  if (!running_) return false;
  running_ = false;
  ++run_;  // late reports and timers of this run are ignored from now on
  cancel_timers();
  const Instant now = scheduler_.now();
  for (std::size_t i = 0; i < outcomes_.size(); ++i) {
    if (outcomes_[i].status != ServiceStatus::kPending) continue;
    outcomes_[i] = {ServiceStatus::kCancelled, false, now};
    if (i < started_) call_cancel_hook(i, deadline);
  }
  pending_ = 0;
  start_ = nullptr;
  cancel_ = nullptr;
  done_ = nullptr;
  return true;
}

void GracefulDegradation::on_service_done(std::uint64_t run, std::size_t i, bool ok) {
  if (run != run_ || !running_) return;
  if (settle(i, ok, false)) after_settle();
}

void GracefulDegradation::on_service_timeout(std::uint64_t run, std::size_t i) {
  if (run != run_ || !running_) return;
  timers_[i] = kNoTimer;
  if (settle(i, false, true)) after_settle();
}

// Every pending service times out at the same instant; only then does fail_fast look.
void GracefulDegradation::on_global_timeout(std::uint64_t run) {
  if (run != run_ || !running_) return;
  global_timer_ = kNoTimer;
  for (std::size_t i = 0; i < outcomes_.size(); ++i) settle(i, false, true);
  after_settle();
}

bool GracefulDegradation::settle(std::size_t i, bool ok, bool timed_out) {
  ServiceOutcome& o = outcomes_[i];
  if (o.status != ServiceStatus::kPending) return false;
  if (timers_[i] != kNoTimer) {
    scheduler_.cancel(timers_[i]);
    timers_[i] = kNoTimer;
  }
  const ServiceConfig& svc = config_.services[i];
  o.status = ok             ? ServiceStatus::kSucceeded
             : svc.fallback ? ServiceStatus::kFellBack
             : timed_out    ? ServiceStatus::kTimedOut
                            : ServiceStatus::kFailed;
  o.timed_out = timed_out;
  o.settled_at = scheduler_.now();
  --pending_;
  if (!ok && !svc.fallback && svc.priority == Priority::kCritical && failed_by_ < 0) {
    failed_by_ = static_cast<int>(i);
  }
  if (timed_out) call_cancel_hook(i, true);  // nobody waits for that call any more
  return true;
}

void GracefulDegradation::after_settle() {
  if (!running_) return;
  if (failed_by_ >= 0 && config_.strategy == DegradationStrategy::kFailFast) abort_rest();
  if (pending_ == 0 && depth_ == 0) finish();
}

void GracefulDegradation::abort_rest() {
  const Instant now = scheduler_.now();
  for (std::size_t i = 0; i < outcomes_.size(); ++i) {
    if (outcomes_[i].status != ServiceStatus::kPending) continue;
    if (timers_[i] != kNoTimer) {
      scheduler_.cancel(timers_[i]);
      timers_[i] = kNoTimer;
    }
    outcomes_[i] = {ServiceStatus::kCancelled, false, now};
    --pending_;
    if (i < started_) call_cancel_hook(i, false);
  }
}

void GracefulDegradation::call_cancel_hook(std::size_t i, bool deadline) {
  if (!cancel_) return;
  ++depth_;
  cancel_(i, deadline);
  --depth_;
}

void GracefulDegradation::cancel_timers() {
  if (global_timer_ != kNoTimer) {
    scheduler_.cancel(global_timer_);
    global_timer_ = kNoTimer;
  }
  for (TimerId& t : timers_) {
    if (t != kNoTimer) scheduler_.cancel(t);
    t = kNoTimer;
  }
}

void GracefulDegradation::finish() {
  running_ = false;
  ++run_;
  cancel_timers();
  DegradationResult r;
  r.success = failed_by_ < 0;
  r.failed_by = failed_by_;
  r.started_at = started_at_;
  r.finished_at = scheduler_.now();
  for (std::size_t i = 0; i < outcomes_.size(); ++i) {
    const ServiceStatus s = outcomes_[i].status;
    if (s == ServiceStatus::kFellBack) ++r.fell_back;
    if (s == ServiceStatus::kFailed || s == ServiceStatus::kTimedOut) {
      const Priority p = config_.services[i].priority;
      if (p == Priority::kImportant) ++r.dropped_important;
      if (p == Priority::kOptional) ++r.dropped_optional;
    }
    if (s != ServiceStatus::kSucceeded) r.degraded = r.success;
  }
  r.services = outcomes_;
  start_ = nullptr;
  cancel_ = nullptr;
  Done done = std::move(done_);
  done_ = nullptr;
  if (done) done(r);  // last: it may destroy this object
}

}  // namespace faultline::resilience

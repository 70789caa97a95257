#include "sim/step_runner.h"

#include <cassert>
#include <utility>

#include "sim/step_coalescer.h"

namespace faultline::sim {

StepRunner::StepRunner(EventLoop& loop, Metrics& metrics, std::vector<Dependency*> dependencies,
                       std::uint64_t seed)
    : loop_(loop),
      metrics_(metrics),
      dependencies_(std::move(dependencies)),
      jitter_(seed, "api/retry-jitter") {
  ops_.reserve(1024);
}

StepRunner::Op* StepRunner::lookup(OpId id) {
  const auto index = static_cast<std::uint32_t>(id & 0xffffffffu);
  const auto generation = static_cast<std::uint32_t>(id >> 32);
  if (index >= ops_.size()) return nullptr;
  Op& op = ops_[index];
  if (op.kind == Kind::kFree || op.generation != generation) return nullptr;
  return &op;
}

std::uint32_t StepRunner::acquire(Kind kind, const StepSpec* step, CallKey key, Done done) {
  std::uint32_t index;
  if (free_.empty()) {
    ops_.emplace_back();
    index = static_cast<std::uint32_t>(ops_.size() - 1);
  } else {
    index = free_.back();
    free_.pop_back();
  }
  Op& op = ops_[index];
  op.kind = kind;
  op.step = step;
  op.request = key.request;
  op.step_index = key.step;
  op.done = std::move(done);
  op.attempt = 0;
  op.call_live = false;
  op.holds_breaker = false;
  op.holds_bulkhead = false;
  op.holds_request = false;
  op.holds_retry = false;
  op.attempt_timer = kNoTimer;
  op.backoff_timer = kNoTimer;
  op.bulkhead_wait = 0;
  op.last_backoff = Duration::zero();
  return index;
}

void StepRunner::release(std::uint32_t index) {
  Op& op = ops_[index];
  op.done.reset();
  op.kind = Kind::kFree;
  ++op.generation;
  if (op.generation == 0) op.generation = 1;  // 0 would make an id equal to kNoOp
  free_.push_back(index);
}

OpId StepRunner::run(const StepSpec& step, CallKey key, std::uint64_t coalesce_key, Done done) {
  // Admission controls apply to every request, coalesced or not.
  if (step.rate_limiter != nullptr && !step.rate_limiter->try_acquire()) {
    const std::uint32_t index = acquire(Kind::kCall, &step, key, std::move(done));
    complete_later(index, CallStatus::kRateLimited);
    return make_id(index);
  }
  if (step.coalescer != nullptr && step.coalesce != CoalesceScope::kNone) {
    const std::uint32_t index = acquire(Kind::kWaiter, &step, key, std::move(done));
    const OpId id = make_id(index);
    step.coalescer->join(*this, step, coalesce_key, key, id);
    return id;
  }
  const std::uint32_t index = acquire(Kind::kCall, &step, key, std::move(done));
  start_execution(index);
  return make_id(index);
}

OpId StepRunner::run_shared(const StepSpec& step, CallKey key, Done done) {
  const std::uint32_t index = acquire(Kind::kCall, &step, key, std::move(done));
  start_execution(index);
  return make_id(index);
}

void StepRunner::start_execution(std::uint32_t index) {
  Op& op = ops_[index];
  const StepSpec& step = *op.step;
  if (step.bulkhead != nullptr) {
    // The bulkhead answers at once (admitted or rejected) or queues the call until a slot
    // frees or its max wait expires.
    const auto ticket = step.bulkhead->acquire([this, index, gen = op.generation](bool admitted) {
      Op& o = ops_[index];
      if (o.generation != gen) return;
      o.bulkhead_wait = 0;
      if (!admitted) {
        complete(index, CallStatus::kRejected);
        return;
      }
      o.holds_bulkhead = true;
      begin_attempts(index);
    });
    switch (ticket.decision) {
      case resilience::Bulkhead::Decision::kAdmitted:
        op.holds_bulkhead = true;
        break;
      case resilience::Bulkhead::Decision::kQueued:
        op.bulkhead_wait = ticket.wait;
        return;
      case resilience::Bulkhead::Decision::kRejected:
        complete_later(index, CallStatus::kRejected);
        return;
    }
  }
  begin_attempts(index);
}

void StepRunner::begin_attempts(std::uint32_t index) {
  const StepSpec& step = *ops_[index].step;
  if (step.budget != nullptr) step.budget->on_request();
  attempt(index);
}

void StepRunner::attempt(std::uint32_t index) {
  Op& op = ops_[index];
  const StepSpec& step = *op.step;
  op.backoff_timer = kNoTimer;
  ++op.attempt;
  if (step.breaker_ptr != nullptr) {
    if (!step.breaker_ptr->try_acquire()) {
      if (step.breaker >= 0) ++metrics_.breakers()[static_cast<std::size_t>(step.breaker)].rejected;
      settle_concurrency_budget(op);  // a rejected retry is over: it reached no dependency
      // By default an open breaker fails the call at once: retrying into it mostly burns the
      // budget (and Envoy never retries an overflow). on_breaker_open = retry makes the
      // rejection a failed attempt, retried after its backoff within attempts and budget.
      if (step.on_breaker_open == OnBreakerOpen::kRetry && schedule_retry(index)) return;
      complete_later(index, CallStatus::kBreakerOpen);  // never inside run()
      return;
    }
    op.holds_breaker = true;
    op.breaker_epoch = step.breaker_ptr->epoch();
    if (step.breaker >= 0 && step.breaker_ptr->state() == resilience::BreakerState::kOpen) {
      ++metrics_.breakers()[static_cast<std::size_t>(step.breaker)].calls_while_open;
    }
  }
  metrics_.on_dependency_call(step.dependency);
  if (step.concurrency_budget != nullptr) {
    step.concurrency_budget->on_request_start();
    op.holds_request = true;
  }
  op.attempt_start = loop_.now();
  op.call_live = true;
  CallOptions options;
  options.key = key_of(op);
  op.call = dependencies_[step.dependency]->call(
      [this, index, gen = op.generation](CallStatus s) {
        if (ops_[index].generation == gen) on_answer(index, s);
      },
      options);
  if (step.timeout.count() > 0) {
    op.attempt_timer = loop_.schedule_after(step.timeout, [this, index, gen = op.generation] {
      if (ops_[index].generation == gen) on_timeout(index);
    });
  }
}

void StepRunner::on_answer(std::uint32_t index, CallStatus status) {
  Op& op = ops_[index];
  const StepSpec& step = *op.step;
  op.call_live = false;
  if (op.attempt_timer != kNoTimer) {
    loop_.cancel(op.attempt_timer);
    op.attempt_timer = kNoTimer;
  }
  settle_concurrency_budget(op);
  const Duration elapsed = loop_.now() - op.attempt_start;
  const bool ok = status == CallStatus::kOk;
  metrics_.on_dependency_answer(step.dependency, elapsed, ok);
  if (op.holds_breaker) {
    op.holds_breaker = false;
    if (ok) {
      step.breaker_ptr->on_success(elapsed, op.breaker_epoch);
    } else {
      step.breaker_ptr->on_failure(elapsed, op.breaker_epoch);
    }
  }
  if (ok) {
    complete(index, CallStatus::kOk);
  } else {
    after_failure(index, status);
  }
}

void StepRunner::on_timeout(std::uint32_t index) {
  Op& op = ops_[index];
  const StepSpec& step = *op.step;
  op.attempt_timer = kNoTimer;
  if (op.call_live) {
    dependencies_[step.dependency]->abandon(op.call);
    op.call_live = false;
  }
  settle_concurrency_budget(op);
  metrics_.on_dependency_timeout(step.dependency);
  if (op.holds_breaker) {
    op.holds_breaker = false;
    step.breaker_ptr->on_failure(loop_.now() - op.attempt_start, op.breaker_epoch);  // a timeout is a failure
  }
  after_failure(index, CallStatus::kTimeout);
}

void StepRunner::after_failure(std::uint32_t index, CallStatus status) {
  if (!schedule_retry(index)) complete(index, status);
}

// Returns true iff another attempt is scheduled after its backoff: attempts left, a retry
// policy, and the budget grants it (a ratio budget withdraws one; a concurrency budget holds
// one active retry until that attempt settles).
bool StepRunner::schedule_retry(std::uint32_t index) {
  Op& op = ops_[index];
  const StepSpec& step = *op.step;
  if (op.attempt >= step.max_attempts || !step.retry.has_value()) return false;
  if (step.budget != nullptr && !step.budget->try_retry()) return false;
  if (step.concurrency_budget != nullptr) {
    if (!step.concurrency_budget->try_retry()) return false;
    op.holds_retry = true;
  }
  // Keyed by the attempt that failed: the same retry waits the same whatever came before it.
  const Duration backoff =
      step.retry->next_delay(op.attempt, op.last_backoff, jitter_.for_call(key_of(op)).next_double());
  op.last_backoff = backoff;
  op.backoff_timer = loop_.schedule_after(backoff, [this, index, gen = op.generation] {
    if (ops_[index].generation == gen) attempt(index);
  });
  return true;
}

// The attempt in flight (if counted) and the retry it was (if granted) are over.
void StepRunner::settle_concurrency_budget(Op& op) {
  if (op.holds_request) {
    op.step->concurrency_budget->on_request_end();
    op.holds_request = false;
  }
  if (op.holds_retry) {
    op.step->concurrency_budget->on_retry_end();
    op.holds_retry = false;
  }
}

void StepRunner::complete(std::uint32_t index, CallStatus status) {
  Op& op = ops_[index];
  settle_concurrency_budget(op);
  if (op.holds_bulkhead) {
    op.step->bulkhead->release();
    op.holds_bulkhead = false;
  }
  Done done = std::move(op.done);
  release(index);
  if (done) done(status);
}

// Answers on the next event at the same instant: callers never see `done` inside run().
void StepRunner::complete_later(std::uint32_t index, CallStatus status) {
  loop_.schedule_after(Duration::zero(), [this, index, gen = ops_[index].generation, status] {
    if (ops_[index].generation == gen) complete(index, status);
  });
}

void StepRunner::deliver(OpId id, CallStatus status) {
  Op* op = lookup(id);
  if (op == nullptr || op->kind != Kind::kWaiter) return;
  complete(static_cast<std::uint32_t>(id & 0xffffffffu), status);
}

void StepRunner::deliver_later(OpId id, CallStatus status) {
  if (lookup(id) == nullptr) return;
  complete_later(static_cast<std::uint32_t>(id & 0xffffffffu), status);
}

void StepRunner::cancel(OpId id, Cancel why) {
  Op* op = lookup(id);
  if (op == nullptr) return;
  const auto index = static_cast<std::uint32_t>(id & 0xffffffffu);
  if (op->kind == Kind::kCall) {
    const StepSpec& step = *op->step;
    // A caller that gives up exactly when the attempt's own timeout expires (a degradation
    // service's timeout fires just before the attempt timer at the same instant) is that
    // timeout, always a failure for the breaker; a deadline above the step is one unless the
    // step opts out; a call no longer needed has no outcome.
    const Duration elapsed = loop_.now() - op->attempt_start;
    const bool own_timeout = op->call_live && step.timeout.count() > 0 && elapsed >= step.timeout;
    const bool timed_out = op->call_live && (own_timeout || why == Cancel::kDeadline);
    if (op->call_live) dependencies_[step.dependency]->abandon(op->call);
    if (timed_out) metrics_.on_dependency_timeout(step.dependency);
    if (op->attempt_timer != kNoTimer) loop_.cancel(op->attempt_timer);
    if (op->backoff_timer != kNoTimer) loop_.cancel(op->backoff_timer);
    if (op->holds_breaker) {
      if (own_timeout || (timed_out && step.breaker_counts_cancellations)) {
        step.breaker_ptr->on_failure(elapsed, op->breaker_epoch);
      } else {
        step.breaker_ptr->release(op->breaker_epoch);
      }
    }
    settle_concurrency_budget(*op);
    if (op->holds_bulkhead) step.bulkhead->release();
    if (op->bulkhead_wait != 0) step.bulkhead->cancel(op->bulkhead_wait);
  }
  // A waiter just leaves: the shared execution it joined carries on for the others.
  release(index);
}

}  // namespace faultline::sim

#include "resilience/retry.h"

#include <algorithm>
#include <limits>
#include <utility>

namespace faultline::resilience {
namespace {

// floor(u x range) for u in [0, 1): a draw of [0, range).
std::int64_t scaled(double u, std::int64_t range) {
  if (range <= 0) return 0;
  const double clamped = std::clamp(u, 0.0, 1.0);
  const auto v = static_cast<std::int64_t>(clamped * static_cast<double>(range));
  return std::min(v, range - 1);
}

}  // namespace

Duration RetryPolicy::next_delay(int attempt, Duration previous, double u) const {
  const std::int64_t cap = std::max<std::int64_t>(0, max.count());
  const std::int64_t b = std::clamp<std::int64_t>(base.count(), 0, cap);
  if (jitter == Jitter::kDecorrelated) {
    // AWS: sleep = min(cap, random_between(base, sleep * 3)), sleep starting at base.
    // The draw spans [base, 3 x previous) before the cap, as in the blog post: the cap then
    // takes the mass above it, rather than narrowing the draw.
    const std::int64_t prev = std::clamp<std::int64_t>(previous.count(), b, cap);
    const std::int64_t hi = prev > std::numeric_limits<std::int64_t>::max() / 3 ? cap : prev * 3;
    return Duration(std::min(cap, b + scaled(u, hi - b)));
  }
  std::int64_t temp = b;
  if (backoff == Backoff::kExponential) {
    for (int i = 1; i < attempt && temp < cap; ++i) temp = temp > cap / 2 ? cap : temp * 2;
  }
  switch (jitter) {
    case Jitter::kNone:
      return Duration(temp);
    case Jitter::kFull:
      return Duration(scaled(u, temp));
    case Jitter::kEqual: {
      const std::int64_t half = temp / 2;
      return Duration(half + scaled(u, temp - half));
    }
    case Jitter::kDecorrelated:
      break;
  }
  return Duration(temp);
}

Retry::Retry(Scheduler& scheduler, RetryPolicy policy, UniformSource random, RetryBudget* budget)
    : scheduler_(scheduler), policy_(policy), random_(std::move(random)), budget_(budget) {}

Retry::~Retry() {
  if (backoff_timer_ != kNoTimer) scheduler_.cancel(backoff_timer_);
}

void Retry::run(Attempt attempt, Done done) {
  cancel();
  attempt_fn_ = std::move(attempt);
  done_ = std::move(done);
  ++run_;
  attempt_ = 0;
  previous_ = Duration::zero();
  running_ = true;
  if (budget_ != nullptr) budget_->on_request();
  start_attempt();
}

bool Retry::cancel() {
  if (!running_) return false;
  running_ = false;
  ++run_;  // any later report from the abandoned attempt is ignored
  if (backoff_timer_ != kNoTimer) {
    scheduler_.cancel(backoff_timer_);
    backoff_timer_ = kNoTimer;
  }
  done_ = nullptr;
  return true;
}

void Retry::start_attempt() {
  ++attempt_;
  attempt_fn_(attempt_, AttemptDone(this, run_, attempt_));
}

void Retry::on_attempt_done(std::uint64_t run, int attempt, AttemptResult result) {
  if (!running_ || run != run_ || attempt != attempt_ || backoff_timer_ != kNoTimer) return;
  switch (result) {
    case AttemptResult::kSuccess:
      finish(true, false);
      return;
    case AttemptResult::kPermanentFailure:
      finish(false, false);
      return;
    case AttemptResult::kRetryableFailure:
      break;
  }
  if (attempt_ >= policy_.max_attempts) {
    finish(false, false);
    return;
  }
  if (budget_ != nullptr && !budget_->try_retry()) {
    finish(false, true);
    return;
  }
  const double u = policy_.uses_random() && random_ ? random_() : 0.0;
  previous_ = policy_.next_delay(attempt_, previous_, u);
  backoff_timer_ = scheduler_.schedule_after(previous_, [this, run = run_] {
    if (run != run_) return;
    backoff_timer_ = kNoTimer;
    start_attempt();
  });
}

// Calls `done` last: it may destroy this Retry.
void Retry::finish(bool ok, bool budget_denied) {
  running_ = false;
  ++run_;
  const RetryOutcome outcome{ok, attempt_, budget_denied};
  Done done = std::move(done_);
  done_ = nullptr;
  if (done) done(outcome);
}

}  // namespace faultline::resilience

#include "resilience/circuit_breaker.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstdio>
#include <utility>

namespace faultline::resilience {
namespace {

constexpr std::int64_t kPpm = 1'000'000;

// "12.5", "10", "33.33": percentages in transition reasons.
std::string format_percent(double value) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", value);
  std::string s(buf);
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

}  // namespace

const char* to_string(BreakerState state) {
  switch (state) {
    case BreakerState::kClosed:
      return "CLOSED";
    case BreakerState::kOpen:
      return "OPEN";
    case BreakerState::kHalfOpen:
      return "HALF_OPEN";
  }
  return "CLOSED";
}

const char* to_string(HealthStatus status) {
  switch (status) {
    case HealthStatus::kHealthy:
      return "healthy";
    case HealthStatus::kDegraded:
      return "degraded";
    case HealthStatus::kUnhealthy:
      return "unhealthy";
  }
  return "healthy";
}

CircuitBreaker::CircuitBreaker(Scheduler& scheduler, CircuitBreakerConfig config)
    : scheduler_(scheduler),
      config_(std::move(config)),
      rate_ppm_(std::llround(std::clamp(config_.expected_failure_rate, 0.0, 100.0) * 10'000.0)),
      window_(config_.monitoring_window, config_.window_buckets) {
  config_.half_open_max_calls = std::max(1, config_.half_open_max_calls);
  config_.minimum_calls = std::max(1, config_.minimum_calls);
}

CircuitBreaker::~CircuitBreaker() {
  if (recovery_timer_ != kNoTimer) scheduler_.cancel(recovery_timer_);
}

bool CircuitBreaker::try_acquire() {
  switch (state_) {
    case State::kClosed:
      return admit();
    case State::kOpen: {
      const Instant now = scheduler_.now();
      if (!forced_ && recovery_due(now)) {
        transition(State::kHalfOpen, now, "recovery timeout elapsed");
        return try_acquire();  // a listener may have changed the state again
      }
      ++counters_.rejected;
      return false;
    }
    case State::kHalfOpen:
      if (trials_in_flight_ + trial_successes_ < config_.half_open_max_calls) {
        ++trials_in_flight_;
        return admit();
      }
      ++counters_.rejected;
      return false;
  }
  return false;
}

// The one place a call is let through; counts the invariant the contract checks
// (max_calls_while_open) at the source.
bool CircuitBreaker::admit() {
  ++counters_.admitted;
  if (state_ == State::kOpen) ++counters_.admitted_while_open;
  assert(state_ != State::kOpen);
  return true;
}

void CircuitBreaker::on_success(Duration elapsed, Epoch admitted_in) {
  const bool slow =
      config_.slow_call_threshold.has_value() && elapsed > *config_.slow_call_threshold;
  if (slow) {
    ++counters_.slow_calls;
    ++counters_.failures;
  } else {
    ++counters_.successes;
  }
  on_outcome(slow, admitted_in);
}

void CircuitBreaker::on_failure(Duration /*elapsed*/, Epoch admitted_in) {
  ++counters_.failures;
  on_outcome(true, admitted_in);
}

void CircuitBreaker::release(Epoch admitted_in) {
  ++counters_.released;
  if (admitted_in != kCurrentEpoch && admitted_in != epoch_) return;
  if (state_ == State::kHalfOpen && trials_in_flight_ > 0) --trials_in_flight_;
}

void CircuitBreaker::on_outcome(bool failure, Epoch admitted_in) {
  if (admitted_in != kCurrentEpoch && admitted_in != epoch_) {
    ++counters_.stale_outcomes;
    return;
  }
  const Instant now = scheduler_.now();
  switch (state_) {
    case State::kClosed:
      record_closed(failure, now);
      return;
    case State::kOpen:
      // Only an untagged call admitted before the breaker opened can report here.
      ++counters_.stale_outcomes;
      return;
    case State::kHalfOpen:
      if (trials_in_flight_ == 0) {
        ++counters_.stale_outcomes;  // untagged, and no trial is out: not a trial outcome
        return;
      }
      --trials_in_flight_;
      if (failure) {
        transition(State::kOpen, now, "trial call failed");
      } else if (++trial_successes_ >= config_.half_open_max_calls) {
        transition(State::kClosed, now,
                   trial_successes_ == 1
                       ? std::string("trial call succeeded")
                       : std::to_string(trial_successes_) + " trial calls succeeded");
      }
      return;
  }
}

void CircuitBreaker::record_closed(bool failure, Instant now) {
  window_.add(now, WindowCounts{1, failure ? 1 : 0});
  consecutive_failures_ = failure ? consecutive_failures_ + 1 : 0;
  if (config_.failure_threshold > 0 && consecutive_failures_ >= config_.failure_threshold) {
    transition(State::kOpen, now, std::to_string(consecutive_failures_) + " consecutive failures");
    return;
  }
  // Checked after every outcome, as resilience4j does: a success can complete minimum_calls
  // while the rate is already too high.
  const WindowCounts& w = window_.total(now);
  if (w.calls >= config_.minimum_calls && rate_exceeded(w, kPpm)) {
    const double rate = 100.0 * static_cast<double>(w.failures) / static_cast<double>(w.calls);
    const char* op = config_.rate_comparison == RateComparison::kAtLeast ? "% >= " : "% > ";
    transition(State::kOpen, now,
               "failure rate " + format_percent(rate) + op +
                   format_percent(config_.expected_failure_rate) + "% over " +
                   std::to_string(w.calls) + " calls");
  }
}

// failures / calls > rate_ppm / scale (or >=), in integers so that runs are exact and portable.
bool CircuitBreaker::rate_exceeded(const WindowCounts& w, std::int64_t scale) const {
  if (config_.rate_comparison == RateComparison::kAtLeast) {
    return w.failures * scale >= rate_ppm_ * w.calls;
  }
  return w.failures * scale > rate_ppm_ * w.calls;
}

bool CircuitBreaker::recovery_due(Instant now) const {
  return now >= opened_at_ + config_.recovery_timeout;
}

void CircuitBreaker::transition(State to, Instant now, std::string reason) {
  // Invariants (debug builds): a transition changes the state, and without an operator's
  // force_open()/reset() it follows the state machine CLOSED -> OPEN -> HALF_OPEN -> OPEN|CLOSED.
  assert(to != state_);
  assert(forced_ || reason == "reset" || (state_ == State::kClosed && to == State::kOpen) ||
         (state_ == State::kOpen && to == State::kHalfOpen) || state_ == State::kHalfOpen);
  Transition t{now, state_, to, std::move(reason)};
  state_ = to;
  ++epoch_;
  ++counters_.transitions;
  if (recovery_timer_ != kNoTimer) {
    scheduler_.cancel(recovery_timer_);
    recovery_timer_ = kNoTimer;
  }
  trials_in_flight_ = 0;
  trial_successes_ = 0;
  switch (to) {
    case State::kOpen:
      opened_at_ = now;
      if (config_.automatic_transition && !forced_) {
        recovery_timer_ = scheduler_.schedule_after(
            config_.recovery_timeout, [this, armed_in = epoch_] { on_recovery_timer(armed_in); });
      }
      break;
    case State::kHalfOpen:
      break;
    case State::kClosed:
      forced_ = false;
      consecutive_failures_ = 0;
      window_.clear();
      break;
  }
  // Indexing, not iterators: a listener may query the breaker (but must not add listeners).
  for (std::size_t i = 0; i < listeners_.size(); ++i) listeners_[i](t);
}

void CircuitBreaker::on_recovery_timer(Epoch armed_in) {
  recovery_timer_ = kNoTimer;
  if (epoch_ != armed_in || state_ != State::kOpen || forced_) return;
  transition(State::kHalfOpen, scheduler_.now(), "recovery timeout elapsed");
}

CircuitBreaker::State CircuitBreaker::state() const {
  if (state_ == State::kOpen && !forced_ && recovery_due(scheduler_.now())) {
    return State::kHalfOpen;
  }
  return state_;
}

HealthStatus CircuitBreaker::health_status() const {
  switch (state()) {
    case State::kOpen:
      return HealthStatus::kUnhealthy;
    case State::kHalfOpen:
      return HealthStatus::kDegraded;
    case State::kClosed:
      break;
  }
  if (config_.failure_threshold > 0 && consecutive_failures_ > 0 &&
      consecutive_failures_ * 2 >= config_.failure_threshold) {
    return HealthStatus::kDegraded;
  }
  // The rate rule is off at 100 % when it needs a rate above it.
  if (rate_ppm_ >= kPpm && config_.rate_comparison == RateComparison::kAbove) {
    return HealthStatus::kHealthy;
  }
  const WindowCounts w = window_.total_at(scheduler_.now());
  if (w.failures > 0 && rate_exceeded(w, 2 * kPpm)) return HealthStatus::kDegraded;
  return HealthStatus::kHealthy;
}

std::int64_t CircuitBreaker::failure_count() const {
  return window_.total_at(scheduler_.now()).failures;
}

std::int64_t CircuitBreaker::calls_in_window() const {
  return window_.total_at(scheduler_.now()).calls;
}

void CircuitBreaker::add_listener(Listener listener) { listeners_.push_back(std::move(listener)); }

void CircuitBreaker::force_open() {
  forced_ = true;
  if (state_ != State::kOpen) {
    transition(State::kOpen, scheduler_.now(), "forced open");
  } else if (recovery_timer_ != kNoTimer) {
    scheduler_.cancel(recovery_timer_);
    recovery_timer_ = kNoTimer;
  }
}

void CircuitBreaker::reset() {
  forced_ = false;
  if (state_ != State::kClosed) {
    transition(State::kClosed, scheduler_.now(), "reset");
  } else {
    consecutive_failures_ = 0;
    window_.clear();
  }
}

}  // namespace faultline::resilience

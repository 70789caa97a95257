// StepRunner: the retry loop's semantics beside the references (docs/resilience.md,
// "Semantics beside the references"): what a retry does at an open breaker (on_breaker_open),
// Envoy's concurrency budget seen from the step, and who wins when an answer and the attempt's
// timeout fall on the same instant.
#include "sim/step_runner.h"

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <optional>
#include <memory>
#include <vector>

#include "sim/dependency_model.h"

namespace faultline::sim {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// A dependency that answers every call after `latency` with `status_at(call instant)`, and
// records the instant of each call.
class ScriptedDependency : public Dependency {
 public:
  ScriptedDependency(EventLoop& loop, Duration latency,
                     std::function<CallStatus(Instant)> status_at)
      : loop_(loop), latency_(latency), status_at_(std::move(status_at)) {}

  CallId call(Done done, const CallOptions& options) override {
    calls.push_back(loop_.now());
    keys.push_back(options.key);
    pending_.push_back(std::move(done));
    const CallId id = pending_.size();  // 1-based index into pending_
    const CallStatus s = status_at_(loop_.now());
    loop_.schedule_after(latency_, [this, id, s] {
      Done d = std::move(pending_[id - 1]);
      if (d) d(s);
    });
    return id;
  }
  void abandon(CallId id) override { pending_[id - 1].reset(); }
  int concurrency() const override { return 1'000'000; }
  void set_concurrency(int) override {}
  int busy() const override { return 0; }

  std::vector<Instant> calls;
  std::vector<std::optional<CallKey>> keys;  // each call's key, in call order

 private:
  EventLoop& loop_;
  Duration latency_;
  std::function<CallStatus(Instant)> status_at_;
  std::vector<Done> pending_;  // by call; reset once answered or abandoned
};

CallStatus always_fails(Instant) { return CallStatus::kError; }

class StepRunnerTest : public ::testing::Test {
 protected:
  void build(Dependency* dep) {
    MetricsLayout layout;
    layout.duration = seconds(100);
    layout.dependencies = {"dep"};
    layout.breakers = {"b"};
    metrics_ = std::make_unique<Metrics>(layout);
    runner_ = std::make_unique<StepRunner>(loop_, *metrics_, std::vector<Dependency*>{dep}, 1);
  }
  // Runs the step at `at`; the outcome and its instant land in `results_`.
  void run_at(Instant at, const StepSpec& step) {
    loop_.schedule_at(at, [this, &step] {
      runner_->run(step, CallKey{.request = next_request_++}, 0, [this](CallStatus s) { results_.push_back({loop_.now(), s}); });
    });
  }
  static StepSpec retrying_step(int max_attempts, Duration backoff) {
    StepSpec step;
    step.max_attempts = max_attempts;
    resilience::RetryPolicy p;
    p.max_attempts = max_attempts;
    p.backoff = resilience::Backoff::kConstant;
    p.jitter = resilience::Jitter::kNone;
    p.base = backoff;
    p.max = backoff;
    step.retry = p;
    return step;
  }

  // 4 attempts 100 ms apart through `breaker` (metrics index 0).
  static StepSpec guarded_step(resilience::CircuitBreaker& breaker, OnBreakerOpen on_open) {
    StepSpec step = retrying_step(4, milliseconds(100));
    step.breaker = 0;
    step.breaker_ptr = &breaker;
    step.on_breaker_open = on_open;
    return step;
  }
  // The step's one answer, at `at` with `status`.
  void expect_one_answer(Instant at, CallStatus status) {
    ASSERT_EQ(results_.size(), 1u);
    EXPECT_EQ(results_[0].at, at);
    EXPECT_EQ(results_[0].status, status);
  }

  struct Result {
    Instant at;
    CallStatus status;
  };
  EventLoop loop_;
  std::unique_ptr<Metrics> metrics_;
  std::unique_ptr<StepRunner> runner_;
  std::vector<Result> results_;
  std::uint64_t next_request_ = 0;  // each run() is a request of its own
};

// Breaker: 1 failure opens it, 60 s recovery. The dependency fails in 10 ms; retries every 100 ms.
resilience::CircuitBreakerConfig trips_at_once(Duration recovery = seconds(60)) {
  resilience::CircuitBreakerConfig c;
  c.failure_threshold = 1;
  c.recovery_timeout = recovery;
  return c;
}

TEST_F(StepRunnerTest, ByDefaultARetryStopsAtTheOpenBreaker) {
  ScriptedDependency dep(loop_, milliseconds(10), always_fails);
  build(&dep);
  resilience::CircuitBreaker breaker(loop_, trips_at_once());
  const StepSpec step = guarded_step(breaker, OnBreakerOpen::kStop);
  run_at(Instant{}, step);
  loop_.run();
  // Attempt 1 at 0 fails at 10 ms and opens the breaker; attempt 2 at 110 ms is rejected and
  // ends the loop there, with attempts 3 and 4 unused.
  EXPECT_EQ(dep.calls, (std::vector<Instant>{Instant{}}));
  expect_one_answer(milliseconds(110), CallStatus::kBreakerOpen);
  EXPECT_EQ(breaker.counters().rejected, 1u);
  EXPECT_EQ(metrics_->breakers()[0].rejected, 1u);
}

TEST_F(StepRunnerTest, OnBreakerOpenRetryMakesEveryAttemptAtTheBackoffInstants) {
  ScriptedDependency dep(loop_, milliseconds(10), always_fails);
  build(&dep);
  resilience::CircuitBreaker breaker(loop_, trips_at_once());
  const StepSpec step = guarded_step(breaker, OnBreakerOpen::kRetry);
  run_at(Instant{}, step);
  loop_.run();
  // Attempts at 0 (fails at 10 ms), 110, 210, 310 ms (each rejected): the last rejection is
  // the step's answer, at 310 ms.
  EXPECT_EQ(dep.calls.size(), 1u);
  expect_one_answer(milliseconds(310), CallStatus::kBreakerOpen);
  EXPECT_EQ(breaker.counters().rejected, 3u);
  EXPECT_EQ(metrics_->breakers()[0].rejected, 3u);
}

TEST_F(StepRunnerTest, OnBreakerOpenRetryReachesTheHalfOpenTrial) {
  // Fails until 200 ms, then answers: the breaker opened at 10 ms is HALF_OPEN at 210 ms.
  ScriptedDependency dep(loop_, milliseconds(10), [](Instant t) {
    return t < milliseconds(200) ? CallStatus::kError : CallStatus::kOk;
  });
  build(&dep);
  resilience::CircuitBreaker breaker(loop_, trips_at_once(milliseconds(200)));
  const StepSpec step = guarded_step(breaker, OnBreakerOpen::kRetry);
  run_at(Instant{}, step);
  loop_.run();
  // 0: fails (opens at 10 ms); 110: rejected; 210: the trial, answered ok at 220 ms.
  EXPECT_EQ(dep.calls, (std::vector<Instant>{Instant{}, milliseconds(210)}));
  expect_one_answer(milliseconds(220), CallStatus::kOk);
  EXPECT_EQ(breaker.state(), resilience::BreakerState::kClosed);
  EXPECT_EQ(breaker.counters().rejected, 1u);
}

TEST_F(StepRunnerTest, RejectedRetriesSpendTheRatioBudget) {
  ScriptedDependency dep(loop_, milliseconds(10), always_fails);
  build(&dep);
  resilience::CircuitBreaker breaker(loop_, trips_at_once());
  // No deposits; a reserve of 0.2/s x 10 s = 2 retries.
  resilience::RetryBudget budget(loop_, {.ratio = 0, .min_per_s = 0.2, .window = seconds(10)});
  StepSpec step = guarded_step(breaker, OnBreakerOpen::kRetry);
  step.budget = &budget;
  run_at(Instant{}, step);
  loop_.run();
  // 0 fails; retry 1 (110 ms) and retry 2 (210 ms) are rejected; the third retry is denied.
  expect_one_answer(milliseconds(210), CallStatus::kBreakerOpen);
  EXPECT_EQ(budget.counters().retries_allowed, 2u);
  EXPECT_EQ(budget.counters().retries_denied, 1u);
  EXPECT_EQ(breaker.counters().rejected, 2u);
}

TEST_F(StepRunnerTest, ConcurrencyBudgetDeniesARetryWhileTheCapIsHeldByOneInBackoff) {
  ScriptedDependency dep(loop_, milliseconds(10), always_fails);
  build(&dep);
  // 20 % of 2 active requests is 0; the floor of 1 concurrent retry decides.
  resilience::ConcurrencyRetryBudget budget({.budget_percent = 20, .min_retry_concurrency = 1});
  StepSpec step = retrying_step(2, milliseconds(100));
  step.concurrency_budget = &budget;
  run_at(Instant{}, step);
  run_at(Instant{}, step);
  loop_.run_until(milliseconds(5));
  EXPECT_EQ(budget.active_requests(), 2);
  loop_.run_until(milliseconds(10));
  // Both fail at 10 ms: the first takes the one retry (active from now, through its backoff);
  // the second is denied and answers at once.
  EXPECT_EQ(budget.active_retries(), 1);
  EXPECT_EQ(budget.active_requests(), 0);
  ASSERT_EQ(results_.size(), 1u);
  EXPECT_EQ(results_[0].at, milliseconds(10));
  EXPECT_EQ(results_[0].status, CallStatus::kError);
  loop_.run();
  // The retry runs at 110 ms, fails at 120 ms: max_attempts reached, the retry is settled.
  EXPECT_EQ(dep.calls, (std::vector<Instant>{Instant{}, Instant{}, milliseconds(110)}));
  ASSERT_EQ(results_.size(), 2u);
  EXPECT_EQ(results_[1].at, milliseconds(120));
  EXPECT_EQ(budget.counters().retries_allowed, 1u);
  EXPECT_EQ(budget.counters().retries_denied, 1u);
  EXPECT_EQ(budget.counters().requests, 3u);
  EXPECT_EQ(budget.active_retries(), 0);
  EXPECT_EQ(budget.active_requests(), 0);
}

TEST_F(StepRunnerTest, CancelSettlesTheConcurrencyBudget) {
  ScriptedDependency dep(loop_, milliseconds(10), always_fails);
  build(&dep);
  resilience::ConcurrencyRetryBudget budget({.budget_percent = 20, .min_retry_concurrency = 3});
  StepSpec step = retrying_step(3, milliseconds(100));
  step.concurrency_budget = &budget;
  OpId in_backoff = kNoOp;
  OpId in_flight = kNoOp;
  loop_.schedule_at(Instant{}, [&] { in_backoff = runner_->run(step, CallKey{.request = 1}, 0, [](CallStatus) {}); });
  loop_.schedule_at(milliseconds(50),
                    [&] { in_flight = runner_->run(step, CallKey{.request = 2}, 0, [](CallStatus) {}); });
  loop_.run_until(milliseconds(55));
  EXPECT_EQ(budget.active_retries(), 1);   // the first is in its backoff until 110 ms
  EXPECT_EQ(budget.active_requests(), 1);  // the second's attempt is in flight
  runner_->cancel(in_backoff, StepRunner::Cancel::kNotNeeded);
  runner_->cancel(in_flight, StepRunner::Cancel::kNotNeeded);
  EXPECT_EQ(budget.active_retries(), 0);
  EXPECT_EQ(budget.active_requests(), 0);
  loop_.run();
  EXPECT_EQ(dep.calls.size(), 2u);
}

// Same instant, answer and attempt timer: events at one instant run in scheduling order, and
// the dependency call is made before the attempt's timer is armed, so an answer due exactly at
// the timeout wins; an answer due 1 ns later loses to the timer.
TEST_F(StepRunnerTest, AnAnswerDueExactlyAtTheAttemptTimeoutWins) {
  DependencySpec spec{.name = "dep", .concurrency = 10, .latency = Distribution::constant(100)};
  DependencyModel dep(loop_, spec, CallDraws(1, "dep"));
  build(&dep);
  StepSpec at_timeout;
  at_timeout.timeout = milliseconds(100);
  StepSpec before_timeout;
  before_timeout.timeout = milliseconds(100) - Duration(1);
  run_at(Instant{}, at_timeout);
  run_at(seconds(1), before_timeout);
  loop_.run();
  ASSERT_EQ(results_.size(), 2u);
  EXPECT_EQ(results_[0].at, milliseconds(100));
  EXPECT_EQ(results_[0].status, CallStatus::kOk);
  EXPECT_EQ(results_[1].at, seconds(1) + milliseconds(100) - Duration(1));
  EXPECT_EQ(results_[1].status, CallStatus::kTimeout);
  EXPECT_EQ(metrics_->dependencies()[0].timeouts, 1u);
}

// The tie the other way: a call queued behind another has its answer scheduled when its
// service starts (50 ms), after its attempt timer was armed (0 ms); both fall due at 100 ms
// and the timer runs first.
TEST_F(StepRunnerTest, AQueuedCallsAnswerTiedWithTheAttemptTimeoutLoses) {
  DependencySpec spec{.name = "dep", .concurrency = 1, .latency = Distribution::constant(50)};
  DependencyModel dep(loop_, spec, CallDraws(1, "dep"));
  build(&dep);
  StepSpec step;
  step.timeout = milliseconds(100);
  run_at(Instant{}, step);
  run_at(Instant{}, step);
  loop_.run();
  ASSERT_EQ(results_.size(), 2u);
  EXPECT_EQ(results_[0].at, milliseconds(50));
  EXPECT_EQ(results_[0].status, CallStatus::kOk);
  EXPECT_EQ(results_[1].at, milliseconds(100));
  EXPECT_EQ(results_[1].status, CallStatus::kTimeout);
  EXPECT_EQ(metrics_->dependencies()[0].timeouts, 1u);
}

// Each attempt's call carries the step's key with its attempt number, and the jittered wait
// before a retry is drawn from the failed attempt's key ("api/retry-jitter"): two requests
// started in either order retry at the same instants, the ones their keys give.
TEST(StepRunnerKeys, AttemptsAreKeyedAndRetryJitterComesFromTheKey) {
  StepSpec step;
  step.max_attempts = 3;
  resilience::RetryPolicy p;
  p.max_attempts = 3;
  p.backoff = resilience::Backoff::kExponential;
  p.jitter = resilience::Jitter::kFull;
  p.base = milliseconds(100);
  p.max = seconds(10);
  step.retry = p;
  const auto run = [&](bool swapped) {
    EventLoop loop;
    ScriptedDependency dep(loop, milliseconds(10), always_fails);
    MetricsLayout layout;
    layout.duration = seconds(100);
    layout.dependencies = {"dep"};
    Metrics metrics(layout);
    StepRunner runner(loop, metrics, {&dep}, 1);
    for (const std::uint64_t request : swapped ? std::vector<std::uint64_t>{9, 5} : std::vector<std::uint64_t>{5, 9}) {
      runner.run(step, CallKey{.request = request, .step = 2}, 0, [](CallStatus) {});
    }
    loop.run();
    std::map<std::uint64_t, std::vector<std::pair<std::uint32_t, Instant>>> by_request;
    for (std::size_t i = 0; i < dep.calls.size(); ++i) {
      EXPECT_TRUE(dep.keys[i].has_value());
      EXPECT_EQ(dep.keys[i]->step, 2u);
      by_request[dep.keys[i]->request].emplace_back(dep.keys[i]->attempt, dep.calls[i]);
    }
    return by_request;
  };
  const auto in_order = run(false);
  EXPECT_EQ(in_order, run(true));
  ASSERT_EQ(in_order.size(), 2u);
  const std::uint64_t base = keyed_base(1, "api/retry-jitter");
  for (const auto& [request, calls] : in_order) {
    ASSERT_EQ(calls.size(), 3u);
    Instant t{};
    Duration previous{};
    for (std::uint32_t a = 0; a < 3; ++a) {
      EXPECT_EQ(calls[a], std::make_pair(a, t)) << "request " << request;
      Rng rng = keyed_stream(base, CallKey{.request = request, .step = 2, .attempt = a});
      previous = p.next_delay(static_cast<int>(a) + 1, previous, rng.next_double());
      t += milliseconds(10) + previous;
    }
  }
  EXPECT_NE(in_order.at(5)[1].second, in_order.at(9)[1].second) << "distinct keys, distinct jitter";
}

}  // namespace
}  // namespace faultline::sim

// ApiModel: admission (workers, FIFO queue, 503 beyond the limit), per-step and per-request
// timeouts (504), fallbacks (degraded), breakers (503 without reaching the dependency), the
// client's own timeout (499, the server carries on) and the endpoint's deadline as a breaker
// failure.
#include "sim/api_model.h"

#include <vector>

#include <gtest/gtest.h>

#include "sim/dependency_model.h"
#include "sim/status.h"

namespace faultline::sim {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

class ApiModelTest : public ::testing::Test {
 protected:
  void build(ApiSpec api, std::vector<EndpointSpec> endpoints, DependencySpec dep) {
    MetricsLayout layout;
    layout.duration = seconds(100);
    layout.dependencies = {dep.name};
    layout.breakers = {"b"};
    metrics_ = std::make_unique<Metrics>(layout);
    dep_ = std::make_unique<DependencyModel>(loop_, dep, CallDraws(1, "dep"));
    api_ = std::make_unique<ApiModel>(loop_, *metrics_, api, std::move(endpoints),
                                      std::vector<Dependency*>{dep_.get()}, 1);
  }
  void submit_at(Instant t, std::uint32_t endpoint = 0) {
    loop_.schedule_at(t, [this, endpoint] { api_->submit(endpoint, 0, next_request_++, nullptr); });
  }
  std::uint64_t status_count(int status) const {
    const auto& m = metrics_->totals().by_status;
    auto it = m.find(status);
    return it == m.end() ? 0 : it->second;
  }

  EventLoop loop_;
  std::unique_ptr<Metrics> metrics_;
  std::unique_ptr<DependencyModel> dep_;
  std::unique_ptr<ApiModel> api_;
  std::uint64_t next_request_ = 0;  // the plan number of the next submit()
};

EndpointSpec one_step(Duration step_timeout = {}, Duration request_timeout = {}, bool fallback = false) {
  EndpointSpec ep;
  ep.name = "e";
  ep.timeout = request_timeout;
  StepSpec step;
  step.dependency = 0;
  step.timeout = step_timeout;
  step.fallback = fallback;
  ep.steps.push_back(step);
  return ep;
}

TEST_F(ApiModelTest, WorkersThenFifoQueueThen503AtOnce) {
  build({.workers = 2, .queue_limit = 1, .overhead = Distribution::constant(0)}, {one_step()},
        {.name = "db", .concurrency = 100, .latency = Distribution::constant(100)});
  for (int i = 0; i < 4; ++i) submit_at(Instant{});
  loop_.run();
  EXPECT_EQ(metrics_->totals().total, 4u);
  EXPECT_EQ(status_count(200), 3u);
  EXPECT_EQ(status_count(503), 1u);
  // Two answered at 100 ms, the queued one at 200 ms.
  EXPECT_EQ(to_millis(metrics_->latency().max()), 200.0);
}

// With no API overhead a request's first call is made in its arrival's event (as a
// continuation) only when no other event is due at that instant. Here the server's completion
// of the first call is due at 100 ms, the instant the second request arrives, and was filed
// after it: it still frees the server before the second call, exactly as when the first step
// was an event of its own, so the second request is served instead of turned away.
TEST_F(ApiModelTest, ArrivalTiedWithACompletionFindsTheServerFreedWithoutOverhead) {
  build({.workers = 10, .queue_limit = 10, .overhead = Distribution::constant(0)}, {one_step()},
        {.name = "db", .concurrency = 1, .queue_limit = 0, .latency = Distribution::constant(100)});
  submit_at(Instant{});
  submit_at(Instant(milliseconds(100)));
  loop_.run();
  EXPECT_EQ(status_count(200), 2u);
  EXPECT_EQ(status_count(503), 0u);
  EXPECT_EQ(metrics_->latency().max(), milliseconds(100));
  EXPECT_EQ(loop_.now(), Instant(milliseconds(200)));
}

TEST_F(ApiModelTest, StepTimeoutGives504AtExactlyTheTimeout) {
  build({.workers = 10, .queue_limit = 10, .overhead = Distribution::constant(2)}, {one_step(milliseconds(2000))},
        {.name = "ai", .concurrency = 100, .latency = Distribution::constant(5000)});
  submit_at(Instant{});
  loop_.run();
  EXPECT_EQ(status_count(504), 1u);
  EXPECT_EQ(metrics_->latency().max(), milliseconds(2002)) << "overhead 2 ms + step timeout 2 s";
  EXPECT_EQ(metrics_->dependencies()[0].timeouts, 1u);
}

TEST_F(ApiModelTest, RequestTimeoutBoundsQueueWaitToo) {
  build({.workers = 1, .queue_limit = 10, .overhead = Distribution::constant(0)},
        {one_step({}, milliseconds(150))},
        {.name = "db", .concurrency = 100, .latency = Distribution::constant(100)});
  submit_at(Instant{});
  submit_at(Instant{});
  loop_.run();
  EXPECT_EQ(status_count(200), 1u);
  EXPECT_EQ(status_count(504), 1u);
  EXPECT_EQ(metrics_->latency().max(), milliseconds(150));
  EXPECT_EQ(api_->busy_workers(), 0);
}

TEST_F(ApiModelTest, FailedStepWithFallbackSucceedsDegraded) {
  build({.workers = 10, .queue_limit = 10, .overhead = Distribution::constant(0)},
        {one_step({}, {}, /*fallback=*/true)},
        {.name = "db", .concurrency = 100, .latency = Distribution::constant(1), .error_rate = 1.0});
  submit_at(Instant{});
  loop_.run();
  EXPECT_EQ(metrics_->totals().succeeded, 1u);
  EXPECT_EQ(metrics_->totals().degraded, 1u);
}

TEST_F(ApiModelTest, OpenBreakerRejectsWith503WithoutCallingTheDependency) {
  EventLoop& loop = loop_;
  resilience::CircuitBreakerConfig config;
  config.failure_threshold = 2;
  config.recovery_timeout = seconds(60);
  resilience::CircuitBreaker breaker(loop, config);
  EndpointSpec ep = one_step();
  ep.steps[0].breaker = 0;
  ep.steps[0].breaker_ptr = &breaker;
  build({.workers = 10, .queue_limit = 10, .overhead = Distribution::constant(0)}, {ep},
        {.name = "db", .concurrency = 100, .latency = Distribution::constant(10), .error_rate = 1.0});
  for (int i = 0; i < 5; ++i) submit_at(Instant(seconds(i)));
  loop_.run();
  EXPECT_EQ(status_count(502), 2u);
  EXPECT_EQ(status_count(503), 3u);
  EXPECT_EQ(metrics_->dependencies()[0].calls, 2u);
  EXPECT_EQ(metrics_->breakers()[0].rejected, 3u);
  EXPECT_EQ(metrics_->breakers()[0].calls_while_open, 0u);
}


// The client's timeout (k6's request timeout) is the request's outcome, 499, at exactly
// issue + client_timeout; the server never hears of it and finishes its work, whose late
// answer changes no count.
TEST_F(ApiModelTest, ClientTimeoutGives499AtItsInstantAndTheServerKeepsWorking) {
  EndpointSpec ep = one_step();
  ep.client_timeout = seconds(1);
  build({.workers = 1, .queue_limit = 10, .overhead = Distribution::constant(0)}, {ep},
        {.name = "ai", .concurrency = 100, .latency = Distribution::constant(5000)});
  std::vector<Instant> answered;
  loop_.schedule_at(Instant(milliseconds(200)), [&] { api_->submit(0, 0, 0, [&] { answered.push_back(loop_.now()); }); });
  loop_.run_until(Instant(milliseconds(1200) - Duration(1)));
  EXPECT_TRUE(answered.empty());
  loop_.run_until(Instant(milliseconds(1200)));
  ASSERT_EQ(answered, std::vector<Instant>{Instant(milliseconds(1200))});
  EXPECT_EQ(status_count(kStatusClientTimeout), 1u);
  EXPECT_EQ(metrics_->totals().client_timeouts, 1u);
  EXPECT_EQ(metrics_->totals().errors, 1u);
  EXPECT_EQ(metrics_->latency().max(), seconds(1));
  EXPECT_EQ(metrics_->in_flight(), 0u);
  EXPECT_EQ(api_->busy_workers(), 1) << "the server still works on the abandoned request";
  loop_.run();
  EXPECT_EQ(loop_.now(), Instant(milliseconds(5200)));
  EXPECT_EQ(api_->busy_workers(), 0);
  EXPECT_EQ(metrics_->totals().total, 1u) << "the late answer is not a second outcome";
  EXPECT_EQ(status_count(200), 0u);
  EXPECT_EQ(answered.size(), 1u);
}

TEST_F(ApiModelTest, AnswerBeforeTheClientTimeoutCancelsIt) {
  EndpointSpec ep = one_step();
  ep.client_timeout = seconds(1);
  build({.workers = 1, .queue_limit = 10, .overhead = Distribution::constant(0)}, {ep},
        {.name = "db", .concurrency = 100, .latency = Distribution::constant(100)});
  submit_at(Instant{});
  loop_.run();
  EXPECT_EQ(status_count(200), 1u);
  EXPECT_EQ(metrics_->totals().client_timeouts, 0u);
  // The endpoint's one client-timeout timer fires at 1 s, finds the request answered, and is
  // not armed again.
  EXPECT_EQ(loop_.now(), Instant(seconds(1)));
  EXPECT_EQ(loop_.pending(), 0u);
}

// A request the server never answers and no timeout ends is, when the run gives up on it,
// "no answer" (status 0): a failure, with the time its client waited as its latency.
TEST_F(ApiModelTest, FailUnansweredGivesStatusZeroOnceAndNoDoubleCountLater) {
  build({.workers = 1, .queue_limit = 10, .overhead = Distribution::constant(0)}, {one_step()},
        {.name = "ai", .concurrency = 100, .latency = Distribution::constant(10000)});
  submit_at(Instant{});
  submit_at(Instant{});  // queued behind the first
  loop_.run_until(Instant(seconds(3)));
  EXPECT_EQ(api_->fail_unanswered(), 2u);
  EXPECT_EQ(api_->fail_unanswered(), 0u);
  EXPECT_EQ(status_count(kStatusNoAnswer), 2u);
  EXPECT_EQ(metrics_->totals().unanswered, 2u);
  EXPECT_EQ(metrics_->totals().failed, 2u);
  EXPECT_EQ(metrics_->latency().max(), seconds(3));
  loop_.run();
  EXPECT_EQ(metrics_->totals().total, 2u);
}

class DeadlineBreakerTest : public ApiModelTest {
 protected:
  void SetUp() override {
    resilience::CircuitBreakerConfig config;
    config.failure_threshold = 2;
    config.recovery_timeout = seconds(60);
    config.expected_failure_rate = 100;  // only the consecutive-failure rule
    breaker_ = std::make_unique<resilience::CircuitBreaker>(loop_, config);
    breaker_->add_listener([this](const resilience::Transition& t) { opened_at_.push_back(t.at); });
  }
  StepSpec guarded_step(bool counts) {
    StepSpec step;
    step.dependency = 0;
    step.breaker = 0;
    step.breaker_ptr = breaker_.get();
    step.breaker_counts_cancellations = counts;
    return step;
  }
  // One endpoint with a 1 s timeout over a guarded step to a dependency that takes 10 s.
  void build_hanging_endpoint_with_timeout(bool counts) {
    EndpointSpec ep;
    ep.name = "e";
    ep.timeout = seconds(1);
    ep.steps.push_back(guarded_step(counts));
    build({.workers = 10, .queue_limit = 10, .overhead = Distribution::constant(0)}, {ep},
          {.name = "ai", .concurrency = 100, .latency = Distribution::constant(10000)});
  }
  std::unique_ptr<resilience::CircuitBreaker> breaker_;
  std::vector<Instant> opened_at_;
};

// The endpoint's 1 s deadline cancels the step's call: the caller saw a timeout, so the breaker
// guarding the call records a failure then (resilience4j's CircuitBreaker(TimeLimiter(call))).
// Requests at 0 and 100 ms time out at 1.0 and 1.1 s: the breaker opens at exactly 1.1 s.
TEST_F(DeadlineBreakerTest, EndpointDeadlineIsABreakerFailureAtItsInstant) {
  build_hanging_endpoint_with_timeout(/*counts=*/true);
  submit_at(Instant{});
  submit_at(Instant(milliseconds(100)));
  submit_at(Instant(milliseconds(1150)));
  loop_.run();
  EXPECT_EQ(opened_at_, std::vector<Instant>{Instant(milliseconds(1100))});
  EXPECT_EQ(status_count(504), 2u);
  EXPECT_EQ(status_count(503), 1u) << "the request after the opening is rejected";
  EXPECT_EQ(breaker_->counters().failures, 2u);
  EXPECT_EQ(metrics_->dependencies()[0].timeouts, 2u);
}

TEST_F(DeadlineBreakerTest, OptingOutReleasesTheCallWithNoOutcome) {
  build_hanging_endpoint_with_timeout(/*counts=*/false);
  for (int i = 0; i < 5; ++i) submit_at(Instant(milliseconds(100 * i)));
  loop_.run();
  EXPECT_TRUE(opened_at_.empty());
  EXPECT_EQ(status_count(504), 5u);
  EXPECT_EQ(breaker_->counters().failures, 0u);
  EXPECT_EQ(breaker_->counters().released, 5u);
}

// With cancel_on_client_timeout the server stops a request when its client gives up: the call
// is cancelled as by a deadline (the breaker counts it) and the worker is free at once. Without
// it the server works on and the breaker never hears of the hang (the dependency answers at
// 10 s, a success: the request's outcome was the 499 already).
class ClientCancelTest : public DeadlineBreakerTest {
 protected:
  void run_case(bool cancel) {
    EndpointSpec ep;
    ep.name = "e";
    ep.client_timeout = seconds(1);
    ep.steps.push_back(guarded_step(true));
    build({.workers = 10, .queue_limit = 10, .overhead = Distribution::constant(0), .cancel_on_client_timeout = cancel},
          {ep}, {.name = "ai", .concurrency = 100, .latency = Distribution::constant(10000)});
    for (int i = 0; i < 2; ++i) {
      loop_.schedule_at(Instant(milliseconds(100 * i)), [this] { api_->submit(0, 0, next_request_++, [this] { ++answered_; }); });
    }
    loop_.run_until(Instant(milliseconds(1100)));
    EXPECT_EQ(answered_, 2);
    EXPECT_EQ(status_count(kStatusClientTimeout), 2u);
  }
  int answered_ = 0;
};

TEST_F(ClientCancelTest, WithCancelOnClientTimeoutTheBreakerCountsItAndTheWorkerIsFree) {
  run_case(true);
  EXPECT_EQ(api_->busy_workers(), 0);
  EXPECT_EQ(opened_at_, std::vector<Instant>{Instant(milliseconds(1100))});
  loop_.run();
  EXPECT_EQ(metrics_->totals().total, 2u);
  EXPECT_EQ(answered_, 2);
}

TEST_F(ClientCancelTest, ByDefaultTheServerWorksOnAndTheBreakerNeverHears) {
  run_case(false);
  EXPECT_EQ(api_->busy_workers(), 2);
  loop_.run();
  EXPECT_TRUE(opened_at_.empty());
  EXPECT_EQ(metrics_->totals().total, 2u);
  EXPECT_EQ(answered_, 2);
}

// A degradation block's global timeout is a deadline too; fail_fast giving up on the rest is
// not (those calls are released).
TEST_F(DeadlineBreakerTest, DegradationGlobalTimeoutIsABreakerFailure) {
  EndpointSpec ep;
  ep.name = "e";
  DegradationSpec d;
  d.config.strategy = resilience::DegradationStrategy::kBestEffort;
  d.config.global_timeout = milliseconds(500);
  d.config.services.push_back({"ai", resilience::Priority::kCritical, Duration::zero(), false});
  d.calls.push_back(guarded_step(true));
  ep.degradation = std::move(d);
  build({.workers = 10, .queue_limit = 10, .overhead = Distribution::constant(0)}, {ep},
        {.name = "ai", .concurrency = 100, .latency = Distribution::constant(10000)});
  submit_at(Instant{});
  submit_at(Instant(milliseconds(10)));
  loop_.run();
  EXPECT_EQ(opened_at_, std::vector<Instant>{Instant(milliseconds(510))});
  EXPECT_EQ(status_count(504), 2u);
}

}  // namespace
}  // namespace faultline::sim

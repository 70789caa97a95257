#include "sim/api_model.h"

#include <cassert>
#include <utility>

#include "sim/step_runner.h"

namespace faultline::sim {

struct ApiModel::Request {
  Answered answered;
  Instant issued{};
  std::uint64_t user = 0;
  std::uint64_t id = 0;           // the plan's number: its draws' key
  TimerId deadline = kNoTimer;
  TimerId work_timer = kNoTimer;  // overhead or an API-fault delay
  OpId op = kNoOp;                // the running step call
  CallId call = 0;                // a plain step's dependency call, while call_live
  Instant call_start{};
  bool call_live = false;
  std::uint32_t generation = 1;
  std::uint32_t endpoint = 0;
  std::uint32_t step = 0;
  int error_status = 0;           // an API error fault decided at admission
  double overhead_scale = 1.0;
  enum class Phase : std::uint8_t { kFree, kIssued, kDelayed, kQueued, kOverhead, kStep, kDegradation, kHung };
  Phase phase = Phase::kFree;
  bool holds_worker = false;
  bool degraded = false;
  bool abandoned = false;  // the client gave up: its outcome is recorded, the server carries on
  resilience::GracefulDegradation* degradation = nullptr;  // while in kDegradation
  std::vector<OpId> service_ops;                           // degradation services' calls
};

ApiModel::ApiModel(EventLoop& loop, Metrics& metrics, ApiSpec spec, std::vector<EndpointSpec> endpoints,
                   std::vector<Dependency*> dependencies, std::uint64_t seed)
    : loop_(loop),
      metrics_(metrics),
      spec_(std::move(spec)),
      endpoints_(std::move(endpoints)),
      dependencies_(dependencies),
      overhead_draws_(seed, "api/overhead"),
      workers_(spec_.workers),
      runner_(std::make_unique<StepRunner>(loop, metrics, std::move(dependencies), seed)) {
  requests_.reserve(1024);
  idle_degradations_.resize(endpoints_.size());
  for (const EndpointSpec& ep : endpoints_) {
    client_lanes_.push_back(ep.client_timeout.count() > 0
                                ? std::make_unique<DeadlineLane>(loop, ep.client_timeout,
                                                                 DeadlineLane::Owner{this, &client_waits, &client_gives_up})
                                : nullptr);
  }
  if (spec_.overhead.kind() == Distribution::Kind::kConstant) {
    constant_overhead_ = spec_.overhead.sample(overhead_draws_.ordered());
  }
}

ApiModel::~ApiModel() {
  for (Request& r : requests_) delete r.degradation;  // executors lent to unfinished requests
}

std::uint32_t ApiModel::acquire_request() {
  if (free_.empty()) {
    requests_.emplace_back();
    return static_cast<std::uint32_t>(requests_.size() - 1);
  }
  const std::uint32_t index = free_.back();
  free_.pop_back();
  return index;
}

void ApiModel::release_request(std::uint32_t index) {
  Request& r = requests_[index];
  r.answered.reset();
  r.phase = Request::Phase::kFree;
  ++r.generation;
  free_.push_back(index);
}

void ApiModel::submit(std::uint32_t endpoint, std::uint64_t user, std::uint64_t request, Answered answered) {
  const std::uint32_t index = acquire_request();
  Request& r = requests_[index];
  r.answered = std::move(answered);
  r.phase = Request::Phase::kIssued;  // until admitted (or refused)
  r.issued = loop_.now();
  r.user = user;
  r.id = request;
  r.endpoint = endpoint;
  r.step = 0;
  r.op = kNoOp;
  r.call_live = false;
  r.error_status = 0;
  r.overhead_scale = 1.0;
  r.holds_worker = false;
  r.degraded = false;
  r.abandoned = false;
  r.deadline = kNoTimer;
  r.work_timer = kNoTimer;
  if (spec_.records_outcomes) metrics_.on_request_issued(r.issued);
  const EndpointSpec& ep = endpoints_[endpoint];
  if (ep.timeout.count() > 0) {
    r.deadline = loop_.schedule_after(ep.timeout, [this, index, gen = r.generation] {
      if (requests_[index].generation == gen) on_deadline(index);
    });
  }
  if (client_lanes_[endpoint] != nullptr) {
    client_lanes_[endpoint]->push(static_cast<std::uint64_t>(r.generation) << 32 | index);
  }
  ApiFaultEffect effect;
  if (fault_hook_ != nullptr) effect = fault_hook_->on_request(request);
  if (effect.refuse_status != 0) {
    r.phase = Request::Phase::kDelayed;
    r.work_timer = loop_.schedule_after(Duration::zero(), [this, index, gen = r.generation, s = effect.refuse_status] {
      if (requests_[index].generation == gen) finish(index, s, false);
    });
    return;
  }
  if (effect.hang) {
    r.phase = Request::Phase::kHung;  // only the deadline (or the end of the run) ends it
    return;
  }
  r.error_status = effect.error_status;
  r.overhead_scale = effect.overhead_scale;
  if (effect.extra_latency.count() > 0) {
    r.phase = Request::Phase::kDelayed;
    r.work_timer = loop_.schedule_after(effect.extra_latency, [this, index, gen = r.generation] {
      if (requests_[index].generation == gen) admit(index);
    });
    return;
  }
  admit(index);
}

void ApiModel::admit(std::uint32_t index) {
  Request& r = requests_[index];
  r.work_timer = kNoTimer;
  if (busy_ < workers_) {
    start(index);
  } else if (queued_live_ < spec_.queue_limit) {
    r.phase = Request::Phase::kQueued;
    queue_.push((static_cast<std::uint64_t>(r.generation) << 32) | index);
    ++queued_live_;
  } else {
    finish(index, kStatusUnavailable, false);
  }
}

void ApiModel::start(std::uint32_t index) {
  Request& r = requests_[index];
  ++busy_;
  r.holds_worker = true;
  r.phase = Request::Phase::kOverhead;
  // Keyed by the request: requests start in a different order live (HTTP jitter).
  Duration overhead = constant_overhead_.count() >= 0
                          ? constant_overhead_
                          : spec_.overhead.sample(overhead_draws_.for_call(CallKey{.request = r.id}));
  if (r.overhead_scale != 1.0) {
    overhead = Duration(static_cast<std::int64_t>(static_cast<double>(overhead.count()) * r.overhead_scale));
  }
  // Without overhead the first step is the next event: run it as the continuation of this
  // one (no timer, no trip through the queue) where nothing else could run in between.
  if (overhead.count() == 0 && loop_.try_continue_with([this, index, gen = r.generation] {
        if (requests_[index].generation == gen) run_step(index);
      })) {
    return;
  }
  r.work_timer = loop_.schedule_after(overhead, [this, index, gen = r.generation] {
    if (requests_[index].generation != gen) return;
    requests_[index].work_timer = kNoTimer;
    run_step(index);
  });
}

void ApiModel::run_step(std::uint32_t index) {
  Request& r = requests_[index];
  const EndpointSpec& ep = endpoints_[r.endpoint];
  if (r.step >= ep.steps.size()) {
    if (ep.degradation.has_value()) {
      run_degradation(index);
    } else {
      finish(index, r.error_status != 0 ? r.error_status : ep.expected_status, r.error_status == 0);
    }
    return;
  }
  r.phase = Request::Phase::kStep;
  const StepSpec& step = ep.steps[r.step];
  if (is_plain(step)) {
    // What StepRunner does for a step with no resilience component, in the same order (the
    // call's metrics, then the dependency), without an operation of its own: no event differs.
    metrics_.on_dependency_call(step.dependency);
    r.call_start = loop_.now();
    r.call_live = true;
    CallOptions options;
    options.key = CallKey{.request = r.id, .step = r.step};
    r.call = dependencies_[step.dependency]->call(
        [this, index, gen = r.generation](CallStatus s) {
          if (requests_[index].generation == gen) plain_step_done(index, s);
        },
        options);
    return;
  }
  const std::uint64_t key = step.coalesce == CoalesceScope::kUser ? r.user : 0;
  r.op = runner_->run(step, CallKey{.request = r.id, .step = r.step}, key, [this, index, gen = r.generation](CallStatus s) {
    if (requests_[index].generation == gen) step_done(index, s);
  });
}

// A step without rate limiter, coalescer, bulkhead, breaker, timeout, retries or budget.
bool ApiModel::is_plain(const StepSpec& step) {
  return step.rate_limiter == nullptr &&
         (step.coalescer == nullptr || step.coalesce == CoalesceScope::kNone) &&
         step.bulkhead == nullptr && step.breaker_ptr == nullptr && step.timeout.count() <= 0 &&
         step.budget == nullptr && !(step.max_attempts > 1 && step.retry.has_value());
}

void ApiModel::plain_step_done(std::uint32_t index, CallStatus status) {
  Request& r = requests_[index];
  r.call_live = false;
  const StepSpec& step = endpoints_[r.endpoint].steps[r.step];
  metrics_.on_dependency_answer(step.dependency, loop_.now() - r.call_start, status == CallStatus::kOk);
  step_done(index, status);
}

void ApiModel::step_done(std::uint32_t index, CallStatus status) {
  Request& r = requests_[index];
  r.op = kNoOp;
  const StepSpec& step = endpoints_[r.endpoint].steps[r.step];
  if (status != CallStatus::kOk) {
    if (!step.fallback) {
      finish(index, status_for(status), false);
      return;
    }
    r.degraded = true;  // the fallback answers in place of the dependency
  }
  ++r.step;
  run_step(index);
}

void ApiModel::run_degradation(std::uint32_t index) {
  Request& r = requests_[index];
  r.phase = Request::Phase::kDegradation;
  const DegradationSpec& spec = *endpoints_[r.endpoint].degradation;
  auto& idle = idle_degradations_[r.endpoint];
  if (idle.empty()) {
    idle.push_back(std::make_unique<resilience::GracefulDegradation>(loop_, spec.config));
  }
  r.degradation = idle.back().release();
  idle.pop_back();
  r.service_ops.assign(spec.calls.size(), kNoOp);
  const std::uint32_t gen = r.generation;
  r.degradation->execute(
      [this, index, gen](std::size_t service, resilience::GracefulDegradation::ServiceDone done) {
        Request& q = requests_[index];
        if (q.generation != gen) return;
        const EndpointSpec& ep = endpoints_[q.endpoint];
        const StepSpec& step = ep.degradation->calls[service];
        const std::uint64_t key = step.coalesce == CoalesceScope::kUser ? q.user : 0;
        // The services are numbered after the endpoint's steps.
        const CallKey call{.request = q.id, .step = static_cast<std::uint32_t>(ep.steps.size() + service)};
        q.service_ops[service] = runner_->run(step, call, key, [this, index, gen, service, done](CallStatus s) {
          if (requests_[index].generation == gen) requests_[index].service_ops[service] = kNoOp;
          done(s == CallStatus::kOk);
        });
      },
      [this, index, gen](std::size_t service, bool deadline) {
        Request& q = requests_[index];
        if (q.generation != gen || q.service_ops[service] == kNoOp) return;
        runner_->cancel(q.service_ops[service],
                        deadline ? StepRunner::Cancel::kDeadline : StepRunner::Cancel::kNotNeeded);
        q.service_ops[service] = kNoOp;
      },
      [this, index, gen](const resilience::DegradationResult& result) {
        if (requests_[index].generation == gen) degradation_done(index, result);
      });
}

// Returns the request's degradation executor to its endpoint's idle pool.
void ApiModel::end_degradation(std::uint32_t index) {
  Request& r = requests_[index];
  idle_degradations_[r.endpoint].emplace_back(r.degradation);
  r.degradation = nullptr;
}

void ApiModel::degradation_done(std::uint32_t index, const resilience::DegradationResult& result) {
  Request& r = requests_[index];
  const EndpointSpec& ep = endpoints_[r.endpoint];
  int status = ep.expected_status;
  if (!result.success) {
    // The critical service that failed the request decides: a timeout (its own or the
    // global one) is a 504, anything else a dependency failure, 502.
    bool timed_out = result.finished_at - result.started_at >= ep.degradation->config.global_timeout &&
                     ep.degradation->config.global_timeout.count() > 0;
    if (result.failed_by >= 0 && static_cast<std::size_t>(result.failed_by) < result.services.size()) {
      timed_out = timed_out || result.services[static_cast<std::size_t>(result.failed_by)].timed_out;
    }
    status = timed_out ? kStatusGatewayTimeout : kStatusBadGateway;
  } else if (result.degraded) {
    r.degraded = true;
  }
  // `done` runs last in GracefulDegradation and may release it: hand it back before finish().
  end_degradation(index);
  if (result.success && r.error_status != 0) {
    finish(index, r.error_status, false);
  } else {
    finish(index, status, result.success);
  }
}

void ApiModel::on_deadline(std::uint32_t index) {
  requests_[index].deadline = kNoTimer;
  finish(index, kStatusGatewayTimeout, false, /*by_deadline=*/true);
}

bool ApiModel::client_waits(void* api, std::uint64_t token) {
  const ApiModel& self = *static_cast<ApiModel*>(api);
  const Request& r = self.requests_[static_cast<std::uint32_t>(token)];
  return r.generation == static_cast<std::uint32_t>(token >> 32) && r.phase != Request::Phase::kFree && !r.abandoned;
}

void ApiModel::client_gives_up(void* api, std::uint64_t token) {
  static_cast<ApiModel*>(api)->on_client_timeout(static_cast<std::uint32_t>(token));
}

void ApiModel::on_client_timeout(std::uint32_t index) {
  Request& r = requests_[index];
  r.abandoned = true;
  if (spec_.records_outcomes) metrics_.on_request_done(r.issued, loop_.now(), kStatusClientTimeout, false, false, r.endpoint);
  if (spec_.cancel_on_client_timeout) {
    // The outcome is recorded; finish() frees the worker and cancels the calls as timeouts.
    finish(index, kStatusClientTimeout, false, /*by_deadline=*/true);
    return;
  }
  Answered answered = std::move(r.answered);
  r.answered.reset();
  if (answered) answered();  // last: a closed user's next request may reuse the pool
}

std::uint64_t ApiModel::fail_unanswered() {
  std::uint64_t n = 0;
  for (Request& r : requests_) {
    if (r.phase == Request::Phase::kFree || r.abandoned) continue;
    r.abandoned = true;
    if (spec_.records_outcomes) metrics_.on_request_done(r.issued, loop_.now(), kStatusNoAnswer, false, false, r.endpoint);
    ++n;
  }
  return n;
}

void ApiModel::finish(std::uint32_t index, int status, bool success, bool by_deadline) {
  Request& r = requests_[index];
  // Invariant (debug builds): every request ends exactly once; a finished one is kFree until
  // it is reused, and every callback checks its generation before finishing it.
  assert(r.phase != Request::Phase::kFree);
  if (r.deadline != kNoTimer) loop_.cancel(r.deadline);
  if (r.work_timer != kNoTimer) loop_.cancel(r.work_timer);
  if (r.op != kNoOp) runner_->cancel(r.op, by_deadline ? StepRunner::Cancel::kDeadline : StepRunner::Cancel::kNotNeeded);
  if (r.call_live) {
    dependencies_[endpoints_[r.endpoint].steps[r.step].dependency]->abandon(r.call);
    r.call_live = false;
  }
  if (r.degradation != nullptr) {
    r.degradation->cancel(by_deadline);
    end_degradation(index);
  }
  if (r.phase == Request::Phase::kQueued) --queued_live_;  // its queue entry is skipped later
  const bool degraded = success && r.degraded;
  // A request its client gave up on already has its outcome: the late answer reaches nobody.
  if (!r.abandoned && spec_.records_outcomes) metrics_.on_request_done(r.issued, loop_.now(), status, success, degraded, r.endpoint);
  Answered answered = std::move(r.answered);
  const bool held_worker = r.holds_worker;
  release_request(index);
  if (held_worker) {
    --busy_;
    start_queued();
  }
  last_outcome_ = Outcome{status, success, degraded};
  if (answered) answered();
}

void ApiModel::start_queued() {
  while (busy_ < workers_ && !queue_.empty()) {
    const std::uint64_t entry = queue_.pop();
    const auto index = static_cast<std::uint32_t>(entry & 0xffffffffu);
    Request& r = requests_[index];
    // A request that ended while waiting (its timeout) left its entry behind.
    if (r.generation != static_cast<std::uint32_t>(entry >> 32) || r.phase != Request::Phase::kQueued) continue;
    --queued_live_;
    start(index);
  }
}

void ApiModel::set_workers(int workers) {
  workers_ = workers;
  start_queued();
}

}  // namespace faultline::sim

#include "experiments/world.h"

#include <algorithm>
#include <map>
#include <utility>

#include "experiments/alert_rules.h"
#include "experiments/check_windows.h"
#include "experiments/fault_build.h"
#include "faults/faulty_api.h"
#include "faults/faulty_dependency.h"
#include "resilience/circuit_breaker_factory.h"
#include "sim/api_model.h"
#include "sim/dependency_model.h"
#include "sim/load_generator.h"
#include "sim/rng.h"
#include "sim/step_coalescer.h"

namespace faultline::experiments {

namespace {

sim::LoadSpec load_spec(const Experiment& e) {
  sim::LoadSpec s;
  s.closed = e.load.model == LoadModel::kClosed;
  s.users = e.load.users;
  s.rps = e.load.rps;
  s.uniform_arrivals = e.load.arrivals == Arrivals::kUniform;
  s.think = e.load.think;
  for (const auto& st : e.load.stages) s.stages.push_back(sim::LoadStage{st.duration, st.target});
  for (const auto& ep : e.endpoints) s.endpoint_weights.push_back(ep.weight);
  s.user_ids = static_cast<std::uint64_t>(std::max<std::int64_t>(0, e.load.user_ids));
  s.until = e.duration;
  return s;
}

std::string fault_label(const FaultConfig& c, std::size_t index) {
  return std::string(faults::to_string(fault_kind(c.kind))) + " " + c.target;
}

resilience::Profile profile_of(Profile p) {
  return p == Profile::kDevelopment ? resilience::Profile::kDevelopment : resilience::Profile::kProduction;
}

}  // namespace

struct World::Parts {
  std::vector<std::unique_ptr<sim::DependencyModel>> models;
  std::vector<std::unique_ptr<faults::FaultyDependency>> faulty;
  std::vector<sim::Dependency*> dependencies;
  std::map<std::string, std::size_t> dependency_index;
  std::unique_ptr<resilience::CircuitBreakerFactory> breaker_factory;
  std::vector<resilience::CircuitBreaker*> breakers;  // metrics order
  std::map<std::string, std::size_t> breaker_index;
  std::vector<std::unique_ptr<sim::StepCoalescer>> coalescers;
  std::vector<std::unique_ptr<resilience::RetryBudget>> budgets;
  std::vector<std::unique_ptr<resilience::ConcurrencyRetryBudget>> concurrency_budgets;
  std::map<std::string, std::unique_ptr<resilience::Bulkhead>> bulkheads;
  std::map<std::string, std::unique_ptr<resilience::RateLimiter>> rate_limiters;
  std::unique_ptr<sim::ApiModel> api;
  std::unique_ptr<faults::FaultyApi> faulty_api;
  std::unique_ptr<sim::LoadGenerator> load;
  std::vector<faults::Fault> faults;
  std::vector<sim::BreakerSecondState> breaker_states;
};

World::World(const Experiment& e, const LiveWiring* live)
    : experiment_(e), parts_(std::make_unique<Parts>()), live_(live != nullptr) {
  Parts& p = *parts_;
  end_ = e.duration;

  // --- metrics layout ---
  sim::MetricsLayout layout;
  layout.duration = e.duration;
  layout.warmup = e.warmup;
  for (const auto& d : e.dependencies) layout.dependencies.push_back(d.name);
  for (const auto& [name, b] : e.breakers) {
    layout.breakers.push_back(name);
    layout.breaker_types.push_back(b.type);
  }
  for (std::size_t i = 0; i < e.faults.size(); ++i) layout.faults.push_back(fault_label(e.faults[i], i));
  for (const auto& ep : e.endpoints) {
    layout.endpoints.push_back(ep.name);
    layout.statuses.push_back(ep.expected_status);
  }
  for (const auto& f : e.faults) {
    if (f.status != 0) layout.statuses.push_back(f.status);
  }
  layout.latency_windows = latency_windows(effective_alert_rules(e));
  layout.check_windows = sli_check_windows(e);
  metrics_ = std::make_unique<sim::Metrics>(layout);
  for (std::size_t i = 0; i < e.faults.size(); ++i) {
    p.faults.push_back(make_fault(e.faults[i], i, end_));
    metrics_->faults()[i].start = p.faults[i].start;
    metrics_->faults()[i].end = std::min(p.faults[i].end, end_);
  }

  // --- dependencies, each behind its faults ---
  for (std::size_t i = 0; i < e.dependencies.size(); ++i) {
    const DependencyConfig& d = e.dependencies[i];
    if (live != nullptr) {
      p.dependency_index[d.name] = i;
      p.dependencies.push_back(live->dependency(i));
      continue;
    }
    sim::DependencySpec spec;
    spec.name = d.name;
    spec.concurrency = d.concurrency;
    if (d.queue_limit.has_value()) spec.queue_limit = *d.queue_limit;
    spec.latency = d.latency;
    spec.error_rate = d.error_rate;
    p.models.push_back(std::make_unique<sim::DependencyModel>(loop_, spec, sim::CallDraws(e.seed, "dependency/" + d.name)));
    std::vector<faults::Fault> mine;
    std::vector<sim::CallDraws> streams;
    for (const auto& f : p.faults) {
      if (e.faults[f.index].target != d.name) continue;
      mine.push_back(f);
      streams.push_back(faults::fault_draws(e.seed, f.index));
    }
    sim::Dependency* dep = p.models.back().get();
    if (!mine.empty()) {
      p.faulty.push_back(std::make_unique<faults::FaultyDependency>(loop_, *dep, std::move(mine), std::move(streams), *metrics_));
      p.faulty.back()->arm();
      dep = p.faulty.back().get();
    }
    p.dependency_index[d.name] = i;
    p.dependencies.push_back(dep);
  }

  // --- resilience components ---
  const resilience::EnvMap env(e.env.begin(), e.env.end());
  p.breaker_factory = std::make_unique<resilience::CircuitBreakerFactory>(loop_, profile_of(e.profile), env);
  for (const auto& [name, b] : e.breakers) {
    resilience::CircuitBreakerOverrides o;
    o.failure_threshold = b.failure_threshold;
    o.recovery_timeout = b.recovery_timeout;
    o.expected_failure_rate = b.expected_failure_rate;
    if (b.failure_rate_comparison.has_value()) {
      o.rate_comparison = *b.failure_rate_comparison == RateComparison::kAtLeast
                              ? resilience::RateComparison::kAtLeast
                              : resilience::RateComparison::kAbove;
    }
    o.monitoring_window = b.monitoring_window;
    o.minimum_calls = b.minimum_calls;
    o.half_open_max_calls = b.half_open_max_calls;
    o.slow_call_threshold = b.slow_call_threshold;
    resilience::CircuitBreaker& breaker = p.breaker_factory->get(name, b.type, o);
    const std::size_t index = p.breakers.size();
    p.breaker_index[name] = index;
    p.breakers.push_back(&breaker);
    breaker.add_listener([this, index](const resilience::Transition& t) {
      // The drain only gives the requests in flight their outcomes: what breakers do then
      // (after duration_s) is not part of the run's record.
      if (draining_) return;
      metrics_->breakers()[index].transitions.push_back(sim::BreakerTransitionRecord{
          t.at, resilience::to_string(t.from), resilience::to_string(t.to), t.reason});
    });
  }
  for (const auto& [name, b] : e.bulkheads) {
    resilience::BulkheadConfig c;
    c.max_concurrent = b.max_concurrent;
    c.max_queue = b.max_queue;
    if (b.max_wait.has_value()) c.max_wait = *b.max_wait;
    p.bulkheads[name] = std::make_unique<resilience::Bulkhead>(loop_, c);
  }
  for (const auto& [name, r] : e.rate_limiters) {
    p.rate_limiters[name] = std::make_unique<resilience::RateLimiter>(loop_, resilience::RateLimiterConfig{r.rate_per_s, r.burst});
  }
  const resilience::CoalescerConfig coalescing = resilience::resolve_coalescer_config(profile_of(e.profile), env);
  const Duration default_ttl = e.coalescing.ttl.value_or(coalescing.ttl);
  const auto max_cache = static_cast<std::size_t>(
      e.coalescing.max_cache_size.value_or(static_cast<std::int64_t>(coalescing.max_cache_size)));

  auto make_step = [&](const StepConfig& s) {
    sim::StepSpec step;
    step.dependency = static_cast<std::uint32_t>(p.dependency_index.at(s.call));
    if (!s.breaker.empty()) {
      step.breaker = static_cast<std::int32_t>(p.breaker_index.at(s.breaker));
      step.breaker_ptr = p.breakers[static_cast<std::size_t>(step.breaker)];
      step.breaker_counts_cancellations = e.breakers.at(s.breaker).count_deadline_cancellations;
    }
    if (s.timeout.has_value()) step.timeout = *s.timeout;
    step.fallback = s.fallback;
    if (s.coalesce.has_value() && s.coalesce->key != CoalesceKey::kNone) {
      step.coalesce = s.coalesce->key == CoalesceKey::kUser ? sim::CoalesceScope::kUser : sim::CoalesceScope::kGlobal;
      step.coalesce_ttl = s.coalesce->ttl.value_or(default_ttl);
      p.coalescers.push_back(std::make_unique<sim::StepCoalescer>(loop_, resilience::CoalescerConfig{step.coalesce_ttl, max_cache}));
      step.coalescer = p.coalescers.back().get();
    }
    if (s.retry.has_value() && s.retry->max_attempts > 1) {
      step.max_attempts = s.retry->max_attempts;
      resilience::RetryPolicy rc;
      rc.max_attempts = s.retry->max_attempts;
      rc.backoff = s.retry->backoff == Backoff::kConstant ? resilience::Backoff::kConstant : resilience::Backoff::kExponential;
      rc.base = s.retry->base;
      rc.max = s.retry->max;
      switch (s.retry->jitter) {
        case Jitter::kNone: rc.jitter = resilience::Jitter::kNone; break;
        case Jitter::kFull: rc.jitter = resilience::Jitter::kFull; break;
        case Jitter::kEqual: rc.jitter = resilience::Jitter::kEqual; break;
        case Jitter::kDecorrelated: rc.jitter = resilience::Jitter::kDecorrelated; break;
      }
      step.retry = rc;
      step.on_breaker_open = s.retry->on_breaker_open == OnBreakerOpen::kRetry
                                 ? sim::OnBreakerOpen::kRetry
                                 : sim::OnBreakerOpen::kStop;
      if (s.retry->budget.has_value() && s.retry->budget->mode == BudgetMode::kConcurrency) {
        p.concurrency_budgets.push_back(std::make_unique<resilience::ConcurrencyRetryBudget>(
            resilience::ConcurrencyRetryBudgetConfig{s.retry->budget->budget_percent,
                                                     s.retry->budget->min_retry_concurrency}));
        step.concurrency_budget = p.concurrency_budgets.back().get();
      } else if (s.retry->budget.has_value()) {
        resilience::RetryBudgetConfig bc;
        bc.ratio = s.retry->budget->ratio;
        bc.min_per_s = s.retry->budget->min_per_s;
        bc.window = s.retry->budget->window;
        p.budgets.push_back(std::make_unique<resilience::RetryBudget>(loop_, bc));
        step.budget = p.budgets.back().get();
      }
    }
    if (!s.bulkhead.empty()) step.bulkhead = p.bulkheads.at(s.bulkhead).get();
    if (!s.rate_limiter.empty()) step.rate_limiter = p.rate_limiters.at(s.rate_limiter).get();
    return step;
  };

  std::vector<sim::EndpointSpec> endpoints;
  for (const auto& ec : e.endpoints) {
    sim::EndpointSpec ep;
    ep.name = ec.name;
    if (ec.timeout.has_value()) ep.timeout = *ec.timeout;
    // A live server does not know its clients' timeouts: they give up on their side.
    ep.client_timeout = live != nullptr ? Duration::zero() : ec.client_timeout.value_or(e.load.client_timeout);
    ep.expected_status = ec.expected_status;
    for (const auto& s : ec.steps) ep.steps.push_back(make_step(s));
    if (ec.degradation.has_value()) {
      sim::DegradationSpec d;
      d.config.strategy = ec.degradation->strategy == DegradationStrategy::kFailFast
                              ? resilience::DegradationStrategy::kFailFast
                              : resilience::DegradationStrategy::kBestEffort;
      d.config.global_timeout = ec.degradation->global_timeout;
      for (const auto& sc : ec.degradation->services) {
        resilience::ServiceConfig svc;
        svc.name = sc.name;
        svc.priority = sc.priority == Priority::kCritical   ? resilience::Priority::kCritical
                       : sc.priority == Priority::kOptional ? resilience::Priority::kOptional
                                                            : resilience::Priority::kImportant;
        if (sc.timeout.has_value()) svc.timeout = *sc.timeout;
        svc.fallback = sc.fallback;
        d.config.services.push_back(std::move(svc));
        StepConfig as_step;
        as_step.call = sc.call;
        as_step.breaker = sc.breaker;
        // The service's timeout also bounds its call, so a breaker on it counts the timeout.
        as_step.timeout = sc.timeout;
        d.calls.push_back(make_step(as_step));
      }
      ep.degradation = std::move(d);
    }
    endpoints.push_back(std::move(ep));
  }

  // --- the API and its faults ---
  sim::ApiSpec api;
  api.workers = e.api.workers;
  api.queue_limit = e.api.queue_limit;
  api.overhead = e.api.overhead;
  api.cancel_on_client_timeout = e.api.cancel_on_client_timeout;
  api.records_outcomes = live == nullptr;
  if (live == nullptr || live->serve_api) {
    p.api = std::make_unique<sim::ApiModel>(loop_, *metrics_, api, std::move(endpoints), p.dependencies, e.seed);
  }
  if (p.api != nullptr) {
    std::vector<faults::Fault> mine;
    std::vector<sim::CallDraws> streams;
    for (const auto& f : p.faults) {
      if (e.faults[f.index].target != "api") continue;
      mine.push_back(f);
      streams.push_back(faults::fault_draws(e.seed, f.index));
    }
    if (!mine.empty()) {
      p.faulty_api = std::make_unique<faults::FaultyApi>(loop_, *p.api, std::move(mine), std::move(streams), *metrics_);
      p.faulty_api->arm();
    }
  }

  // --- clients ---
  sim::RequestSink* sink = live != nullptr ? live->sink(loop_, *metrics_) : p.api.get();
  p.load = std::make_unique<sim::LoadGenerator>(loop_, load_spec(e), e.seed, *sink);
  p.load->start();

  p.breaker_states.resize(p.breakers.size());
}

World::~World() = default;

// Closes the virtual second [next_boundary_ - 1 s, next_boundary_) (or the partial last one).
void World::tick() {
  Parts& p = *parts_;
  const Instant second_end = std::min(next_boundary_, end_);
  const Instant second_start = next_boundary_ - std::chrono::seconds(1);
  for (const auto& f : p.faults) {
    if (f.overlaps(second_start, second_end)) metrics_->on_fault_active(f.index);
  }
  for (std::size_t i = 0; i < p.breakers.size(); ++i) {
    switch (p.breakers[i]->state()) {
      case resilience::BreakerState::kClosed: p.breaker_states[i] = sim::BreakerSecondState::kClosed; break;
      case resilience::BreakerState::kHalfOpen: p.breaker_states[i] = sim::BreakerSecondState::kHalfOpen; break;
      case resilience::BreakerState::kOpen: p.breaker_states[i] = sim::BreakerSecondState::kOpen; break;
    }
  }
  metrics_->close_second(p.api != nullptr ? static_cast<std::uint32_t>(p.api->busy_workers()) : 0,
                         p.api != nullptr ? static_cast<std::uint32_t>(p.api->queued()) : 0, p.breaker_states);
}

// Seconds are closed between events rather than by a tick event: an event at exactly a second
// boundary belongs to the second it starts, whatever order it was scheduled in.
void World::run_until(Instant t) {
  t = std::min(t, end_);
  if (t <= measured_until_) return;
  constexpr Duration kTick = std::chrono::nanoseconds(1);
  while (next_boundary_ <= t) {
    loop_.run_until(next_boundary_ - kTick);
    tick();
    next_boundary_ += std::chrono::seconds(1);
  }
  loop_.run_until(t - kTick);
  measured_until_ = t;
}

void World::finish() {
  if (finished_) return;
  finished_ = true;
  Parts& p = *parts_;
  // A run whose duration is not a whole number of seconds ends with a partial second.
  if (measured_until_ == end_ && next_boundary_ - std::chrono::seconds(1) < end_ && next_boundary_ > end_) tick();
  // The state at duration_s, before the drain.
  for (std::size_t i = 0; i < p.breakers.size(); ++i) {
    auto& bm = metrics_->breakers()[i];
    bm.state_at_end = resilience::to_string(p.breakers[i]->state());
    bm.failure_count_at_end = p.breakers[i]->failure_count();
    bm.health_at_end = resilience::to_string(p.breakers[i]->health_status());
  }
  auto& c = metrics_->coalescing();
  for (const auto& co : p.coalescers) {
    const auto& s = co->counters();
    c.requests += s.requests;
    c.executions += s.executions;
    c.cache_hits += s.cache_hits;
    c.joined_in_flight += s.joined_in_flight;
    c.overlapping_executions += co->overlapping_executions();
  }
  // An interrupted run reports what it measured; only a whole run drains (a live run has
  // drained in real time already: advance_live).
  if (measured_until_ == end_ && !live_) drain();
  auto& totals = metrics_->mutable_totals();
  totals.unfinished = metrics_->in_flight();
  if (totals.unfinished > 0 && experiment_.load.unanswered == Unanswered::kFail && p.api != nullptr && !live_) {
    p.api->fail_unanswered();
  }
  metrics_->close_drain(loop_.now());
}

// No request is sent after the end (the load stops there); the world keeps running until every
// request in flight has its outcome or the drain's time is up, like k6's gracefulStop.
void World::drain() {
  draining_ = true;
  Duration longest_client_timeout{};
  for (const auto& ep : parts_->api->endpoints()) longest_client_timeout = std::max(longest_client_timeout, ep.client_timeout);
  const Duration drain = experiment_.load.drain.value_or(
      longest_client_timeout.count() > 0 ? longest_client_timeout : Duration(std::chrono::seconds(30)));
  const Instant limit = end_ + drain;
  while (metrics_->in_flight() > 0 && loop_.run_one_until(limit)) {
  }
  // Still waiting: those clients waited until the drain's end (their latency from there).
  if (metrics_->in_flight() > 0) loop_.run_until(limit);
}

void World::advance_live(Instant t) {
  if (t <= end_) {
    run_until(t);
    return;
  }
  run_until(end_);
  draining_ = true;
  loop_.run_until(t - std::chrono::nanoseconds(1));
}

sim::ApiModel* World::api() { return parts_->api.get(); }

std::vector<World::BreakerView> World::breakers() const {
  std::vector<BreakerView> out;
  const Parts& p = *parts_;
  for (std::size_t i = 0; i < p.breakers.size(); ++i) {
    BreakerView v;
    v.name = metrics_->breakers()[i].name;
    v.type = metrics_->breakers()[i].type;
    v.state = resilience::to_string(p.breakers[i]->state());
    v.health = resilience::to_string(p.breakers[i]->health_status());
    v.failure_count = p.breakers[i]->failure_count();
    out.push_back(std::move(v));
  }
  return out;
}

}  // namespace faultline::experiments

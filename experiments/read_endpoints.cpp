// The endpoints: their steps (with retry, coalescing, breakers, bulkheads, rate limiters) and
// graceful degradation; and the breaker types implied by the dependencies they guard.
#include <fmt/format.h>

#include <map>

#include "experiments/sections.h"

namespace faultline::experiments {

using nlohmann::json;

namespace {

const Range kTimeoutMs = Range::above(0, kMaxMillis);

// The names steps may refer to, with where they are declared (for messages).
struct Known {
  std::vector<std::string> dependencies, breakers, bulkheads, rate_limiters;
};

std::optional<RetryBudgetConfig> read_budget(ReadContext& ctx, const json& v,
                                             const std::string& p) {
  const Fields f(ctx, v, p, Keys::kRetryBudget);
  RetryBudgetConfig b;
  if (auto m = f.choice<BudgetMode>("mode", Vocabulary::kBudgetMode, "budget mode")) b.mode = *m;
  // Each mode's keys only: a ratio written beside mode "concurrency" would silently do nothing.
  if (b.mode == BudgetMode::kRatio) {
    f.refuse("budget_percent", "to mode \"concurrency\"");
    f.refuse("min_retry_concurrency", "to mode \"concurrency\"");
    if (auto r = f.number("ratio", Range::unit())) b.ratio = *r;
    if (auto m = f.number("min_per_s", Range::at_least(0, kMaxRps))) b.min_per_s = *m;
    if (auto w = f.seconds("window_s", Range::above(0, kMaxSeconds))) b.window = *w;
  } else {
    f.refuse("ratio", "to mode \"ratio\"");
    f.refuse("min_per_s", "to mode \"ratio\"");
    f.refuse("window_s", "to mode \"ratio\"");
    if (auto pct = f.number("budget_percent", Range::percent())) b.budget_percent = *pct;
    if (auto m = f.integer("min_retry_concurrency", 0, kMaxConcurrency))
      b.min_retry_concurrency = static_cast<int>(*m);
  }
  return b;
}

RetryConfig read_retry(ReadContext& ctx, const json& v, const std::string& p) {
  const Fields f(ctx, v, p, Keys::kRetry);
  RetryConfig r;
  if (auto m = f.integer("max_attempts", 1, kMaxAttempts, Need::kRequired))
    r.max_attempts = static_cast<int>(*m);
  if (auto b = f.choice<Backoff>("backoff", Vocabulary::kBackoff, "backoff")) r.backoff = *b;
  const auto base = f.millis("base_ms", Range::at_least(0, kMaxMillis));
  const auto max = f.millis("max_ms", Range::at_least(0, kMaxMillis));
  if (base) r.base = *base;
  if (max) {
    r.max = *max;
    if (r.max < r.base)
      ctx.error(f.pointer("max_ms"), fmt::format("must be >= base_ms ({})", to_millis(r.base)));
  } else {
    r.max = std::max(r.max, r.base);  // a written base above the default cap raises the cap
  }
  if (auto j = f.choice<Jitter>("jitter", Vocabulary::kJitter, "jitter")) r.jitter = *j;
  if (auto o = f.choice<OnBreakerOpen>("on_breaker_open", Vocabulary::kOnBreakerOpen,
                                       "on_breaker_open value"))
    r.on_breaker_open = *o;
  if (const json* b = f.find("budget")) r.budget = read_budget(ctx, *b, f.pointer("budget"));
  return r;
}

CoalesceConfig read_coalesce(ReadContext& ctx, const json& v, const std::string& p) {
  const Fields f(ctx, v, p, Keys::kCoalesce);
  CoalesceConfig c;
  if (auto k = f.choice<CoalesceKey>("key", Vocabulary::kCoalesceKey, "coalescing key")) c.key = *k;
  if (auto t = f.millis("ttl_ms", Range::at_least(0, kMaxMillis))) c.ttl = *t;
  return c;
}

// `call` and `breaker`, shared by steps and degradation services.
void read_call(const Fields& f, const Known& known, std::string& call, std::string& breaker) {
  ReadContext& ctx = f.context();
  if (auto c = f.string("call", Need::kRequired, kMaxNameBytes * 10)) {
    if (check_reference(ctx, f.pointer("call"), "dependency", *c, known.dependencies,
                        "dependencies"))
      call = *c;
  }
  if (auto b = f.string("breaker", Need::kOptional, kMaxNameBytes * 10)) {
    if (check_reference(ctx, f.pointer("breaker"), "breaker", *b, known.breakers,
                        "resilience.circuit_breakers")) {
      breaker = *b;
    }
  }
}

StepConfig read_step(ReadContext& ctx, const json& v, const std::string& p, const Known& known) {
  const Fields f(ctx, v, p, Keys::kStep);
  StepConfig s;
  read_call(f, known, s.call, s.breaker);
  if (auto t = f.millis("timeout_ms", kTimeoutMs)) s.timeout = *t;
  if (const json* c = f.find("coalesce"))
    s.coalesce = read_coalesce(ctx, *c, f.pointer("coalesce"));
  if (const json* r = f.find("retry")) s.retry = read_retry(ctx, *r, f.pointer("retry"));
  if (auto b = f.boolean("fallback")) s.fallback = *b;
  if (auto b = f.string("bulkhead", Need::kOptional, kMaxNameBytes * 10)) {
    if (check_reference(ctx, f.pointer("bulkhead"), "bulkhead", *b, known.bulkheads,
                        "resilience.bulkheads")) {
      s.bulkhead = *b;
    }
  }
  if (auto l = f.string("rate_limiter", Need::kOptional, kMaxNameBytes * 10)) {
    if (check_reference(ctx, f.pointer("rate_limiter"), "rate limiter", *l, known.rate_limiters,
                        "resilience.rate_limiters")) {
      s.rate_limiter = *l;
    }
  }
  return s;
}

DegradationConfig read_degradation(ReadContext& ctx, const json& v, const std::string& p,
                                   const Known& known) {
  const Fields f(ctx, v, p, Keys::kDegradation);
  DegradationConfig d;
  if (auto s = f.choice<DegradationStrategy>("strategy", Vocabulary::kStrategy, "strategy"))
    d.strategy = *s;
  if (auto t = f.millis("global_timeout_ms", kTimeoutMs)) d.global_timeout = *t;
  const json* services = f.array("services", Need::kRequired);
  if (services == nullptr) return d;
  if (services->empty()) ctx.error(f.pointer("services"), "needs at least one service");
  std::map<std::string, std::size_t> seen;
  for (std::size_t i = 0; i < services->size(); ++i) {
    const std::string sp = pointer_append(f.pointer("services"), i);
    const Fields sf(ctx, (*services)[i], sp, Keys::kDegradationService);
    DegradationServiceConfig s;
    if (auto n = sf.string("name", Need::kRequired, kMaxNameBytes * 10)) {
      if (check_component_name(ctx, *n, sf.pointer("name"), "service")) {
        if (auto [it, fresh] = seen.emplace(*n, i); !fresh) {
          ctx.error(sf.pointer("name"),
                    fmt::format("service {} is already defined at {}", quote(*n),
                                pointer_append(f.pointer("services"), it->second)));
        }
        s.name = *n;
      }
    }
    read_call(sf, known, s.call, s.breaker);
    if (auto pr = sf.choice<Priority>("priority", Vocabulary::kPriority, "priority"))
      s.priority = *pr;
    if (auto t = sf.millis("timeout_ms", kTimeoutMs)) s.timeout = *t;
    if (auto b = sf.boolean("fallback")) s.fallback = *b;
    d.services.push_back(std::move(s));
  }
  return d;
}

// A breaker's type, when the file does not write it, is the type of the first dependency
// called through it (endpoints in order, steps before degradation services): a breaker named
// after what it guards then gets the guide's defaults for that kind of service.
void infer_breaker_types(const std::set<std::string>& typed, Experiment& e) {
  std::map<std::string, std::string> dependency_type;
  for (const auto& d : e.dependencies) dependency_type[d.name] = d.type;
  std::set<std::string> done = typed;
  auto visit = [&](const std::string& breaker, const std::string& call) {
    if (breaker.empty() || call.empty() || done.count(breaker) != 0) return;
    const auto b = e.breakers.find(breaker);
    const auto d = dependency_type.find(call);
    if (b == e.breakers.end() || d == dependency_type.end()) return;
    b->second.type = d->second;
    done.insert(breaker);
  };
  for (const auto& ep : e.endpoints) {
    for (const auto& s : ep.steps) visit(s.breaker, s.call);
    if (ep.degradation) {
      for (const auto& s : ep.degradation->services) visit(s.breaker, s.call);
    }
  }
}

}  // namespace

void read_endpoints(const Fields& root, const std::set<std::string>& typed_breakers,
                    Experiment& e) {
  ReadContext& ctx = root.context();
  Known known;
  known.dependencies = dependency_names(e);
  known.breakers = breaker_names(e);
  for (const auto& [name, b] : e.bulkheads) known.bulkheads.push_back(name);
  for (const auto& [name, l] : e.rate_limiters) known.rate_limiters.push_back(name);

  const json* endpoints = root.array("endpoints", Need::kRequired);
  if (endpoints == nullptr) return;
  if (endpoints->empty()) {
    ctx.error(root.pointer("endpoints"), "needs at least one endpoint");
    return;
  }
  std::map<std::string, std::size_t> seen;
  double total_weight = 0;
  bool weights_ok = true;
  for (std::size_t i = 0; i < endpoints->size(); ++i) {
    const Fields f(ctx, (*endpoints)[i], pointer_append(root.pointer("endpoints"), i),
                   Keys::kEndpoint);
    EndpointConfig ep;
    if (auto n = f.string("name", Need::kRequired, kMaxNameBytes * 10)) {
      if (check_component_name(ctx, *n, f.pointer("name"), "endpoint")) {
        if (auto [it, fresh] = seen.emplace(*n, i); !fresh) {
          ctx.error(f.pointer("name"),
                    fmt::format("endpoint {} is already defined at /endpoints/{}", quote(*n),
                                it->second));
        }
        ep.name = *n;
      }
    }
    if (auto m = f.choice_index("method", Vocabulary::kMethod, "method", Need::kOptional)) {
      ep.method = words(Vocabulary::kMethod)[*m];
    }
    if (auto p = f.string("path", Need::kOptional, 2048)) ep.path = *p;
    if (f.has("weight")) {
      const auto w = f.number("weight", Range::at_least(0, kMaxWeight));
      weights_ok = weights_ok && w.has_value();
      if (w) ep.weight = *w;
    }
    total_weight += ep.weight;
    if (auto t = f.millis("timeout_ms", kTimeoutMs)) ep.timeout = *t;
    if (auto t = f.millis("client_timeout_ms", Range::at_least(0, kMaxMillis))) ep.client_timeout = *t;
    if (auto s = f.integer("expected_status", 100, 599)) ep.expected_status = static_cast<int>(*s);
    if (const json* steps = f.array("steps")) {
      for (std::size_t k = 0; k < steps->size(); ++k) {
        ep.steps.push_back(
            read_step(ctx, (*steps)[k], pointer_append(f.pointer("steps"), k), known));
      }
    }
    if (const json* d = f.find("degradation"))
      ep.degradation = read_degradation(ctx, *d, f.pointer("degradation"), known);
    e.endpoints.push_back(std::move(ep));
  }
  if (weights_ok && total_weight <= 0) {
    ctx.error(root.pointer("endpoints"),
              "endpoint weights sum to 0: at least one endpoint needs a weight > 0");
  }
  infer_breaker_types(typed_breakers, e);
}

}  // namespace faultline::experiments

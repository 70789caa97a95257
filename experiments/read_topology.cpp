// The sections that declare things: the API, the dependencies and the resilience components.
#include <fmt/format.h>

#include <algorithm>

#include "experiments/distribution_reader.h"
#include "experiments/sections.h"
#include "experiments/suggest.h"

namespace faultline::experiments {

using nlohmann::json;

bool check_reference(ReadContext& ctx, const std::string& pointer, std::string_view what,
                     const std::string& name, const std::vector<std::string>& known,
                     std::string_view declared_in) {
  if (std::find(known.begin(), known.end(), name) != known.end()) return true;
  if (known.empty()) {
    ctx.error(pointer,
              fmt::format("unknown {} {} (none declared in {})", what, quote(name), declared_in));
    return false;
  }
  std::string msg = fmt::format("unknown {} {} (known: {})", what, quote(name), known_list(known));
  if (const auto near = closest(name, known); near && known.size() > 12) {
    msg += fmt::format("; did you mean {}?", quote(*near));
  }
  ctx.error(pointer, msg);
  return false;
}

std::vector<std::string> dependency_names(const Experiment& e) {
  std::vector<std::string> names;
  for (const auto& d : e.dependencies) names.push_back(d.name);
  return names;
}

std::vector<std::string> breaker_names(const Experiment& e) {
  std::vector<std::string> names;
  for (const auto& [name, b] : e.breakers) names.push_back(name);
  return names;
}

void read_api(const Fields& root, Experiment& e) {
  const json* api = root.get("api", Need::kOptional);
  if (api == nullptr) return;
  const Fields f(root.context(), *api, root.pointer("api"), Keys::kApi);
  if (auto v = f.integer("workers", 1, kMaxConcurrency)) e.api.workers = static_cast<int>(*v);
  if (auto v = f.integer("queue_limit", 0, kMaxQueue)) e.api.queue_limit = *v;
  if (auto v = f.boolean("cancel_on_client_timeout")) e.api.cancel_on_client_timeout = *v;
  if (const json* d = f.find("overhead_ms")) {
    if (auto dist = read_distribution(f.context(), *d, f.pointer("overhead_ms")))
      e.api.overhead = *dist;
  }
}

void read_dependencies(const Fields& root, Experiment& e) {
  ReadContext& ctx = root.context();
  for_each_named(
      root, "dependencies", "dependency",
      [&](const std::string& name, const json& v, const std::string& p) {
        if (name == "api") {
          ctx.error(p, "\"api\" is reserved: a fault with target \"api\" breaks the API itself");
          return;
        }
        const Fields f(ctx, v, p, Keys::kDependency);
        DependencyConfig d;
        d.name = name;
        if (auto t = f.choice_index("type", Vocabulary::kDependencyType, "dependency type",
                                    Need::kOptional)) {
          d.type = words(Vocabulary::kDependencyType)[*t];
        }
        if (auto c = f.integer("concurrency", 1, kMaxConcurrency))
          d.concurrency = static_cast<int>(*c);
        if (auto q = f.integer("queue_limit", 0, kMaxQueue)) d.queue_limit = *q;
        if (const json* l = f.find("latency_ms")) {
          if (auto dist = read_distribution(ctx, *l, f.pointer("latency_ms"))) d.latency = *dist;
        }
        if (auto r = f.number("error_rate", Range::unit())) d.error_rate = *r;
        e.dependencies.push_back(std::move(d));
      });
}

namespace {

void read_breaker(const Fields& f, BreakerConfig& b) {
  const Range positive_ms = Range::above(0, kMaxMillis);
  if (auto v = f.integer("failure_threshold", 0, kMaxCount))
    b.failure_threshold = static_cast<int>(*v);
  if (auto v = f.millis("recovery_timeout_ms", Range::at_least(0, kMaxMillis)))
    b.recovery_timeout = *v;
  if (auto v = f.number("expected_failure_rate", Range::percent())) b.expected_failure_rate = *v;
  if (auto v = f.choice<RateComparison>("failure_rate_comparison", Vocabulary::kRateComparison,
                                        "failure_rate_comparison value"))
    b.failure_rate_comparison = *v;
  if (auto v = f.millis("monitoring_window_ms", positive_ms)) b.monitoring_window = *v;
  if (auto v = f.integer("minimum_calls", 1, kMaxCount)) b.minimum_calls = static_cast<int>(*v);
  if (auto v = f.integer("half_open_max_calls", 1, kMaxCount))
    b.half_open_max_calls = static_cast<int>(*v);
  if (auto v = f.millis("slow_call_ms", positive_ms)) b.slow_call_threshold = *v;
  if (auto v = f.boolean("count_deadline_cancellations")) b.count_deadline_cancellations = *v;
}

}  // namespace

std::set<std::string> read_resilience(const Fields& root, Experiment& e) {
  std::set<std::string> typed;
  const json* resilience = root.get("resilience", Need::kOptional);
  if (resilience == nullptr) return typed;
  ReadContext& ctx = root.context();
  const Fields r(ctx, *resilience, root.pointer("resilience"), Keys::kResilience);
  for_each_named(r, "circuit_breakers", "breaker",
                 [&](const std::string& name, const json& v, const std::string& p) {
                   const Fields f(ctx, v, p, Keys::kCircuitBreaker);
                   BreakerConfig b;
                   b.name = name;
                   if (auto t = f.choice_index("type", Vocabulary::kDependencyType, "breaker type",
                                               Need::kOptional)) {
                     b.type = words(Vocabulary::kDependencyType)[*t];
                     typed.insert(name);
                   }
                   read_breaker(f, b);
                   e.breakers[name] = std::move(b);
                 });
  if (const json* c = r.get("coalescing", Need::kOptional)) {
    const Fields f(ctx, *c, r.pointer("coalescing"), Keys::kCoalescing);
    if (auto v = f.millis("ttl_ms", Range::at_least(0, kMaxMillis))) e.coalescing.ttl = *v;
    if (auto v = f.integer("max_cache_size", 1, kMaxQueue)) e.coalescing.max_cache_size = *v;
  }
  for_each_named(r, "bulkheads", "bulkhead",
                 [&](const std::string& name, const json& v, const std::string& p) {
                   const Fields f(ctx, v, p, Keys::kBulkhead);
                   BulkheadConfig b;
                   b.name = name;
                   if (auto m = f.integer("max_concurrent", 1, kMaxConcurrency, Need::kRequired))
                     b.max_concurrent = static_cast<int>(*m);
                   if (auto q = f.integer("max_queue", 0, kMaxConcurrency))
                     b.max_queue = static_cast<int>(*q);
                   if (auto w = f.millis("max_wait_ms", Range::above(0, kMaxMillis)))
                     b.max_wait = *w;
                   e.bulkheads[name] = std::move(b);
                 });
  for_each_named(
      r, "rate_limiters", "rate limiter",
      [&](const std::string& name, const json& v, const std::string& p) {
        const Fields f(ctx, v, p, Keys::kRateLimiter);
        RateLimiterConfig l;
        l.name = name;
        const auto rate = f.number("rate_per_s", Range::above(0, kMaxRps), Need::kRequired);
        if (rate) l.rate_per_s = *rate;
        // A bucket smaller than one token would never admit a call.
        const auto burst = f.number("burst", Range::at_least(1, static_cast<double>(kMaxCount)));
        l.burst = burst ? *burst : std::max(1.0, l.rate_per_s);
        e.rate_limiters[name] = std::move(l);
      });
  return typed;
}

}  // namespace faultline::experiments

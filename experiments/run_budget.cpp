#include "experiments/run_budget.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "experiments/alert_rules.h"
#include "experiments/limits.h"
#include "sim/histogram.h"
#include "sim/metrics.h"

namespace faultline::experiments {

namespace {

// The integral (target x seconds) of the load's target over the run: k6-style linear ramps
// from 0, then the last target held; without stages, `constant` throughout.
double target_seconds(const LoadConfig& l, double constant, double run_s) {
  if (l.stages.empty()) return constant * run_s;
  double from = 0;
  double t = 0;
  double area = 0;
  for (const StageConfig& s : l.stages) {
    if (t >= run_s) break;
    const double d = to_seconds(s.duration);
    const double covered = std::min(d, run_s - t);
    const double reached = d > 0 ? from + (s.target - from) * covered / d : s.target;
    area += covered * (from + reached) / 2;
    t += covered;
    from = s.target;
  }
  if (t < run_s) area += from * (run_s - t);
  return area;
}

double whole_seconds_of(Duration d) { return std::ceil(to_seconds(d)); }

// A count in a message: exact while short, else two significant digits ("2.6e12").
std::string approx(double n) {
  if (n < 1e7) return fmt::format("{:.0f}", n);
  int exponent = static_cast<int>(std::floor(std::log10(n)));
  double mantissa = std::round(n / std::pow(10.0, exponent) * 10) / 10;
  if (mantissa >= 10) {
    mantissa /= 10;
    ++exponent;
  }
  return fmt::format("{}e{}", mantissa, exponent);
}

std::string gib(double bytes) { return fmt::format("{:.1f} GiB", bytes / (1u << 30)); }

}  // namespace

RunEstimate estimate_run(const Experiment& e) {
  RunEstimate out;
  const LoadConfig& l = e.load;
  const double run_s = to_seconds(e.duration);
  if (l.model == LoadModel::kOpen) {
    out.requests = target_seconds(l, l.rps, run_s);
  } else {
    const double think_s = l.think.mean_ms() / 1000;
    const double user_seconds = target_seconds(l, l.users, run_s);
    // An infinite mean (a Pareto with shape <= 1) leaves each user its first request.
    out.requests = (std::isfinite(think_s) && think_s > 0 ? user_seconds / think_s : 0) + l.users;
    double from = 0;
    for (const StageConfig& s : l.stages) {
      out.user_changes += std::fabs(std::floor(s.target) - std::floor(from));
      from = s.target;
    }
  }

  double weighted_calls = 0;
  double weights = 0;
  for (std::size_t i = 0; i < e.endpoints.size(); ++i) {
    const EndpointConfig& ep = e.endpoints[i];
    std::size_t calls = 0;
    for (const StepConfig& s : ep.steps)
      calls += s.retry ? static_cast<std::size_t>(std::max(1, s.retry->max_attempts)) : 1;
    if (ep.degradation) {
      calls += ep.degradation->services.size();
      out.parallel_calls = std::max(out.parallel_calls, ep.degradation->services.size());
    }
    if (calls > out.calls_per_request) {
      out.calls_per_request = calls;
      out.busiest_endpoint = i;
    }
    weighted_calls += ep.weight * static_cast<double>(calls);
    weights += ep.weight;
  }
  if (weights > 0) out.dependency_calls = out.requests * (weighted_calls / weights);
  out.in_flight = l.model == LoadModel::kClosed
                      ? static_cast<double>(l.users)
                      : std::min(out.requests, static_cast<double>(e.api.workers) +
                                                   static_cast<double>(e.api.queue_limit));

  const double seconds = whole_seconds_of(e.duration);
  const std::vector<AlertRule> rules = effective_alert_rules(e);
  const std::vector<Duration> windows = latency_windows(rules);
  const double breakers = static_cast<double>(e.breakers.size());
  constexpr double kRingSlotBytes = sizeof(sim::CoarseLatencyHistogram);
  constexpr double kCounterBytes =
      sim::CoarseLatencyHistogram::kBucketCount * sizeof(std::uint64_t);
  for (Duration w : windows) {
    const double slots = std::max(1.0, whole_seconds_of(w));
    out.window_ring_bytes += slots * kRingSlotBytes + std::min(slots, seconds) * kCounterBytes;
  }
  const double per_second = sizeof(sim::TimelineRow) + breakers +
                            static_cast<double>(windows.size()) * 2 * sizeof(float);
  out.record_bytes = seconds * per_second + out.window_ring_bytes;

  for (const AlertRule& rule : rules) {
    const auto signal = parse_alert_signal(rule.sli);
    const bool every_breaker =
        signal && signal->kind == AlertSignalKind::kBreakerOpen && signal->breaker.empty();
    out.alert_evaluations += seconds * (every_breaker ? std::max(1.0, breakers) : 1.0);
  }
  return out;
}

void check_run_budget(ReadContext& ctx, const Experiment& e) {
  const LoadConfig& l = e.load;
  const bool closed = l.model == LoadModel::kClosed;
  const double think_ms = l.think.mean_ms();
  if (closed && think_ms < kMinMeanThinkMillis) {
    // A user answered at once (an open breaker, a full queue, an outage) would otherwise send
    // its next request at the same virtual instant, again and again: time would never move.
    ctx.error("/load/think_ms",
              fmt::format("the mean think time is {} ms; it must be at least {} ms, or users "
                          "answered at once (an open breaker, a full queue) would send requests "
                          "without end at one virtual instant",
                          think_ms, kMinMeanThinkMillis));
    return;
  }

  const RunEstimate cost = estimate_run(e);
  const double run_s = to_seconds(e.duration);
  if (cost.requests > kMaxRequests) {
    const std::string how =
        closed ? fmt::format("{} users{}, each thinking {} ms on average, for {} s", l.users,
                             l.stages.empty() ? "" : " at the peak", think_ms, run_s)
               : fmt::format("{} rps{} for {} s", l.rps, l.stages.empty() ? "" : " at the peak",
                             run_s);
    ctx.error("/load", fmt::format("the clients would send about {} requests ({}); the limit is "
                                   "{} a run: lower the load or shorten duration_s",
                                   approx(cost.requests), how, approx(kMaxRequests)));
  }
  if (cost.user_changes > kMaxUserChanges) {
    ctx.error("/load/stages",
              fmt::format("the stages add and remove {} users in all, each change an event "
                          "scheduled when the run starts; the limit is {}",
                          approx(cost.user_changes), approx(kMaxUserChanges)));
  }
  if (cost.calls_per_request > kMaxCallsPerRequest) {
    ctx.error(pointer_append("/endpoints", cost.busiest_endpoint),
              fmt::format("one request can make {} dependency calls (each step's retry attempts, "
                          "plus the degradation services); the limit is {}",
                          cost.calls_per_request, kMaxCallsPerRequest));
  }
  if (cost.dependency_calls > kMaxDependencyCalls) {
    ctx.error("/endpoints",
              fmt::format("the requests would make about {} dependency calls (about {} requests, "
                          "{} calls each on average, retries counted in full); the limit is {} "
                          "a run: lower the load, shorten duration_s or make fewer calls",
                          approx(cost.dependency_calls), approx(cost.requests),
                          cost.dependency_calls / cost.requests, approx(kMaxDependencyCalls)));
  }
  const double in_flight_calls = cost.in_flight * static_cast<double>(cost.parallel_calls);
  if (in_flight_calls > kMaxInFlight) {
    const std::string held =
        closed ? fmt::format("{} users", l.users)
               : fmt::format("workers + queue_limit = {}",
                             approx(static_cast<double>(e.api.workers) +
                                    static_cast<double>(e.api.queue_limit)));
    ctx.error(closed ? "/load" : "/api",
              fmt::format("up to {} requests in flight at once ({}), each with up to {} calls "
                          "in flight: {} in all; the limit is {}",
                          approx(cost.in_flight), held, cost.parallel_calls,
                          approx(in_flight_calls), approx(kMaxInFlight)));
  }
  if (cost.record_bytes > kMaxRecordBytes) {
    const bool windows = cost.window_ring_bytes > cost.record_bytes / 2;
    ctx.error(windows ? "/alerts" : "/duration_s",
              fmt::format("the run would keep about {} of per-second records ({} s; {} breakers; "
                          "{} of latency alert windows); the limit is {}: shorten duration_s, or "
                          "use fewer breakers or shorter latency alert windows",
                          gib(cost.record_bytes), std::ceil(run_s), e.breakers.size(),
                          gib(cost.window_ring_bytes), gib(kMaxRecordBytes)));
  }
  if (cost.alert_evaluations > kMaxAlertEvaluations) {
    ctx.error("/alerts",
              fmt::format("evaluating the alert rules would take about {} steps (each rule each "
                          "second, a breaker_open rule once per breaker); the limit is {}: use "
                          "fewer rules, breakers or seconds",
                          approx(cost.alert_evaluations), approx(kMaxAlertEvaluations)));
  }
}

}  // namespace faultline::experiments

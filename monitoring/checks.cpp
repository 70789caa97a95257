#include "monitoring/checks.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "experiments/check_windows.h"
#include "monitoring/sli.h"

namespace faultline::monitoring {

namespace {

using experiments::ExpectKind;
using experiments::Expectation;

constexpr std::size_t kInstantsListed = 10;  // open transitions named in a detail

// A number as written by a person: at most 3 decimals, no trailing zeros ("15", "1.5").
std::string num(double v) {
  std::string s = fmt::format("{:.3f}", v);
  s.erase(s.find_last_not_of('0') + 1);
  if (s.back() == '.') s.pop_back();
  return s == "-0" ? "0" : s;
}

std::string secs(double s) { return fmt::format("{:.3f} s", s); }
std::string secs(Instant t) { return secs(to_seconds(t)); }

const sim::BreakerMetrics* find_breaker(const sim::Metrics& m, const std::string& name) {
  for (const auto& b : m.breakers()) {
    if (b.name == name) return &b;
  }
  return nullptr;
}

const sim::DependencyMetrics* find_dependency(const sim::Metrics& m, const std::string& name) {
  for (const auto& d : m.dependencies()) {
    if (d.name == name) return &d;
  }
  return nullptr;
}

// The breaker's state just before `t`: the target of the last transition before it.
std::string state_before(const sim::BreakerMetrics& b, Instant t) {
  std::string state = "CLOSED";
  for (const auto& tr : b.transitions) {
    if (tr.at >= t) break;
    state = tr.to;
  }
  return state;
}

std::vector<Instant> open_instants(const sim::BreakerMetrics& b) {
  std::vector<Instant> out;
  for (const auto& tr : b.transitions) {
    if (tr.to == "OPEN") out.push_back(tr.at);
  }
  return out;
}

std::string instants_list(const std::vector<Instant>& instants) {
  std::string out;
  for (std::size_t i = 0; i < instants.size() && i < kInstantsListed; ++i) {
    out += (i == 0 ? "" : ", ") + secs(instants[i]);
  }
  if (instants.size() > kInstantsListed) out += fmt::format(", and {} more", instants.size() - kInstantsListed);
  return out;
}

struct FaultWindow {
  Instant start{}, end{};
};

// The fault's [start, end), its end bounded by the run's configured duration.
std::optional<FaultWindow> fault_window(const experiments::Experiment& e, int index) {
  if (index < 0 || static_cast<std::size_t>(index) >= e.faults.size()) return std::nullopt;
  const experiments::FaultConfig& f = e.faults[static_cast<std::size_t>(index)];
  const Instant end = f.duration ? std::min(f.start + *f.duration, e.duration) : e.duration;
  return FaultWindow{f.start, end};
}

CheckResult fail(std::string detail) { return CheckResult{"", false, std::move(detail), "", "", true}; }
CheckResult pass(std::string detail) { return CheckResult{"", true, std::move(detail), "", "", true}; }

CheckResult opens_within(const sim::BreakerMetrics& b, const FaultWindow& f, const Expectation& x) {
  for (const auto& tr : b.transitions) {
    if (tr.at < f.start || tr.to != "OPEN") continue;
    const Duration after = tr.at - f.start;
    std::string detail = fmt::format("opened at {}, {} after fault {} started", secs(tr.at), secs(after), x.fault);
    if (after <= x.within) return pass(std::move(detail));
    return fail(fmt::format("{} (limit {} s)", detail, num(to_seconds(x.within))));
  }
  std::string detail = fmt::format("did not open after fault {} started at {}", x.fault, secs(f.start));
  const std::string before = state_before(b, f.start);
  if (before != "CLOSED") detail += fmt::format("; it was already {} then", before);
  return fail(std::move(detail));
}

CheckResult closes_within(const sim::BreakerMetrics& b, const FaultWindow& f, const Expectation& x) {
  if (state_before(b, f.end) == "CLOSED") {
    return pass(fmt::format("already CLOSED when fault {} ended at {}", x.fault, secs(f.end)));
  }
  for (const auto& tr : b.transitions) {
    if (tr.at < f.end || tr.to != "CLOSED") continue;
    const Duration after = tr.at - f.end;
    std::string detail =
        fmt::format("closed at {}, {} after fault {} ended at {}", secs(tr.at), secs(after), x.fault, secs(f.end));
    if (after <= x.within) return pass(std::move(detail));
    return fail(fmt::format("{} (limit {} s)", detail, num(to_seconds(x.within))));
  }
  return fail(fmt::format("did not close after fault {} ended at {} (state at the end: {})", x.fault, secs(f.end),
                          b.transitions.empty() ? std::string("CLOSED") : b.transitions.back().to));
}

CheckResult breaker_check(const RunOutcome& run, const Expectation& x) {
  const sim::BreakerMetrics* b = find_breaker(*run.metrics, x.breaker);
  if (b == nullptr) return fail(fmt::format("no breaker named '{}'", x.breaker));
  const std::vector<Instant> opens = open_instants(*b);
  switch (x.kind) {
    case ExpectKind::kOpensWithin:
    case ExpectKind::kClosesWithin: {
      const auto f = fault_window(*run.experiment, x.fault);
      if (!f) return fail(fmt::format("no fault {} (the experiment has {})", x.fault, run.experiment->faults.size()));
      return x.kind == ExpectKind::kOpensWithin ? opens_within(*b, *f, x) : closes_within(*b, *f, x);
    }
    case ExpectKind::kNeverOpens:
      if (opens.empty()) return pass("never opened");
      return fail(fmt::format("opened {} time{}, first at {}", opens.size(), opens.size() == 1 ? "" : "s",
                              secs(opens.front())));
    case ExpectKind::kMaxOpenTransitions: {
      std::string detail = fmt::format("{} open transition{}", opens.size(), opens.size() == 1 ? "" : "s");
      if (!opens.empty()) detail += fmt::format(" (at {})", instants_list(opens));
      detail += fmt::format(", limit {}", x.limit);
      const bool ok = static_cast<std::int64_t>(opens.size()) <= x.limit;
      return ok ? pass(std::move(detail)) : fail(std::move(detail));
    }
    case ExpectKind::kMaxCallsWhileOpen: {
      std::string detail = fmt::format("{} call{} reached the dependency while OPEN (limit {}); {} rejected",
                                        b->calls_while_open, b->calls_while_open == 1 ? "" : "s", x.limit, b->rejected);
      const bool ok = b->calls_while_open <= static_cast<std::uint64_t>(std::max<std::int64_t>(0, x.limit));
      return ok ? pass(std::move(detail)) : fail(std::move(detail));
    }
    default: break;
  }
  return fail("not a breaker expectation");
}

CheckResult sli_check(const Expectation& x, const std::vector<SliResult>& slis) {
  const auto kind = parse_sli_name(x.sli);
  const SliResult* sli = nullptr;
  for (const auto& s : slis) {
    if (kind && s.name == sli_name(*kind)) sli = &s;
  }
  if (sli == nullptr) {
    return fail(fmt::format("unknown SLI '{}' (availability, error_rate, latency_p95_ms, latency_p99_ms, "
                            "throughput_rps)", x.sli));
  }
  const std::string value = fmt::format("{} {:.3f} {}", x.sli, sli->current, sli->unit);
  if (x.at_least && !at_or_above(sli->current, *x.at_least)) {
    return fail(fmt::format("{} is below {} {}", value, num(*x.at_least), sli->unit));
  }
  if (x.at_most && !at_or_below(sli->current, *x.at_most)) {
    return fail(fmt::format("{} is above {} {}", value, num(*x.at_most), sli->unit));
  }
  return pass(value);
}

// The SLI over the requests issued in the item's window, from the totals Metrics kept for it.
CheckResult windowed_sli_check(const RunOutcome& run, const Expectation& x) {
  const auto kind = parse_sli_name(x.sli);
  const sim::Metrics& m = *run.metrics;
  const std::size_t w = experiments::check_window_index(m.layout().check_windows, *x.window);
  if (!kind || w == m.layout().check_windows.size()) return fail(fmt::format("no window kept for '{}'", x.sli));
  const sim::WindowTotals& t = m.check_window(w);
  const double seconds = to_seconds(x.window->second - x.window->first);
  double v = 0;
  switch (*kind) {
    // No requests in the window: nothing failed (as for the whole run's SLIs).
    case SliKind::kAvailability:
      v = t.total == 0 ? 100.0 : 100.0 * static_cast<double>(t.succeeded) / static_cast<double>(t.total);
      break;
    case SliKind::kErrorRate:
      v = t.total == 0 ? 0.0 : 100.0 * static_cast<double>(t.errors) / static_cast<double>(t.total);
      break;
    case SliKind::kLatencyP95: v = to_millis(t.latency.quantile(0.95)); break;
    case SliKind::kLatencyP99: v = to_millis(t.latency.quantile(0.99)); break;
    case SliKind::kThroughput: v = static_cast<double>(t.total) / seconds; break;
  }
  const std::string_view unit = sli_unit(*kind);
  const std::string value =
      fmt::format("{} {:.3f} {} ({} request{} issued from {} to {})", x.sli, v, unit, t.total,
                  t.total == 1 ? "" : "s", secs(x.window->first), secs(x.window->second));
  if (x.at_least && !at_or_above(v, *x.at_least)) return fail(fmt::format("{} is below {} {}", value, num(*x.at_least), unit));
  if (x.at_most && !at_or_below(v, *x.at_most)) return fail(fmt::format("{} is above {} {}", value, num(*x.at_most), unit));
  return pass(value);
}

CheckResult dependency_check(const RunOutcome& run, const Expectation& x) {
  const sim::DependencyMetrics* d = find_dependency(*run.metrics, x.dependency);
  if (d == nullptr) return fail(fmt::format("no dependency named '{}'", x.dependency));
  std::string detail = fmt::format("{} call{}, limit {}", d->calls, d->calls == 1 ? "" : "s", x.limit);
  const bool ok = d->calls <= static_cast<std::uint64_t>(std::max<std::int64_t>(0, x.limit));
  return ok ? pass(std::move(detail)) : fail(std::move(detail));
}

std::string bound_text(const Expectation& x) {
  if (x.at_least && x.at_most) return fmt::format("at least {} and at most {}", num(*x.at_least), num(*x.at_most));
  if (x.at_least) return fmt::format("at least {}", num(*x.at_least));
  if (x.at_most) return fmt::format("at most {}", num(*x.at_most));
  return "reported";
}

// "99.9 %" or "500 ms": a target as people write it.
std::string with_unit(double v, const std::string& unit) { return fmt::format("{} {}", num(v), unit); }

}  // namespace

std::string check_name(const Expectation& x) {
  switch (x.kind) {
    case ExpectKind::kOpensWithin:
      return fmt::format("breaker {} opens within {} s of fault {}", x.breaker, num(to_seconds(x.within)), x.fault);
    case ExpectKind::kClosesWithin:
      return fmt::format("breaker {} closes within {} s of the end of fault {}", x.breaker,
                         num(to_seconds(x.within)), x.fault);
    case ExpectKind::kNeverOpens: return fmt::format("breaker {} never opens", x.breaker);
    case ExpectKind::kMaxOpenTransitions:
      return fmt::format("breaker {} has at most {} open transitions", x.breaker, x.limit);
    case ExpectKind::kMaxCallsWhileOpen:
      return fmt::format("breaker {} has at most {} calls while OPEN", x.breaker, x.limit);
    case ExpectKind::kSli:
      if (x.during_fault >= 0) return fmt::format("sli {} {} during fault {}", x.sli, bound_text(x), x.during_fault);
      if (x.window) {
        return fmt::format("sli {} {} from {} s to {} s", x.sli, bound_text(x), num(to_seconds(x.window->first)),
                           num(to_seconds(x.window->second)));
      }
      return fmt::format("sli {} {}", x.sli, bound_text(x));
    case ExpectKind::kDependencyMaxCalls:
      return fmt::format("dependency {} gets at most {} calls", x.dependency, x.limit);
  }
  return "expectation";
}

CheckResult check_expectation(const RunOutcome& run, const Expectation& x, const std::vector<SliResult>& slis) {
  CheckResult r;
  if (!run.unobserved.empty() && x.kind != ExpectKind::kSli) {
    // No data is no evidence: a breaker nobody observed "never opens" only vacuously.
    r.passed = false;
    r.evaluated = false;
    r.detail = "not evaluated: " + run.unobserved;
    r.name = check_name(x);
    r.pointer = x.pointer;
    return r;
  }
  switch (x.kind) {
    case ExpectKind::kSli: r = x.window ? windowed_sli_check(run, x) : sli_check(x, slis); break;
    case ExpectKind::kDependencyMaxCalls: r = dependency_check(run, x); break;
    default: r = breaker_check(run, x); break;
  }
  r.name = check_name(x);
  r.pointer = x.pointer;
  return r;
}

std::vector<CheckResult> expectation_checks(const RunOutcome& run, const std::vector<SliResult>& slis) {
  std::vector<CheckResult> out;
  for (const Expectation& x : run.experiment->expect) out.push_back(check_expectation(run, x, slis));
  return out;
}

std::optional<CheckResult> answer_check(const RunOutcome& run) {
  const auto& t = run.metrics->totals();
  const std::uint64_t none = t.client_timeouts + t.unanswered;
  if (none == 0) return std::nullopt;
  const double share = t.total == 0 ? 0.0 : 100.0 * static_cast<double>(none) / static_cast<double>(t.total);
  const double allowed = run.experiment->load.max_no_answer_percent;
  CheckResult c;
  c.name = "every request answered";
  c.passed = share <= allowed;
  c.detail = fmt::format("{} of {} requests ({:.3f} %) got no answer: {} client timeouts (499), {} unanswered when "
                         "the drain ended (0); {} {} % (load.max_no_answer_percent)",
                         none, t.total, share, t.client_timeouts, t.unanswered, c.passed ? "within" : "above",
                         num(allowed));
  return c;
}

std::vector<CheckResult> slo_gate_checks(const experiments::SloConfig& slo, const std::vector<SliResult>& slis) {
  std::vector<CheckResult> out;
  if (!slo.gate) return out;
  for (const SliResult& s : slis) {
    const auto kind = parse_sli_name(s.name);
    if (!s.target || !kind) continue;
    const double t = *s.target;
    const bool more_is_better = higher_is_better(*kind);
    const std::string target = fmt::format("{} {}", more_is_better ? ">=" : "<=", with_unit(t, s.unit));
    double edge = t;  // the far edge of the at-risk band
    switch (*kind) {
      case SliKind::kAvailability: edge = t - kAvailabilityAtRiskPoints; break;
      case SliKind::kLatencyP95:
      case SliKind::kLatencyP99: edge = t * kLatencyAtRiskFactor; break;
      case SliKind::kErrorRate: edge = t * kErrorRateAtRiskFactor; break;
      case SliKind::kThroughput: edge = t * kThroughputAtRiskFactor; break;
    }
    const std::string value = fmt::format("{:.3f} {}", s.current, s.unit);
    CheckResult c;
    c.name = "slo " + s.name;
    c.sli = s.name;
    switch (s.status) {
      case SliStatus::kMeeting:
        c.passed = true;
        c.detail = fmt::format("{} meets the target {}", value, target);
        break;
      case SliStatus::kAtRisk:
        c.passed = true;
        c.detail = fmt::format("warning: {} is at risk (target {}, breaching {} {})", value, target,
                               more_is_better ? "below" : "above", with_unit(edge, s.unit));
        break;
      case SliStatus::kBreaching:
        c.passed = false;
        c.detail = fmt::format("{} breaches the target {} (at risk {} {})", value, target,
                               more_is_better ? "down to" : "up to", with_unit(edge, s.unit));
        break;
    }
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace faultline::monitoring

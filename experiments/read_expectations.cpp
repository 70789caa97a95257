// What the run is checked against besides the SLOs: alert rules and `expect` items.
#include <fmt/format.h>

#include <map>

#include "experiments/alert_rules.h"
#include "experiments/check_windows.h"
#include "experiments/limits.h"
#include "experiments/sections.h"
#include "experiments/suggest.h"

namespace faultline::experiments {

using nlohmann::json;

namespace {

constexpr std::string_view kAlertSlis =
    "availability, error_rate, latency_p95_ms, latency_p99_ms, throughput_rps, breaker_open, "
    "breaker_open:<breaker>, worker_utilisation, in_flight, error_budget_burn";

// Signal thresholds are percentages, milliseconds, rates or counts: never negative.
const Range kThreshold = Range::at_least(0, 1e12);

AlertRule read_alert(const Fields& f, const std::vector<std::string>& breakers,
                     std::map<std::string, std::size_t>& seen, std::size_t index) {
  ReadContext& ctx = f.context();
  AlertRule r;
  if (auto n = f.string("name", Need::kRequired, kMaxNameBytes)) {
    if (n->empty()) {
      ctx.error(f.pointer("name"), "must not be empty");
    } else if (auto [it, fresh] = seen.emplace(*n, index); !fresh) {
      ctx.error(f.pointer("name"),
                fmt::format("alert {} is already defined at /alerts/{}", quote(*n), it->second));
    }
    r.name = *n;
  }
  std::optional<AlertSignal> signal;
  if (auto s = f.string("sli", Need::kRequired, kMaxNameBytes * 2)) {
    signal = parse_alert_signal(*s);
    if (!signal) {
      ctx.error(f.pointer("sli"),
                fmt::format("unknown alert sli {} (known: {})", quote(*s), kAlertSlis));
    } else if (signal->kind == AlertSignalKind::kBreakerOpen && !signal->breaker.empty()) {
      check_reference(ctx, f.pointer("sli"), "breaker", signal->breaker, breakers,
                      "resilience.circuit_breakers");
    }
    r.sli = *s;
  }
  if (auto w = f.seconds("window_s", Range::at_least(1, kMaxSeconds))) r.window = *w;
  r.above = f.number("above", kThreshold);
  r.below = f.number("below", kThreshold);
  if (f.has("above") && f.has("below")) {
    ctx.error(f.pointer(), "give either \"above\" or \"below\", not both");
  }
  const bool burn = signal && signal->kind == AlertSignalKind::kErrorBudgetBurn;
  if (!f.has("above") && !f.has("below") && signal && !burn) {
    ctx.error(f.pointer(), "needs a threshold: \"above\" or \"below\"");
  }
  if (auto d = f.seconds("for_s", Range::at_least(0, kMaxSeconds))) r.for_duration = *d;
  if (auto s = f.choice_index("severity", Vocabulary::kSeverity, "severity", Need::kOptional)) {
    r.severity = words(Vocabulary::kSeverity)[*s];
  }
  if (signal && !burn) f.refuse("short_window_s", "to error_budget_burn alerts");
  if (burn || !signal) {
    if (auto s = f.seconds("short_window_s", Range::above(0, kMaxSeconds))) {
      r.short_window = *s;
      if (*s >= r.window) ctx.error(f.pointer("short_window_s"), "must be shorter than window_s");
    }
  }
  return r;
}

// The keys each kind of expectation takes besides its subject (breaker, sli, dependency).
struct ExpectShape {
  ExpectKind kind;
  std::string_view subject;
  std::vector<std::string_view> keys;  // keys[0] identifies the kind
};

const std::vector<ExpectShape>& expect_shapes() {
  static const std::vector<ExpectShape> kShapes = {
      {ExpectKind::kOpensWithin, "breaker", {"opens_within_s", "after_fault"}},
      {ExpectKind::kClosesWithin, "breaker", {"closes_within_s", "after_fault_end"}},
      {ExpectKind::kNeverOpens, "breaker", {"never_opens"}},
      {ExpectKind::kMaxOpenTransitions, "breaker", {"max_open_transitions"}},
      {ExpectKind::kMaxCallsWhileOpen, "breaker", {"max_calls_while_open"}},
      {ExpectKind::kSli, "sli", {"at_least", "at_most", "from_s", "to_s", "during_fault"}},
      {ExpectKind::kDependencyMaxCalls, "dependency", {"max_calls"}},
  };
  return kShapes;
}

std::optional<int> read_fault_index(const Fields& f, std::string_view key, std::size_t faults) {
  const auto i = f.integer(key, 0, kMaxCount, Need::kRequired);
  if (!i) return std::nullopt;
  if (static_cast<std::size_t>(*i) >= faults) {
    f.context().error(f.pointer(key),
                      faults == 0 ? "refers to a fault, but the file has no faults"
                                  : fmt::format("fault index {} is out of range (faults 0 to {})",
                                                *i, faults - 1));
    return std::nullopt;
  }
  return static_cast<int>(*i);
}

// An sli expectation's window: `during_fault` (that fault's window, to the run's end at most) or
// `from_s` / `to_s` (defaults 0 and the run's end). Absent: the whole run after warm-up.
void read_sli_window(const Fields& f, const Experiment& e, Expectation& x) {
  ReadContext& ctx = f.context();
  const bool fault = f.has("during_fault");
  if (!fault && !f.has("from_s") && !f.has("to_s")) return;
  if (fault && (f.has("from_s") || f.has("to_s"))) {
    ctx.error(f.pointer("during_fault"), "give either \"during_fault\" or \"from_s\" / \"to_s\", not both");
    return;
  }
  Instant from{}, to = e.duration;
  if (fault) {
    const auto i = read_fault_index(f, "during_fault", e.faults.size());
    if (!i) return;
    const FaultConfig& c = e.faults[static_cast<std::size_t>(*i)];
    from = c.start;
    if (c.duration && *c.duration < e.duration - c.start) to = c.start + *c.duration;
    x.during_fault = *i;
    if (from >= e.duration) {
      ctx.error(f.pointer("during_fault"), fmt::format("fault {} starts at {} s, when the run has ended ({} s)",
                                                       *i, to_seconds(from), to_seconds(e.duration)));
      return;
    }
  } else {
    const auto from_s = f.seconds("from_s", Range::at_least(0, kMaxSeconds));
    const auto to_s = f.seconds("to_s", Range::above(0, kMaxSeconds));
    if ((f.has("from_s") && !from_s) || (f.has("to_s") && !to_s)) return;
    if (from_s) from = *from_s;
    if (to_s) to = *to_s;
    if (to > e.duration) {
      ctx.error(f.pointer("to_s"), fmt::format("is after the run's end ({} s)", to_seconds(e.duration)));
      return;
    }
    if (from >= to) {
      ctx.error(f.pointer(f.has("from_s") ? "from_s" : "to_s"),
                fmt::format("the window is empty: from_s ({} s) must be before to_s ({} s)", to_seconds(from),
                            to_seconds(to)));
      return;
    }
  }
  x.window = std::make_pair(from, to);
}

void read_expectation(const Fields& f, const Experiment& e, Expectation& x) {
  ReadContext& ctx = f.context();
  std::vector<std::string_view> subjects;
  for (std::string_view s : {"breaker", "sli", "dependency"}) {
    if (f.has(s)) subjects.push_back(s);
  }
  if (subjects.size() != 1) {
    ctx.error(f.pointer(), "needs exactly one of \"breaker\", \"sli\" or \"dependency\"");
    return;
  }
  const std::string_view subject = subjects[0];
  std::vector<const ExpectShape*> matches;
  std::vector<std::string> kind_keys;
  for (const ExpectShape& shape : expect_shapes()) {
    if (shape.subject != subject) continue;
    kind_keys.emplace_back(shape.keys[0]);
    const bool present = shape.kind == ExpectKind::kSli ? (f.has("at_least") || f.has("at_most"))
                                                        : f.has(shape.keys[0]);
    if (present) matches.push_back(&shape);
  }
  if (matches.size() != 1) {
    ctx.error(f.pointer(),
              subject == "sli"
                  ? std::string("an sli expectation needs \"at_least\" or \"at_most\" (or both)")
                  : fmt::format("a {} expectation needs exactly one of: {}", subject,
                                known_list(kind_keys)));
    return;
  }
  const ExpectShape& shape = *matches[0];
  x.kind = shape.kind;
  for (const ExpectShape& other : expect_shapes()) {
    if (&other == &shape) continue;
    // Breaker expectations are told apart by their first key, the others by their subject.
    const std::string_view name = other.subject == "breaker" ? other.keys[0] : other.subject;
    for (std::string_view key : other.keys) f.refuse(key, fmt::format("to {} expectations", name));
  }
  const std::string subject_pointer = f.pointer(subject);
  if (subject == "breaker") {
    if (auto b = f.string("breaker", Need::kRequired, kMaxNameBytes * 10)) {
      if (check_reference(ctx, subject_pointer, "breaker", *b, breaker_names(e),
                          "resilience.circuit_breakers"))
        x.breaker = *b;
    }
  } else if (subject == "dependency") {
    if (auto d = f.string("dependency", Need::kRequired, kMaxNameBytes * 10)) {
      if (check_reference(ctx, subject_pointer, "dependency", *d, dependency_names(e),
                          "dependencies"))
        x.dependency = *d;
    }
  } else if (auto s = f.choice_index("sli", Vocabulary::kExpectSli, "sli", Need::kRequired)) {
    x.sli = words(Vocabulary::kExpectSli)[*s];
  }
  const Range within = Range::above(0, kMaxSeconds);
  switch (shape.kind) {
    case ExpectKind::kOpensWithin:
      if (auto w = f.seconds("opens_within_s", within)) x.within = *w;
      if (auto i = read_fault_index(f, "after_fault", e.faults.size())) x.fault = *i;
      break;
    case ExpectKind::kClosesWithin:
      if (auto w = f.seconds("closes_within_s", within)) x.within = *w;
      if (auto i = read_fault_index(f, "after_fault_end", e.faults.size())) x.fault = *i;
      break;
    case ExpectKind::kNeverOpens:
      if (auto b = f.boolean("never_opens"); b && !*b) {
        ctx.error(f.pointer("never_opens"), "must be true (leave the item out to check nothing)");
      }
      break;
    case ExpectKind::kMaxOpenTransitions:
    case ExpectKind::kMaxCallsWhileOpen:
    case ExpectKind::kDependencyMaxCalls:
      if (auto l = f.integer(shape.keys[0], 0, kMaxCount)) x.limit = *l;
      break;
    case ExpectKind::kSli:
      x.at_least = f.number("at_least", kThreshold);
      x.at_most = f.number("at_most", kThreshold);
      if (x.at_least && x.at_most && *x.at_least > *x.at_most) {
        ctx.error(f.pointer("at_most"), fmt::format("must be >= at_least ({})", *x.at_least));
      }
      read_sli_window(f, e, x);
      break;
  }
}

}  // namespace

void read_alerts(const Fields& root, Experiment& e) {
  const json* alerts = root.array("alerts");
  if (alerts == nullptr) return;
  e.has_alerts = true;  // even when empty: `"alerts": []` turns the default rules off
  const std::vector<std::string> breakers = breaker_names(e);
  std::map<std::string, std::size_t> seen;
  for (std::size_t i = 0; i < alerts->size(); ++i) {
    const Fields f(root.context(), (*alerts)[i], pointer_append(root.pointer("alerts"), i),
                   Keys::kAlert);
    if (f.is_object()) e.alerts.push_back(read_alert(f, breakers, seen, i));
  }
}

void read_expect(const Fields& root, Experiment& e) {
  const json* expect = root.array("expect");
  if (expect == nullptr) return;
  for (std::size_t i = 0; i < expect->size(); ++i) {
    const std::string pointer = pointer_append(root.pointer("expect"), i);
    const Fields f(root.context(), (*expect)[i], pointer, Keys::kExpect);
    if (!f.is_object()) continue;
    Expectation x;
    x.pointer = pointer;
    read_expectation(f, e, x);
    e.expect.push_back(std::move(x));
  }
  if (const std::size_t windows = sli_check_windows(e).size(); windows > kMaxCheckWindows) {
    root.context().error(root.pointer("expect"),
                         fmt::format("{} distinct sli windows (from_s / to_s / during_fault); the limit is {}",
                                     windows, kMaxCheckWindows));
  }
}

}  // namespace faultline::experiments

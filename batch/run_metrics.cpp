#include "batch/run_metrics.h"

#include <fmt/format.h>

#include <cctype>

#include "experiments/diagnostic.h"

namespace faultline::batch {

namespace {

const std::vector<std::string>& fixed_metrics() {
  static const std::vector<std::string> kNames = {"availability",
                                                  "error_rate",
                                                  "degraded_rate",
                                                  "latency_mean_ms",
                                                  "latency_p50_ms",
                                                  "latency_p95_ms",
                                                  "latency_p99_ms",
                                                  "throughput_rps",
                                                  "checks_passed",
                                                  "breaker_open_transitions",
                                                  "breaker_calls_while_open",
                                                  "breaker_rejected"};
  return kNames;
}

const char* const kPerBreaker[] = {"breaker_open_transitions", "breaker_calls_while_open",
                                   "breaker_rejected"};

std::string trim(const std::string& s) {
  std::size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

double percent(std::uint64_t part, std::uint64_t whole) {
  return whole == 0 ? 0.0 : 100.0 * static_cast<double>(part) / static_cast<double>(whole);
}

}  // namespace

std::vector<std::string> metric_names(const std::vector<std::string>& breakers) {
  std::vector<std::string> names = fixed_metrics();
  for (const char* prefix : kPerBreaker) {
    for (const auto& b : breakers) names.push_back(fmt::format("{}.{}", prefix, b));
  }
  return names;
}

std::string canonical_metric(const std::string& name, const std::vector<std::string>& breakers) {
  if (name == "latency_p95") return "latency_p95_ms";
  if (name == "latency_p99") return "latency_p99_ms";
  if (name == "latency_p50") return "latency_p50_ms";
  if (name == "latency_mean") return "latency_mean_ms";
  if (name == "throughput") return "throughput_rps";
  if (name == "check_pass_rate") return "checks_passed";
  for (const auto& m : metric_names(breakers)) {
    if (m == name) return m;
  }
  return "";
}

std::string metric_hint(const std::vector<std::string>& breakers) {
  std::string names;
  for (const auto& m : fixed_metrics()) names += (names.empty() ? "" : ", ") + m;
  if (!breakers.empty())
    names += fmt::format(", breaker_open_transitions.<breaker> (breakers: {})",
                         fmt::join(breakers, ", "));
  return names;
}

std::optional<Objective> parse_objective(const std::string& text,
                                         const std::vector<std::string>& breakers,
                                         std::string* error) {
  Objective o;
  o.text = text;
  const std::string t = trim(text);
  const std::size_t space = t.find_first_of(" \t");
  const std::string verb = t.substr(0, space);
  if (verb != "maximize" && verb != "minimize") {
    *error =
        "expected \"maximize <metric>\" or \"minimize <metric>\" (e.g. \"maximize availability\")";
    return std::nullopt;
  }
  o.maximize = verb == "maximize";
  const std::string name = space == std::string::npos ? "" : trim(t.substr(space));
  o.metric = canonical_metric(name, breakers);
  if (o.metric.empty()) {
    *error = fmt::format("unknown metric {} (known: {})", experiments::quote(name),
                         metric_hint(breakers));
    return std::nullopt;
  }
  return o;
}

std::vector<std::string> breaker_names(const nlohmann::json& document) {
  std::vector<std::string> names;
  if (const auto it = document.find("resilience"); it != document.end() && it->is_object()) {
    if (const auto cb = it->find("circuit_breakers"); cb != it->end() && cb->is_object()) {
      for (const auto& [name, value] : cb->items()) names.push_back(name);
    }
  }
  return names;
}

nlohmann::ordered_json run_metrics(const ExperimentRun& run) {
  using nlohmann::ordered_json;
  const sim::Metrics& m = *run.outcome.metrics;
  ordered_json metrics = ordered_json::object();
  for (const auto& sli : run.evaluation.slis) {
    const std::string name = canonical_metric(sli.name, {});
    metrics[name.empty() ? sli.name : name] = sli.current;
  }
  metrics["degraded_rate"] = percent(m.totals().degraded, m.totals().total);
  const bool any = m.latency().count() > 0;
  metrics["latency_mean_ms"] = any ? m.latency().mean_ms() : 0.0;
  metrics["latency_p50_ms"] = any ? to_millis(m.latency().quantile(0.5)) : 0.0;
  metrics["checks_passed"] = run.evaluation.passed ? 1 : 0;
  std::uint64_t opens = 0, while_open = 0, rejected = 0;
  ordered_json per_breaker = ordered_json::object();
  for (const auto& b : m.breakers()) {
    std::uint64_t n = 0;
    for (const auto& t : b.transitions) n += t.to == "OPEN" ? 1 : 0;
    opens += n;
    while_open += b.calls_while_open;
    rejected += b.rejected;
    per_breaker["breaker_open_transitions." + b.name] = n;
    per_breaker["breaker_calls_while_open." + b.name] = b.calls_while_open;
    per_breaker["breaker_rejected." + b.name] = b.rejected;
  }
  metrics["breaker_open_transitions"] = opens;
  metrics["breaker_calls_while_open"] = while_open;
  metrics["breaker_rejected"] = rejected;
  for (auto& [k, v] : per_breaker.items()) metrics[k] = v;
  metrics["requests"] = m.totals().total;
  return metrics;
}

bool better(const Objective& objective, double a, double b) {
  return objective.maximize ? a > b : a < b;
}

}  // namespace faultline::batch

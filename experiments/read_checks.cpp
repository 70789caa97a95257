// The `env` block (the guide's environment variables) and the SLO targets, resolved with the
// guide's precedence: a target written in `slo` wins over its SLI_* variable, which wins over
// the guide's default.
#include <fmt/format.h>

#include <charconv>
#include <cmath>

#include "experiments/sections.h"

namespace faultline::experiments {

using nlohmann::json;

namespace {

// The guide's targets ("Service Level Indicators"; throughput has none unless one is set).
constexpr double kDefaultAvailability = 99.9;
constexpr double kDefaultLatencyP95Ms = 500;
constexpr double kDefaultLatencyP99Ms = 1000;
constexpr double kDefaultErrorRate = 0.1;

struct EnvRule {
  std::string_view name;
  bool whole;  // parsed like resilience::env_int (digits only), else a decimal number
  double min;
  double max;
  bool min_exclusive;
};

const std::vector<EnvRule>& env_rules() {
  static const std::vector<EnvRule> kRules = {
      {"CIRCUIT_BREAKER_FAILURE_THRESHOLD", true, 0, static_cast<double>(kMaxCount), false},
      {"CIRCUIT_BREAKER_RECOVERY_TIMEOUT", true, 0, kMaxMillis, false},
      {"CIRCUIT_BREAKER_MONITORING_WINDOW", true, 1, kMaxMillis, false},
      {"REQUEST_COALESCER_TTL", true, 0, kMaxMillis, false},
      {"REQUEST_COALESCER_MAX_CACHE_SIZE", true, 1, static_cast<double>(kMaxQueue), false},
      {"SLI_AVAILABILITY_TARGET", false, 0, 100, false},
      {"SLI_LATENCY_P95_TARGET", false, 0, kMaxMillis, true},
      {"SLI_LATENCY_P99_TARGET", false, 0, kMaxMillis, true},
      {"SLI_ERROR_RATE_TARGET", false, 0, 100, false},
      {"SLI_THROUGHPUT_TARGET", false, 0, kMaxRps, false},
  };
  return kRules;
}

// The value of an env entry as text: strings as written, numbers as their shortest text.
std::optional<std::string> env_text(ReadContext& ctx, const json& v, const std::string& pointer) {
  if (v.is_string()) return check_string(ctx, v, pointer, 64);
  if (v.is_number_integer()) return v.dump();
  if (v.is_number_float()) {
    const double d = v.get<double>();
    if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 1e15)
      return fmt::format("{}", static_cast<std::int64_t>(d));
    if (std::isfinite(d)) return v.dump();
  }
  ctx.error(pointer,
            fmt::format("expected a string such as \"5\" (or a number), got {}", describe(v)));
  return std::nullopt;
}

std::optional<double> parse_env_value(const EnvRule& rule, const std::string& text) {
  const char* first = text.data();
  const char* last = text.data() + text.size();
  double value = 0;
  if (rule.whole) {
    std::int64_t i = 0;
    const auto [ptr, ec] = std::from_chars(first, last, i);
    if (ec != std::errc() || ptr != last || text.empty()) return std::nullopt;
    value = static_cast<double>(i);
  } else {
    const auto [ptr, ec] = std::from_chars(first, last, value);
    if (ec != std::errc() || ptr != last || text.empty() || !std::isfinite(value))
      return std::nullopt;
  }
  return value;
}

std::optional<double> env_number(const Experiment& e, std::string_view name) {
  const auto it = e.env.find(std::string(name));
  if (it == e.env.end()) return std::nullopt;
  for (const EnvRule& rule : env_rules()) {
    if (rule.name == name) return parse_env_value(rule, it->second);
  }
  return std::nullopt;
}

}  // namespace

void read_env(const Fields& root, Experiment& e) {
  ReadContext& ctx = root.context();
  const json* env = root.get("env", Need::kOptional);
  if (env == nullptr) return;
  const Fields f(ctx, *env, root.pointer("env"), Keys::kEnv);
  for (const EnvRule& rule : env_rules()) {
    const json* v = f.find(rule.name);
    if (v == nullptr) continue;
    const std::string pointer = f.pointer(rule.name);
    const auto text = env_text(ctx, *v, pointer);
    if (!text) continue;
    const auto value = parse_env_value(rule, *text);
    if (!value) {
      ctx.error(pointer, fmt::format("{} is not {}", quote(*text),
                                     rule.whole ? "a whole number" : "a number"));
      continue;
    }
    const bool low = rule.min_exclusive ? *value <= rule.min : *value < rule.min;
    if (low || *value > rule.max) {
      ctx.error(pointer, fmt::format("must be {} {} and at most {} (got {})",
                                     rule.min_exclusive ? ">" : ">=", rule.min, rule.max, *text));
      continue;
    }
    e.env[std::string(rule.name)] = *text;
  }
}

void read_slo(const Fields& root, Experiment& e) {
  ReadContext& ctx = root.context();
  SloConfig& s = e.slo;
  if (const json* slo = root.get("slo", Need::kOptional)) {
    const Fields f(ctx, *slo, root.pointer("slo"), Keys::kSlo);
    s.availability = f.number("availability", Range::percent());
    s.latency_p95_ms = f.number("latency_p95_ms", Range::above(0, kMaxMillis));
    s.latency_p99_ms = f.number("latency_p99_ms", Range::above(0, kMaxMillis));
    s.error_rate = f.number("error_rate", Range::percent());
    s.throughput_rps = f.number("throughput_rps", Range::at_least(0, kMaxRps));
    if (auto g = f.boolean("gate")) s.gate = *g;
  }
  auto resolve = [&](std::optional<double>& target, std::string_view variable,
                     std::optional<double> fallback) {
    if (!target) target = env_number(e, variable);
    if (!target) target = fallback;
  };
  resolve(s.availability, "SLI_AVAILABILITY_TARGET", kDefaultAvailability);
  resolve(s.latency_p95_ms, "SLI_LATENCY_P95_TARGET", kDefaultLatencyP95Ms);
  resolve(s.latency_p99_ms, "SLI_LATENCY_P99_TARGET", kDefaultLatencyP99Ms);
  resolve(s.error_rate, "SLI_ERROR_RATE_TARGET", kDefaultErrorRate);
  resolve(s.throughput_rps, "SLI_THROUGHPUT_TARGET", std::nullopt);
}

}  // namespace faultline::experiments

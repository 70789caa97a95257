#include "monitoring/health_report.h"

#include <fmt/format.h>

#include "monitoring/sli.h"
#include "monitoring/summary_json.h"

namespace faultline::monitoring {

namespace {

std::string display_name(const std::string& name) {
  if (name == "availability") return "Availability";
  if (name == "latency_p95") return "Latency P95";
  if (name == "latency_p99") return "Latency P99";
  if (name == "error_rate") return "Error Rate";
  if (name == "throughput") return "Throughput";
  return name;
}

}  // namespace

std::string virtual_timestamp(Instant at) {
  const std::int64_t ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::max(at, Instant{0})).count();
  const std::int64_t total_s = ms / 1000;
  const std::int64_t days = total_s / 86400;
  const std::int64_t rem = total_s % 86400;
  // Civil date from days since 1970-01-01 (Howard Hinnant's days_from_civil, inverted).
  const std::int64_t z = days + 719468;
  const std::int64_t era = z / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const std::int64_t day = doy - (153 * mp + 2) / 5 + 1;
  const std::int64_t month = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  std::string out = fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", year, month, day, rem / 3600, rem / 60 % 60,
                                rem % 60);
  if (ms % 1000 != 0) out += fmt::format(".{:03}", ms % 1000);
  return out + "Z";
}

nlohmann::ordered_json health_report(const RunOutcome& run) { return health_report(run, compute_slis(run)); }

nlohmann::ordered_json health_report(const RunOutcome& run, const std::vector<SliResult>& slis) {
  using Json = nlohmann::ordered_json;
  bool breaching = false, at_risk = false, breaker_not_closed = false;
  Json sli_array = Json::array();
  for (const SliResult& s : slis) {
    breaching |= s.target && s.status == SliStatus::kBreaching;
    at_risk |= s.target && s.status == SliStatus::kAtRisk;
    Json j;
    j["name"] = display_name(s.name);
    j["current"] = json_number(s.current);
    j["target"] = s.target ? json_number(*s.target) : Json(nullptr);
    j["unit"] = s.unit;
    j["status"] = to_string(s.status);
    j["trend"] = to_string(s.trend);
    sli_array.push_back(std::move(j));
  }
  Json breakers = Json::object();
  for (const sim::BreakerMetrics& b : run.metrics->breakers()) {
    breaker_not_closed |= b.state_at_end != "CLOSED";
    Json j;
    j["state"] = b.state_at_end;
    j["failureCount"] = b.failure_count_at_end;
    j["healthStatus"] = b.health_at_end;
    breakers[b.type + ":" + b.name] = std::move(j);
  }
  Json out;
  out["status"] = breaching ? "unhealthy" : (at_risk || breaker_not_closed) ? "degraded" : "healthy";
  out["timestamp"] = virtual_timestamp(run.end);
  out["uptime"] = json_number(to_seconds(run.end));
  out["slis"] = std::move(sli_array);
  out["circuitBreakers"] = std::move(breakers);
  return out;
}

}  // namespace faultline::monitoring

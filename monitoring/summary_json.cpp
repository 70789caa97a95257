#include "monitoring/summary_json.h"

#include <cmath>
#include <string>

namespace faultline::monitoring {

namespace {

using Json = nlohmann::ordered_json;

Json latency_json(const sim::LatencyHistogram& h, bool with_p50_and_max) {
  const bool any = h.count() > 0;
  auto q = [&](double p) { return json_number(any ? to_millis(h.quantile(p)) : 0.0); };
  Json j;
  j["mean"] = json_number(any ? h.mean_ms() : 0.0);
  if (with_p50_and_max) j["p50"] = q(0.50);
  j["p95"] = q(0.95);
  j["p99"] = q(0.99);
  if (with_p50_and_max) j["max"] = json_number(any ? to_millis(h.max()) : 0.0);
  return j;
}

Json requests_json(const sim::Metrics::Totals& t) {
  Json j;
  j["total"] = t.total;
  j["succeeded"] = t.succeeded;
  j["failed"] = t.failed;
  j["degraded"] = t.degraded;
  Json by_status = Json::object();
  for (const auto& [status, count] : t.by_status) by_status[std::to_string(status)] = count;
  j["by_status"] = std::move(by_status);
  j["server_errors"] = t.server_errors;
  j["client_timeouts"] = t.client_timeouts;
  j["unanswered"] = t.unanswered;
  j["unfinished"] = t.unfinished;
  return j;
}

Json breakers_json(const sim::Metrics& m) {
  Json out = Json::object();
  for (const sim::BreakerMetrics& b : m.breakers()) {
    Json j;
    j["type"] = b.type;
    j["state_at_end"] = b.state_at_end;
    j["rejected"] = b.rejected;
    j["calls_while_open"] = b.calls_while_open;
    Json transitions = Json::array();
    for (const auto& t : b.transitions) {
      Json tj;
      tj["at_s"] = json_number(to_seconds(t.at));
      tj["from"] = t.from;
      tj["to"] = t.to;
      tj["reason"] = t.reason;
      transitions.push_back(std::move(tj));
    }
    j["transitions"] = std::move(transitions);
    out[b.name] = std::move(j);
  }
  return out;
}

Json dependencies_json(const sim::Metrics& m) {
  Json out = Json::object();
  for (const sim::DependencyMetrics& d : m.dependencies()) {
    Json j;
    j["calls"] = d.calls;
    j["errors"] = d.errors;
    j["latency_ms"] = latency_json(d.latency, /*with_p50_and_max=*/false);
    j["timeouts"] = d.timeouts;
    out[d.name] = std::move(j);
  }
  return out;
}

Json faults_json(const RunOutcome& run) {
  const experiments::Experiment& e = *run.experiment;
  const auto& measured = run.metrics->faults();
  Json out = Json::array();
  for (std::size_t i = 0; i < e.faults.size(); ++i) {
    const experiments::FaultConfig& f = e.faults[i];
    const Instant end = f.duration ? std::min(f.start + *f.duration, e.duration) : e.duration;
    Json j;
    j["index"] = i;
    j["target"] = f.target;
    j["kind"] = fault_kind_name(f.kind);
    j["label"] = i < measured.size() ? measured[i].label : "";
    j["start_s"] = json_number(to_seconds(f.start));
    j["end_s"] = json_number(to_seconds(end));
    j["hits"] = i < measured.size() ? measured[i].hits : 0;
    out.push_back(std::move(j));
  }
  return out;
}

}  // namespace

Json json_number(double value) {
  if (!std::isfinite(value)) return nullptr;
  const double r = std::round(value * 1000.0) / 1000.0;
  if (r == 0) return 0;
  // Whole values as integers; 2^53 bounds the integers a double holds exactly.
  if (std::abs(r) < 9007199254740992.0 && r == std::trunc(r)) return static_cast<std::int64_t>(r);
  return r;
}

std::string fault_kind_name(experiments::FaultKind kind) {
  using experiments::FaultKind;
  switch (kind) {
    case FaultKind::kLatency: return "latency";
    case FaultKind::kSlowdown: return "slowdown";
    case FaultKind::kError: return "error";
    case FaultKind::kOutage: return "outage";
    case FaultKind::kHang: return "hang";
    case FaultKind::kCapacity: return "capacity";
    case FaultKind::kFlapping: return "flapping";
  }
  return "outage";
}

Json summary_json(const RunOutcome& run, const Evaluation& evaluation) {
  const experiments::Experiment& e = *run.experiment;
  const sim::Metrics& m = *run.metrics;
  Json j;
  j["experiment"] = e.name;
  j["seed"] = e.seed;
  j["duration_s"] = json_number(to_seconds(e.duration));
  j["warmup_s"] = json_number(to_seconds(e.warmup));
  j["requests"] = requests_json(m.totals());
  j["latency_ms"] = latency_json(m.latency(), /*with_p50_and_max=*/true);
  double throughput = 0;
  for (const SliResult& s : evaluation.slis) {
    if (s.name == "throughput") throughput = s.current;
  }
  j["throughput_rps"] = json_number(throughput);
  Json slis = Json::array();
  for (const SliResult& s : evaluation.slis) {
    Json sj;
    sj["name"] = s.name;
    sj["current"] = json_number(s.current);
    sj["target"] = s.target ? json_number(*s.target) : Json(nullptr);
    sj["unit"] = s.unit;
    sj["status"] = to_string(s.status);
    sj["trend"] = to_string(s.trend);
    slis.push_back(std::move(sj));
  }
  j["slis"] = std::move(slis);
  j["breakers"] = breakers_json(m);
  j["dependencies"] = dependencies_json(m);
  const sim::CoalescingMetrics& c = m.coalescing();
  j["coalescing"] = Json{{"requests", c.requests},
                         {"executions", c.executions},
                         {"cache_hits", c.cache_hits},
                         {"joined_in_flight", c.joined_in_flight}};
  j["faults"] = faults_json(run);
  Json alerts = Json::array();
  for (const AlertEvent& a : evaluation.alerts) {
    Json aj;
    aj["name"] = a.name;
    aj["fired_at_s"] = json_number(a.fired_at_s);
    aj["resolved_at_s"] = a.resolved_at_s ? json_number(*a.resolved_at_s) : Json(nullptr);
    aj["severity"] = a.severity;
    aj["pending_at_s"] = json_number(a.pending_at_s);
    if (!a.source.empty()) {
      // A Prometheus rule's alert: where the rule is, and the alert's own labels.
      if (!a.fired) aj["fired_at_s"] = nullptr;
      aj["source"] = a.source;
      aj["rule"] = a.rule;
      Json labels = Json::object();
      for (const auto& [n, v] : a.labels) labels[n] = v;
      aj["labels"] = std::move(labels);
      Json annotations = Json::object();
      for (const auto& [n, v] : a.annotations) annotations[n] = v;
      aj["annotations"] = std::move(annotations);
    }
    alerts.push_back(std::move(aj));
  }
  j["alerts"] = std::move(alerts);
  Json checks = Json::array();
  for (const CheckResult& ch : evaluation.checks) {
    Json cj;
    cj["name"] = ch.name;
    cj["passed"] = ch.passed;
    cj["detail"] = ch.detail;
    cj["pointer"] = ch.pointer;
    // Only where it is false (live --target): every other summary stays as it was.
    if (!ch.evaluated) cj["evaluated"] = false;
    checks.push_back(std::move(cj));
  }
  j["checks"] = std::move(checks);
  j["passed"] = evaluation.passed;
  return j;
}

std::string dump_summary(const Json& summary) {
  return summary.dump(2, ' ', /*ensure_ascii=*/false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace faultline::monitoring

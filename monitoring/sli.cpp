#include "monitoring/sli.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace faultline::monitoring {

namespace {

double percent(std::uint64_t part, std::uint64_t whole) {
  return 100.0 * static_cast<double>(part) / static_cast<double>(whole);
}

// The smallest change a trend reports, in the SLI's unit: below it, noise.
double trend_floor(SliKind kind) {
  switch (kind) {
    case SliKind::kAvailability:
    case SliKind::kErrorRate: return 0.01;  // percentage points
    case SliKind::kLatencyP95:
    case SliKind::kLatencyP99: return 1.0;  // ms
    case SliKind::kThroughput: return 0.1;  // rps
  }
  return 0;
}

// Sums of a run of timeline rows, enough to recompute every SLI over them.
struct RowSums {
  std::uint64_t answered = 0, succeeded = 0, errors = 0;  // errors: 5xx and client timeouts
  double p95_weighted = 0, p99_weighted = 0;  // per-second quantiles weighted by answers
  std::size_t seconds = 0;
};

RowSums sum_rows(const sim::SpilledVector<sim::TimelineRow>& rows, std::size_t from, std::size_t to) {
  RowSums s;
  for (std::size_t i = from; i < to; ++i) {
    const sim::TimelineRow r = rows[i];
    s.answered += r.answered;
    s.succeeded += r.succeeded;
    s.errors += r.server_errors + r.client_timeouts;
    s.p95_weighted += static_cast<double>(r.p95_ms) * r.answered;
    s.p99_weighted += static_cast<double>(r.p99_ms) * r.answered;
  }
  s.seconds = to - from;
  return s;
}

// The SLI over a window of rows. Latencies: the answer-weighted mean of the per-second
// quantiles — an approximation (quantiles do not add up), good enough for a direction.
double window_value(SliKind kind, const RowSums& s) {
  const double answered = static_cast<double>(s.answered);
  switch (kind) {
    case SliKind::kAvailability: return percent(s.succeeded, s.answered);
    case SliKind::kErrorRate: return percent(s.errors, s.answered);
    case SliKind::kLatencyP95: return s.p95_weighted / answered;
    case SliKind::kLatencyP99: return s.p99_weighted / answered;
    case SliKind::kThroughput: return answered / static_cast<double>(s.seconds);
  }
  return 0;
}

std::size_t warmup_rows(const RunOutcome& run) {
  return static_cast<std::size_t>(
      std::max<std::int64_t>(0, std::chrono::ceil<std::chrono::seconds>(run.experiment->warmup).count()));
}

}  // namespace

bool at_or_above(double value, double limit) {
  return value >= limit - kEdgeSlack * std::max(1.0, std::abs(limit));
}
bool at_or_below(double value, double limit) {
  return value <= limit + kEdgeSlack * std::max(1.0, std::abs(limit));
}

std::string to_string(SliStatus s) {
  switch (s) {
    case SliStatus::kMeeting: return "meeting";
    case SliStatus::kAtRisk: return "at_risk";
    case SliStatus::kBreaching: return "breaching";
  }
  return "meeting";
}

std::string to_string(Trend t) {
  switch (t) {
    case Trend::kImproving: return "improving";
    case Trend::kStable: return "stable";
    case Trend::kDegrading: return "degrading";
  }
  return "stable";
}

std::string_view sli_name(SliKind kind) {
  switch (kind) {
    case SliKind::kAvailability: return "availability";
    case SliKind::kLatencyP95: return "latency_p95";
    case SliKind::kLatencyP99: return "latency_p99";
    case SliKind::kErrorRate: return "error_rate";
    case SliKind::kThroughput: return "throughput";
  }
  return "";
}

std::string_view sli_unit(SliKind kind) {
  switch (kind) {
    case SliKind::kAvailability:
    case SliKind::kErrorRate: return "%";
    case SliKind::kLatencyP95:
    case SliKind::kLatencyP99: return "ms";
    case SliKind::kThroughput: return "rps";
  }
  return "";
}

std::optional<SliKind> parse_sli_name(std::string_view name) {
  for (SliKind k : kAllSlis) {
    if (name == sli_name(k)) return k;
  }
  if (name == "latency_p95_ms") return SliKind::kLatencyP95;
  if (name == "latency_p99_ms") return SliKind::kLatencyP99;
  if (name == "throughput_rps") return SliKind::kThroughput;
  return std::nullopt;
}

bool higher_is_better(SliKind kind) { return kind == SliKind::kAvailability || kind == SliKind::kThroughput; }

SliStatus sli_status(SliKind kind, double current, double target) {
  bool meeting = false, at_risk = false;
  switch (kind) {
    case SliKind::kAvailability:
      meeting = at_or_above(current, target);
      at_risk = at_or_above(current, target - kAvailabilityAtRiskPoints);
      break;
    case SliKind::kLatencyP95:
    case SliKind::kLatencyP99:
      meeting = at_or_below(current, target);
      at_risk = at_or_below(current, target * kLatencyAtRiskFactor);
      break;
    case SliKind::kErrorRate:
      meeting = at_or_below(current, target);
      at_risk = at_or_below(current, target * kErrorRateAtRiskFactor);
      break;
    case SliKind::kThroughput:
      meeting = at_or_above(current, target);
      at_risk = at_or_above(current, target * kThroughputAtRiskFactor);
      break;
  }
  if (meeting) return SliStatus::kMeeting;
  return at_risk ? SliStatus::kAtRisk : SliStatus::kBreaching;
}

Trend sli_trend(SliKind kind, double previous, double last) {
  // Compare "badness" so that one rule serves every SLI: for availability the failure share
  // (100 - availability), so that 99.9 -> 99.8 is a doubling, not a 0.1 % change.
  double before = previous, after = last;
  if (kind == SliKind::kAvailability) {
    before = 100 - previous;
    after = 100 - last;
  } else if (kind == SliKind::kThroughput) {
    before = -previous;
    after = -last;
  }
  const double band = std::max(kTrendDeadBand * std::abs(before), trend_floor(kind));
  if (after - before > band) return Trend::kDegrading;
  if (before - after > band) return Trend::kImproving;
  return Trend::kStable;
}

std::optional<double> slo_target(const experiments::SloConfig& slo, SliKind kind) {
  switch (kind) {
    case SliKind::kAvailability: return slo.availability;
    case SliKind::kLatencyP95: return slo.latency_p95_ms;
    case SliKind::kLatencyP99: return slo.latency_p99_ms;
    case SliKind::kErrorRate: return slo.error_rate;
    case SliKind::kThroughput: return slo.throughput_rps;
  }
  return std::nullopt;
}

Trend timeline_trend(const RunOutcome& run, SliKind kind) {
  const auto& rows = run.metrics->timeline();
  const std::size_t first = std::min(warmup_rows(run), rows.size());
  const std::size_t measured = rows.size() - first;
  const auto window = static_cast<std::size_t>(
      std::max<std::int64_t>(1, std::llround(kTrendShare * static_cast<double>(measured))));
  if (measured < 2 * window) return Trend::kStable;
  const std::size_t end = rows.size();
  const RowSums previous = sum_rows(rows, end - 2 * window, end - window);
  const RowSums last = sum_rows(rows, end - window, end);
  if (kind != SliKind::kThroughput && (previous.answered == 0 || last.answered == 0)) return Trend::kStable;
  return sli_trend(kind, window_value(kind, previous), window_value(kind, last));
}

std::vector<SliResult> compute_slis(const RunOutcome& run) {
  const sim::Metrics& m = *run.metrics;
  const experiments::Experiment& e = *run.experiment;
  const sim::Metrics::Totals& t = m.totals();
  const sim::LatencyHistogram& h = m.latency();
  const double measured_s = to_seconds(run.end - e.warmup);
  std::vector<SliResult> out;
  for (SliKind kind : kAllSlis) {
    SliResult r;
    r.name = std::string(sli_name(kind));
    r.unit = std::string(sli_unit(kind));
    switch (kind) {
      // No requests: nothing failed, so availability is vacuously 100 and the error rate 0;
      // the throughput SLI (0) is the one that reports an idle run.
      case SliKind::kAvailability: r.current = t.total == 0 ? 100.0 : percent(t.succeeded, t.total); break;
      // 5xx answers, client timeouts and requests never answered: what the client saw fail.
      case SliKind::kErrorRate: r.current = t.total == 0 ? 0.0 : percent(t.errors, t.total); break;
      case SliKind::kLatencyP95: r.current = h.count() == 0 ? 0.0 : to_millis(h.quantile(0.95)); break;
      case SliKind::kLatencyP99: r.current = h.count() == 0 ? 0.0 : to_millis(h.quantile(0.99)); break;
      case SliKind::kThroughput:
        r.current = measured_s > 0 ? static_cast<double>(t.total) / measured_s : 0.0;
        break;
    }
    r.target = slo_target(e.slo, kind);
    if (r.target) r.status = sli_status(kind, r.current, *r.target);
    r.trend = timeline_trend(run, kind);
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace faultline::monitoring

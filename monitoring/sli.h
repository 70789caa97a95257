// The guide's SLIs of a run — availability, latency P95/P99, error rate, throughput — over the
// requests issued after warm-up, each judged against its SLO target with the guide's bands and
// given a trend (the last tenth of the run against the tenth before it).
//
//   std::vector<SliResult> slis = compute_slis(run);   // fixed order, see SliKind
//   if (slis[0].status == SliStatus::kBreaching) ...
//
// Pure functions; thread-safe on distinct inputs.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "monitoring/evaluation.h"

namespace faultline::monitoring {

// In the order compute_slis() returns them.
enum class SliKind { kAvailability, kLatencyP95, kLatencyP99, kErrorRate, kThroughput };
inline constexpr SliKind kAllSlis[] = {SliKind::kAvailability, SliKind::kLatencyP95, SliKind::kLatencyP99,
                                       SliKind::kErrorRate, SliKind::kThroughput};

// Bands (guide, "Service Level Indicators"), as multiples of or offsets from the target.
inline constexpr double kAvailabilityAtRiskPoints = 0.4;  // 99.9 meeting, 99.5 still at risk
inline constexpr double kLatencyAtRiskFactor = 1.5;       // 500 ms meeting, 750 ms still at risk
inline constexpr double kErrorRateAtRiskFactor = 10;      // 0.1 % meeting, 1 % still at risk
inline constexpr double kThroughputAtRiskFactor = 0.9;    // ours: the guide gives no band
// Comparisons with a band's edge allow this relative slack, so that a value equal to the edge
// up to floating-point rounding (99.9 - 0.4 is not exactly 99.5) counts as on the edge.
inline constexpr double kEdgeSlack = 1e-9;
// value >= limit (value <= limit) with that slack.
bool at_or_above(double value, double limit);
bool at_or_below(double value, double limit);

// Trend: the SLI over the last kTrendShare of the measured seconds against the same length
// just before; a change within kTrendDeadBand (relative) or the SLI's floor is "stable".
inline constexpr double kTrendShare = 0.10;
inline constexpr double kTrendDeadBand = 0.10;

// "availability", "latency_p95", "latency_p99", "error_rate", "throughput" (SliResult::name).
std::string_view sli_name(SliKind kind);
// "%", "ms", "rps".
std::string_view sli_unit(SliKind kind);
// Accepts the SliResult names and the contract's unit-suffixed ones (latency_p95_ms,
// throughput_rps); nullopt for anything else.
std::optional<SliKind> parse_sli_name(std::string_view name);
// True for availability and throughput, where more is better.
bool higher_is_better(SliKind kind);

// The band of `current` against `target` (edges inclusive on the better side).
SliStatus sli_status(SliKind kind, double current, double target);
// The trend from the `previous` window's value to the `last` window's.
Trend sli_trend(SliKind kind, double previous, double last);

// The SLO target for `kind`, if the experiment's slo block has one.
std::optional<double> slo_target(const experiments::SloConfig& slo, SliKind kind);

// The five SLIs of the run, in SliKind order. Over the totals (requests issued at or after
// warm-up and answered by run.end). With no requests: availability 100, error rate 0,
// latencies 0, throughput 0. Throughput = total / (run.end - warmup) seconds.
std::vector<SliResult> compute_slis(const RunOutcome& run);

// The trend of one SLI from the run's timeline (rows after warm-up): stable when fewer than
// two windows of at least one second fit, or when a window has no answered request.
Trend timeline_trend(const RunOutcome& run, SliKind kind);

}  // namespace faultline::monitoring

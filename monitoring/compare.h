// compare: a current summary.json against a baseline one — what got worse beyond a tolerance
// (regressions, `faultline compare` exits 1) and what got better (improvements, reported).
//
//   CompareResult r = compare_summaries(baseline, current, /*tolerance_pct=*/5);
//   fmt::print("{}", format_compare(r));
//   return r.exit_code();
//
// Pure functions; thread-safe on distinct inputs.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace faultline::monitoring {

struct CompareFinding {
  std::string kind;     // "sli" | "check" | "breaker"
  std::string subject;  // SLI name, check name or breaker name
  std::optional<double> baseline;  // SLIs: the two values
  std::optional<double> current;
  std::optional<double> change_pct;  // SLIs: relative change of the compared quantity
  std::string message;  // one line for people
};

struct CompareResult {
  std::vector<CompareFinding> regressions;
  std::vector<CompareFinding> improvements;
  std::vector<std::string> notes;  // differences that are neither (other experiment, SLI missing)
  double tolerance_pct = 0;
  // 1 with a regression, else 0 (the CLI's exit status; bad input is the CLI's 2).
  int exit_code() const { return regressions.empty() ? 0 : 1; }
};

// Absolute floors, in each SLI's unit: a change smaller than its floor is noise, and the floor
// stands in for a zero baseline so that 0 -> 0.5 % errors is a finite change.
inline constexpr double kComparePercentFloor = 0.01;  // availability, error rate (points)
inline constexpr double kCompareLatencyFloorMs = 1.0;
inline constexpr double kCompareThroughputFloorRps = 0.1;

// SLIs (slis[].current, matched by name; latency_p95 and latency_p95_ms are the same SLI): a
// regression when the bad direction's change exceeds both `tolerance_pct` relative and the
// floor absolute — relative change = (current - baseline) / max(|baseline|, floor) x 100.
// Availability is compared as its failure share (100 - availability), so 99.9 -> 99.8 is
// +100 %, not -0.1 %. Error rate and latencies: higher is worse; throughput: lower is worse.
// A change exactly at the tolerance is not a regression.
// Checks (by name): passed in the baseline and failed now, or failing now and absent from the
// baseline. Breakers: a CLOSED -> OPEN transition now and none in the baseline.
// The reverse of each is an improvement.
CompareResult compare_summaries(const nlohmann::json& baseline, const nlohmann::json& current, double tolerance_pct);

// "REGRESSION sli latency_p95: 412.000 -> 530.000 ms (+28.6 %, tolerance 5 %)" lines,
// improvements, notes, then a verdict line; trailing newline.
std::string format_compare(const CompareResult& result);

// {"regressions": [...], "improvements": [...], "notes": [...], "tolerance_pct": 5, "passed": bool}.
nlohmann::ordered_json compare_json(const CompareResult& result);

}  // namespace faultline::monitoring

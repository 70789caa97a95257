// The console outputs of `faultline run`: the full report (the guide's "📊 Load Test Results"
// block, then SLIs, breaker transitions, faults, alerts, checks and the verdict) and the one
// verdict line per experiment of `--quiet`. Every output names the seed and how to reproduce.
//
//   fmt::print("{}", console_report(run, evaluation, {.colour =
//   use_colour(OutputStream::kStdout)})); fmt::print("{}\n", verdict_line(run, evaluation,
//   {.name_width = 24}));
//
// Pure functions returning text; no ANSI escape unless `colour`. Thread-safe on distinct inputs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "monitoring/evaluation.h"

namespace faultline::monitoring {

enum class Verbosity {
  kNormal,   // breaker transitions capped per breaker
  kVerbose,  // every transition, plus status codes, dependencies and coalescing
};

struct ConsoleOptions {
  bool colour = false;
  Verbosity verbosity = Verbosity::kNormal;
  std::vector<std::string> set_args = {};  // the run's --set PATH=VALUE arguments, for "reproduce"
  int name_width = 0;                      // verdict_line: pads the experiment name to this width
};

std::string console_report(const RunOutcome& run, const Evaluation& evaluation,
                           const ConsoleOptions& options = {});

// "PASS ai-outage  avail 99.95%  p95 412 ms  breaker opens 1  (seed 42)"; a failing run
// starts with FAIL and ends with "  failed: <check>; <check>". No trailing newline.
std::string verdict_line(const RunOutcome& run, const Evaluation& evaluation,
                         const ConsoleOptions& options = {});

// --- Figures shared by the console and report.html, so both always agree ---

// The guide's load-test figures.
struct LoadTestFigures {
  std::uint64_t total_requests = 0;
  double success_rate = 0;  // percent of total; 0 when there were no requests
  double mean_ms = 0, p50_ms = 0, p95_ms = 0, p99_ms = 0, max_ms = 0;
  double requests_per_second = 0;  // the throughput SLI when evaluated, else total / measured s
  std::string concurrent_users;    // "50"; open model: "open model, 100.0 rps (peak 37 in flight)"
  bool open_model = false;
  double load_peak = 0;              // users (closed) or rps (open): the largest stage target
  std::uint32_t peak_in_flight = 0;  // requests outstanding at the end of the busiest second
  std::uint64_t breaker_opens = 0;   // transitions to OPEN, all breakers
};
LoadTestFigures load_test_figures(const RunOutcome& run, const Evaluation& evaluation);

// A latency with about three significant digits: "1200", "412", "12.5", "0.85".
std::string format_ms(double ms);
// An SLI's current value with its unit ("99.95 %", "412 ms", "50.2 rps").
std::string format_sli_value(const SliResult& sli, double value);
// ">= 99.90 %" (availability, throughput) or "<= 500 ms"; "-" without a target.
std::string sli_target_text(const SliResult& sli);
// "faultline run experiments/x.json --seed 42 [--set ...]", shell-quoted where needed.
std::string reproduce_command(const RunOutcome& run, const std::vector<std::string>& set_args);
// Failed checks, in order.
std::vector<const CheckResult*> failed_checks(const Evaluation& evaluation);

}  // namespace faultline::monitoring

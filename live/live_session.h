// LiveSession: `faultline live FILE`: the experiment in real time on 127.0.0.1. Starts one
// DependencyEmulator per dependency, each behind a FaultProxy applying its faults on the wall
// clock (one thread), and the world on the wall clock (WallClockDriver) serving the API as
// the ReferenceService (or, with --target, none) and sending the load through LiveLoad (the
// other thread); runs for duration_s plus the drain in wall time; then runs the simulation of
// the same file and seed and writes, in one step, the same result files as `run` from the
// measured data under DIR/<name>/live/ with fidelity.json beside them (report.html draws both
// runs on the same charts). With --target, breaker and dependency checks are not evaluated
// and not compared (no data: the API is the user's service).
//
//   int code = run_live(std::move(experiment), {.out_dir = "results"});
//
// SIGINT/SIGTERM stop the run cleanly: every server and connection closed, the results
// measured so far written with "partial": true in summary.json (no fidelity.json).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "experiments/experiment_config.h"

namespace faultline::live {

struct LiveOptions {
  std::string out_dir = "results";
  std::optional<std::string> target;  // "HOST:PORT" or "http://HOST:PORT": the user's service
  std::vector<std::string> set_args;  // repeated in the report's reproduce command
  bool progress = false;              // a status line on stderr every 5 s
};

// Returns the exit code: 0 checks and fidelity passed, 1 either failed, 2 setup or I/O error,
// 128 + signal when interrupted.
int run_live(experiments::Experiment experiment, const LiveOptions& options);

// Parses --target ("http://127.0.0.1:8080", "127.0.0.1:8080", ":8080"). Pure.
bool parse_target_url(const std::string& text, std::string& host, std::uint16_t& port);

}  // namespace faultline::live

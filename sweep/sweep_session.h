// SweepSession: the sweep planner on the batch engine (batch/batch_session.h) — `faultline
// sweep` once its options are parsed (load the file, plan, check every point, run, rank) and
// the sweep half of `faultline merge` (the plan rebuilt from a shard folder's plan.json).
//
//   int status = sweep_file({.file = "experiments/tune-ai-breaker.json", .session = {.jobs = 2}});
//
// Prints to stdout/stderr; returns the exit status (0 best point found, 1 none, 2 bad input).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "batch/batch_session.h"

namespace faultline::sweep {

struct SweepRequest {
  std::string file;
  std::vector<std::string> sets;  // --set PATH=VALUE
  std::size_t top = 10;           // points shown in the ranking (0: all)
  batch::SessionOptions session;
};

int sweep_file(const SweepRequest& request);

// The sweep of a folder's plan.json (`faultline merge`), ranking `top` points; nullptr with
// `error` set when it is missing, bad or from another faultline version.
std::unique_ptr<batch::Planner> read_sweep_planner(const std::string& folder, std::size_t top,
                                                   std::string* error);

}  // namespace faultline::sweep

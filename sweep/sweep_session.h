// SweepSession: the sweep planner on the batch engine (batch/batch_session.h) — `faultline
// sweep` once its options are parsed (load the file, plan, check every point, run, rank) and
// the sweep half of `faultline merge` (the plan rebuilt from a shard folder's plan.json).
//
//   int status = sweep_file({.file = "experiments/tune-ai-breaker.json", .session = {.jobs = 2}});
//
// Prints to stdout/stderr; returns the exit status (0 best point found, 1 none, 2 bad input).
#pragma once

#include <string>
#include <vector>

#include "batch/session_options.h"

namespace faultline::sweep {

struct SweepRequest {
  std::string file;
  std::vector<std::string> sets;  // --set PATH=VALUE
  std::size_t top = 10;           // points shown in the ranking (0: all)
  batch::SessionOptions session;
};

int sweep_file(const SweepRequest& request);

// Whether `folder`/plan.json is a sweep's.
bool is_sweep_folder(const std::string& folder);
// `faultline merge` of sweep shard folders (batch::merge_session with the sweep planner read
// from each folder's plan.json), ranking `top` points.
int merge_sweep(const std::vector<std::string>& folders, const batch::SessionOptions& options,
                std::size_t top);

}  // namespace faultline::sweep

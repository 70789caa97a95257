// SweepSession: `faultline sweep` and the sweep half of `faultline merge` once their options
// are parsed — load the file, plan, check every point, run this shard's runs, and conclude
// when every run of the plan is there (docs/sweeps.md).
//
//   int status = sweep_file({.file = "experiments/tune-ai-breaker.json", .jobs = 2});
//
// Prints to stdout/stderr; returns the exit status (0 best point found, 1 none, 2 bad input).
#pragma once

#include <string>
#include <vector>

#include "batch/shard.h"

namespace faultline::sweep {

struct SweepRequest {
  std::string file;
  std::vector<std::string> sets;  // --set PATH=VALUE
  std::string out = "results";
  int jobs = 1;
  batch::Shard shard;
  std::size_t top = 10;
  bool quiet = false;
  bool progress = false;
};

int sweep_file(const SweepRequest& request);

struct MergeRequest {
  std::vector<std::string> folders;  // sweep folders, each holding plan.json
  std::string out = "results";
  std::size_t top = 10;
  bool quiet = false;
};

// Joins the folders of one sweep's shards into OUT/<name>/, the same byte for byte as the sweep
// run whole; 2 when they hold different sweeps or runs are missing.
int merge_sweep(const MergeRequest& request);

}  // namespace faultline::sweep

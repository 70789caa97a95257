// ExploreSession: `faultline explore` once its options are parsed — load the file, plan the
// schedules, check every schedule's document, run this shard's runs on the batch engine, and
// conclude when every run of the plan is in OUT/<name>-explore/points/ (docs/explore.md).
//
//   int status = explore_file({.file = "experiments/x.json", .jobs = 2});
//
// Prints to stdout/stderr; returns the exit status (1 a failing schedule found, 0 none, 2 bad
// input, 130/143 interrupted).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "batch/shard.h"

namespace faultline::explore {

struct ExploreRequest {
  std::string file;
  std::vector<std::string> sets;  // --set PATH=VALUE
  std::optional<long long> runs;  // --runs: explore.runs
  std::string out = "results";
  int jobs = 1;
  batch::Shard shard;
  bool quiet = false;
  bool progress = false;
  bool shrink = true;  // --no-shrink: reproducers hold the schedules as drawn
};

// The folder an explore of experiment `name` writes: OUT/<name>-explore (beside, not inside,
// the `faultline run` results folder, which a run replaces whole).
std::string explore_dir(const std::string& out, const std::string& name);

int explore_file(const ExploreRequest& request);

}  // namespace faultline::explore

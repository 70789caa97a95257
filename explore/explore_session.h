// ExploreSession: the explore planner on the batch engine (batch/batch_session.h) — `faultline
// explore` once its options are parsed (load the file, plan the schedules, check every
// schedule's document, run, then conclude: shrink the failures, run the adversarial search when
// there is an objective, write explore.json/.csv/.html and the reproducers) and the explore
// half of `faultline merge` (docs/explore.md).
//
//   int status = explore_file({.file = "experiments/x.json", .session = {.jobs = 2}});
//
// Prints to stdout/stderr; returns the exit status (1 a failing schedule found, 0 none, 2 bad
// input, 130/143 interrupted).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "batch/session_options.h"

namespace faultline::explore {

struct ExploreRequest {
  std::string file;
  std::vector<std::string> sets;  // --set PATH=VALUE
  std::optional<long long> runs;  // --runs: explore.runs
  bool shrink = true;             // --no-shrink: reproducers hold the schedules as drawn
  batch::SessionOptions session;
};

// The folder an explore of experiment `name` writes: OUT/<name>-explore (beside, not inside,
// the `faultline run` results folder, which a run replaces whole).
std::string explore_dir(const std::string& out, const std::string& name);

int explore_file(const ExploreRequest& request);

// Whether `folder`/plan.json is an explore's.
bool is_explore_folder(const std::string& folder);
// `faultline merge` of explore shard folders (batch::merge_session with the explore planner
// read from each folder's plan.json): shrinking and the search run here, on options.jobs.
int merge_explore(const std::vector<std::string>& folders, const batch::SessionOptions& options,
                  bool shrink);

}  // namespace faultline::explore

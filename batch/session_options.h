// SessionOptions: what the command line says of any batch (`sweep`, `explore`, `merge`) —
// where it writes, how many runs at once, which shard, how loud — kept apart from
// batch/batch_session.h so that cli/ reads it without the JSON headers the engine needs.
//
//   batch::SessionOptions o{.out = "results", .jobs = 8, .shard = {1, 4}};
#pragma once

#include <string>

#include "batch/shard.h"

namespace faultline::batch {

struct SessionOptions {
  std::string out = "results";
  int jobs = 1;
  Shard shard;
  bool quiet = false;
  bool progress = false;
};

// The "format" of `folder`/plan.json ("faultline-sweep-plan/1"), or "" when there is none:
// what `faultline merge` picks the planner by.
std::string plan_format(const std::string& folder);

}  // namespace faultline::batch

// Shard: the slice of a batch's runs one process takes — `--shard I/N` (numbered from 0), else
// a cluster's array index (Kubernetes Indexed Jobs, Slurm job arrays), else the whole batch.
//
//   auto shard = pick_shard({.shard = "2/8"}, &error);        // or from the environment
//   for (std::size_t k : shard_indices(run_count, *shard)) ...  // k = 2, 10, 18...
//
// Pure functions (pick_shard reads the environment).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace faultline::batch {

// The 1/count of the runs a shard takes (0-based index).
struct Shard {
  int index = 0;
  int count = 1;
};

// Parses "I/N" (0 <= I < N). nullopt with `error` set otherwise.
std::optional<Shard> parse_shard(const std::string& text, std::string* error);

struct ShardOptions {
  std::optional<std::string> shard;        // --shard I/N
  std::optional<std::string> shard_count;  // --shard-count N (with JOB_COMPLETION_INDEX)
};

// --shard, else Kubernetes' JOB_COMPLETION_INDEX (count: --shard-count or
// FAULTLINE_SHARD_COUNT), else Slurm's SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN of
// SLURM_ARRAY_TASK_COUNT; else the whole batch (0/1). nullopt with `error` set when the
// environment is incomplete or the text is bad.
std::optional<Shard> pick_shard(const ShardOptions& options, std::string* error);

// The run indices of `shard` among `run_count` runs: run k goes to shard k mod count, so every
// shard gets a slice of every region of the plan.
std::vector<std::size_t> shard_indices(std::size_t run_count, const Shard& shard);

}  // namespace faultline::batch

#include "batch/shard.h"

#include <fmt/format.h>

#include <charconv>
#include <cstdlib>

namespace faultline::batch {

namespace {

const char* env(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? v : nullptr;
}

std::optional<int> whole(const std::string& text) {
  try {
    std::size_t used = 0;
    const long v = std::stol(text, &used);
    if (used == text.size() && v >= 0 && v <= 1'000'000) return static_cast<int>(v);
  } catch (const std::exception&) {
  }
  return std::nullopt;
}

}  // namespace

std::optional<Shard> parse_shard(const std::string& text, std::string* error) {
  const std::size_t slash = text.find('/');
  Shard s;
  auto number = [](const std::string& t, int* out) {
    const auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), *out);
    return !t.empty() && ec == std::errc() && ptr == t.data() + t.size();
  };
  if (slash == std::string::npos || !number(text.substr(0, slash), &s.index) ||
      !number(text.substr(slash + 1), &s.count) || s.count < 1 || s.index < 0 ||
      s.index >= s.count) {
    *error =
        fmt::format("expected I/N with 0 <= I < N (shards are numbered from 0), got \"{}\"", text);
    return std::nullopt;
  }
  return s;
}

std::optional<Shard> pick_shard(const ShardOptions& options, std::string* error) {
  if (options.shard) return parse_shard(*options.shard, error);
  std::optional<int> count;
  if (options.shard_count) {
    count = whole(*options.shard_count);
  } else if (const char* c = env("FAULTLINE_SHARD_COUNT")) {
    count = whole(c);
  }
  if (const char* index = env("JOB_COMPLETION_INDEX")) {
    if (!count) {
      *error =
          "JOB_COMPLETION_INDEX is set: give the number of shards with --shard-count N or "
          "FAULTLINE_SHARD_COUNT";
      return std::nullopt;
    }
    return parse_shard(fmt::format("{}/{}", index, *count), error);
  }
  if (const char* task = env("SLURM_ARRAY_TASK_ID")) {
    const char* total = env("SLURM_ARRAY_TASK_COUNT");
    const auto id = whole(task),
               min = whole(env("SLURM_ARRAY_TASK_MIN") ? env("SLURM_ARRAY_TASK_MIN") : "0");
    if (total == nullptr || !id || !min || *id < *min) {
      *error =
          "SLURM_ARRAY_TASK_ID is set without a usable SLURM_ARRAY_TASK_COUNT / "
          "SLURM_ARRAY_TASK_MIN";
      return std::nullopt;
    }
    return parse_shard(fmt::format("{}/{}", *id - *min, total), error);
  }
  if (options.shard_count) {
    *error =
        "--shard-count needs JOB_COMPLETION_INDEX (a Kubernetes Indexed Job); use --shard I/N "
        "otherwise";
    return std::nullopt;
  }
  return Shard{};
}

std::vector<std::size_t> shard_indices(std::size_t run_count, const Shard& shard) {
  std::vector<std::size_t> indices;
  for (std::size_t k = static_cast<std::size_t>(shard.index); k < run_count;
       k += static_cast<std::size_t>(shard.count)) {
    indices.push_back(k);
  }
  return indices;
}

}  // namespace faultline::batch

#include "batch/shard.h"

#include <gtest/gtest.h>

#include <cstdlib>

namespace faultline::batch {
namespace {

TEST(Shard, ParsesIndexOverCountFromZero) {
  std::string error;
  const auto s = parse_shard("2/8", &error);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->index, 2);
  EXPECT_EQ(s->count, 8);
}

TEST(Shard, RefusesAnIndexOutOfRangeOrJunk) {
  for (const char* text : {"8/8", "-1/3", "1/0", "1", "a/b", "1/2x", ""}) {
    std::string error;
    EXPECT_FALSE(parse_shard(text, &error).has_value()) << text;
    EXPECT_NE(error.find("0 <= I < N"), std::string::npos) << text;
  }
}

TEST(Shard, TakesEveryCountthRunFromItsIndex) {
  EXPECT_EQ(shard_indices(10, {.index = 1, .count = 4}), (std::vector<std::size_t>{1, 5, 9}));
  EXPECT_EQ(shard_indices(3, {.index = 0, .count = 1}), (std::vector<std::size_t>{0, 1, 2}));
  EXPECT_TRUE(shard_indices(2, {.index = 3, .count = 4}).empty());
}

TEST(Shard, ExplicitShardWinsOverTheEnvironment) {
  ::setenv("SLURM_ARRAY_TASK_ID", "5", 1);
  ::setenv("SLURM_ARRAY_TASK_COUNT", "8", 1);
  std::string error;
  ShardOptions given;
  given.shard = "1/2";
  auto s = pick_shard(given, &error);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->index, 1);
  s = pick_shard({}, &error);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->index, 5);
  EXPECT_EQ(s->count, 8);
  ::unsetenv("SLURM_ARRAY_TASK_ID");
  ::unsetenv("SLURM_ARRAY_TASK_COUNT");
  s = pick_shard({}, &error);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->count, 1);
  ShardOptions count_only;
  count_only.shard_count = "4";
  EXPECT_FALSE(pick_shard(count_only, &error).has_value());
}

}  // namespace
}  // namespace faultline::batch

// LabelledSeries: bucket bounds are inclusive upper bounds in whole nanoseconds, statuses get
// fixed slots (unknown ones "other"), one record per second, the drain's record only when it
// counted something, and records spill to disk like the timeline.
#include "sim/labelled_series.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace faultline::sim {
namespace {

using namespace std::chrono_literals;

std::size_t slot(const LabelledSeries& s, int status) {
  const auto& st = s.statuses();
  return static_cast<std::size_t>(std::find(st.begin(), st.end(), status) - st.begin());
}

TEST(LabelledSeriesTest, BucketBoundsAreInclusive) {
  LabelledSeries s(LabelledSeriesLayout{1, {}, 0});
  s.on_request(0, 200, 5ms);         // le 0.005
  s.on_request(0, 200, 5ms + 1ns);   // le 0.01
  s.on_request(0, 200, 10s);         // le 10
  s.on_request(0, 200, 10s + 1ns);   // +Inf only
  s.close_second();
  ASSERT_EQ(s.records(), 1u);
  EXPECT_EQ(s.request_bucket(0, 0, 0), 1u);
  EXPECT_EQ(s.request_bucket(0, 0, 1), 1u);
  EXPECT_EQ(s.request_bucket(0, 0, 10), 1u);
  EXPECT_EQ(s.request_bucket(0, 0, 11), 1u);
  EXPECT_EQ(s.request_latency_sum(0, 0), static_cast<std::uint64_t>((5ms + 5ms + 1ns + 10s + 10s + 1ns).count()));
}

TEST(LabelledSeriesTest, StatusSlotsFixedLayoutAndOther) {
  LabelledSeries s(LabelledSeriesLayout{2, {201, 200, 418}, 0});
  EXPECT_EQ(s.statuses(), (std::vector<int>{0, 200, 201, 418, 429, 499, 500, 502, 503, 504, LabelledSeries::kOtherStatus}));
  s.on_request(1, 201, 1ms);
  s.on_request(1, 418, 1ms);
  s.on_request(0, 302, 1ms);   // not in the layout
  s.on_request(0, 1200, 1ms);  // outside the table
  s.close_second();
  s.on_request(1, 201, 1ms);
  s.close_second();
  EXPECT_EQ(s.answers(0, 1, slot(s, 201)), 1u);
  EXPECT_EQ(s.answers(1, 1, slot(s, 201)), 1u);
  EXPECT_EQ(s.answers(0, 1, slot(s, 418)), 1u);
  EXPECT_EQ(s.answers(0, 0, slot(s, LabelledSeries::kOtherStatus)), 2u);
  EXPECT_EQ(s.answers_total(1, slot(s, 201)), 2u);
  EXPECT_EQ(s.answers_total(0, slot(s, 201)), 0u);
}

TEST(LabelledSeriesTest, DependencyFieldsAndTheDrainRecord) {
  using F = LabelledSeries::DependencyOffsets;
  LabelledSeries s(LabelledSeriesLayout{1, {}, 2});
  s.on_dependency_call(1);
  s.on_dependency_call(1);
  s.on_dependency_answer(1, 30ms, false);
  s.on_dependency_timeout(1);
  s.close_second();
  EXPECT_EQ(s.dependency_field(0, 1, F::kCalls), 2u);
  EXPECT_EQ(s.dependency_field(0, 1, F::kErrors), 1u);
  EXPECT_EQ(s.dependency_field(0, 1, F::kTimeouts), 1u);
  EXPECT_EQ(s.dependency_field(0, 1, F::kBuckets + 3), 1u);  // le 0.05
  EXPECT_EQ(s.dependency_field(0, 0, F::kCalls), 0u);
  EXPECT_EQ(s.dependency_latency_sum(0, 1), 30'000'000u);

  LabelledSeries quiet(LabelledSeriesLayout{1, {}, 0});
  quiet.close_second();
  quiet.close_drain(1500ms);  // nothing counted: no record
  EXPECT_EQ(quiet.records(), 1u);
  EXPECT_FALSE(quiet.has_drain_record());

  s.on_request(0, 0, 2s);
  s.close_drain(3s);
  EXPECT_EQ(s.records(), 2u);
  EXPECT_TRUE(s.has_drain_record());
  EXPECT_EQ(s.drain_end(), 3s);
  EXPECT_EQ(s.answers(1, 0, slot(s, 0)), 1u);
}

TEST(LabelledSeriesTest, ADayOfRecordsSpillsToDisk) {
  LabelledSeries s(LabelledSeriesLayout{3, {}, 2});
  for (int i = 0; i < 86'400; ++i) {
    s.on_request(i % 3, 200, std::chrono::milliseconds(i % 200));
    s.close_second();
  }
  ASSERT_EQ(s.records(), 86'400u);
  EXPECT_EQ(s.answers(86'399, 86'399 % 3, slot(s, 200)), 1u);
  EXPECT_EQ(s.answers(86'399, 0, slot(s, 200)), 0u);
  EXPECT_EQ(s.answers_total(0, slot(s, 200)), 28'800u);
  EXPECT_EQ(s.request_latency_sum(12'345, 12'345 % 3), 145'000'000u);  // 12,345 % 200 = 145 ms
}

}  // namespace
}  // namespace faultline::sim

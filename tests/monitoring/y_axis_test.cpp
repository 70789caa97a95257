// The latency chart's value axis: the clip rule at its thresholds, SLO targets kept in range,
// log decades.
#include "monitoring/y_axis.h"

#include <gtest/gtest.h>

#include <cmath>

namespace faultline::monitoring {
namespace {

// `n` ordinary seconds at `ordinary` ms with one spike at `spike` ms among them.
std::vector<double> spiky(std::size_t n, double ordinary, double spike) {
  std::vector<double> v(n, ordinary);
  v[n / 2] = spike;
  return v;
}

TEST(YAxis, NearestRankQuantile) {
  std::vector<double> hundred;
  for (int i = 100; i >= 1; --i) hundred.push_back(i);  // unsorted on purpose
  EXPECT_EQ(nearest_rank_quantile(hundred, 0.95), 95);
  EXPECT_EQ(nearest_rank_quantile(hundred, 0.99), 99);
  EXPECT_EQ(nearest_rank_quantile(hundred, 1.0), 100);
  // 20 values: rank ceil(19) = 19, so one spike among 20 is above the 95th percentile...
  EXPECT_EQ(nearest_rank_quantile(spiky(20, 50, 15000), 0.95), 50);
  // ...while the 99th percentile of fewer than 100 values is the spike itself.
  EXPECT_EQ(nearest_rank_quantile(spiky(60, 50, 15000), 0.99), 15000);
  EXPECT_EQ(nearest_rank_quantile({7}, 0.95), 7);
  EXPECT_EQ(nearest_rank_quantile({}, 0.95), 0);
}

TEST(YAxis, ClipsOneSpikeAtTwiceTheP95) {
  const YAxis a = make_y_axis(YScale::kClip, {spiky(60, 50, 15000)}, {});
  EXPECT_TRUE(a.clipped());
  EXPECT_EQ(a.hi, 100);  // 2 x 50, a nice tick
  EXPECT_EQ(a.lo, 0);
  EXPECT_EQ(a.max_value, 15000);
  EXPECT_DOUBLE_EQ(a.fraction(50), 0.5);
  EXPECT_EQ(a.fraction(15000), 1.0);  // drawn on the top edge
  EXPECT_EQ(a.ticks, (std::vector<double>{0, 20, 40, 60, 80, 100}));
}

TEST(YAxis, ClipUsesTheHighestSeries) {
  // P50 at 20 ms, P99 at 80 ms: the clip follows the P99 series (2 x 80 -> 200).
  const YAxis a = make_y_axis(YScale::kClip, {spiky(60, 20, 40), spiky(60, 80, 15000)}, {});
  EXPECT_TRUE(a.clipped());
  EXPECT_EQ(a.hi, 200);
}

TEST(YAxis, ClipKeepsTheSloTargetsInRange) {
  // Targets 500 and 1000 ms: the top is the first nice tick at or above 1.1 x 1000.
  const YAxis a = make_y_axis(YScale::kClip, {spiky(60, 50, 15000)}, {500, 1000});
  EXPECT_TRUE(a.clipped());
  EXPECT_EQ(a.hi, 1200);
  EXPECT_GT(a.fraction(1000), 0.8);
  EXPECT_LT(a.fraction(1000), 1.0);
}

TEST(YAxis, NoClipWhenItWouldGainLittle) {
  // Clip at 100; 150 is not more than 1.5 x 100: the axis stays linear to the largest point.
  const YAxis at = make_y_axis(YScale::kClip, {spiky(60, 50, 150)}, {});
  EXPECT_FALSE(at.clipped());
  EXPECT_EQ(at.scale, YScale::kLinear);
  EXPECT_EQ(at.hi, 150);
  const YAxis above = make_y_axis(YScale::kClip, {spiky(60, 50, 150.5)}, {});
  EXPECT_TRUE(above.clipped());
  EXPECT_EQ(above.hi, 100);
  // All points equal, all zero, nothing at all: nothing to clip.
  EXPECT_FALSE(make_y_axis(YScale::kClip, {std::vector<double>(60, 50)}, {}).clipped());
  EXPECT_FALSE(make_y_axis(YScale::kClip, {std::vector<double>(60, 0)}, {}).clipped());
  const YAxis empty = make_y_axis(YScale::kClip, {}, {});
  EXPECT_FALSE(empty.clipped());
  EXPECT_EQ(empty.hi, 1);
}

TEST(YAxis, LinearReachesTheLargestPointAndTheTargets) {
  const YAxis a = make_y_axis(YScale::kLinear, {spiky(60, 50, 15000)}, {1000});
  EXPECT_FALSE(a.clipped());
  EXPECT_EQ(a.hi, 15000);
  EXPECT_LT(a.fraction(50), 0.004);  // the flat line the clip exists for
  EXPECT_EQ(make_y_axis(YScale::kLinear, {std::vector<double>(60, 50)}, {1000}).hi, 1000);
}

TEST(YAxis, LogSpansWholeDecades) {
  const YAxis a = make_y_axis(YScale::kLog, {spiky(60, 50, 15000)}, {500, 1000});
  EXPECT_EQ(a.scale, YScale::kLog);
  EXPECT_FALSE(a.clipped());
  EXPECT_DOUBLE_EQ(a.lo, 10);
  EXPECT_DOUBLE_EQ(a.hi, 100000);
  ASSERT_EQ(a.ticks.size(), 5u);
  for (std::size_t i = 0; i < a.ticks.size(); ++i) {
    EXPECT_DOUBLE_EQ(a.ticks[i], std::pow(10.0, static_cast<double>(i) + 1));
    EXPECT_NEAR(a.fraction(a.ticks[i]), 0.25 * static_cast<double>(i), 1e-12);
  }
  EXPECT_EQ(a.tick_text(10), "10");
  EXPECT_EQ(a.tick_text(100000), "100000");
  EXPECT_EQ(a.fraction(0), 0);  // no log of 0: the bottom edge
  EXPECT_EQ(a.fraction(5), 0);
}

TEST(YAxis, NarrowLogRangeAlsoLabelsTwoAndFive) {
  const YAxis a = make_y_axis(YScale::kLog, {{30, 40, 400}}, {});
  EXPECT_DOUBLE_EQ(a.lo, 10);
  EXPECT_DOUBLE_EQ(a.hi, 1000);
  EXPECT_EQ(a.ticks, (std::vector<double>{10, 20, 50, 100, 200, 500, 1000}));
  const YAxis small = make_y_axis(YScale::kLog, {{0.2, 0.5}}, {});
  EXPECT_DOUBLE_EQ(small.lo, 0.1);
  EXPECT_DOUBLE_EQ(small.hi, 1);
  EXPECT_EQ(small.tick_text(0.1), "0.1");
}

TEST(YAxis, LogSpansAtMostSixDecades) {
  const YAxis a = make_y_axis(YScale::kLog, {{0.00001, 5000}}, {});
  EXPECT_DOUBLE_EQ(a.hi, 10000);
  EXPECT_DOUBLE_EQ(a.lo, 0.01);
  EXPECT_EQ(a.fraction(0.00001), 0);
}

TEST(YAxis, FormatsValuesForNotes) {
  EXPECT_EQ(format_value(12195.3), "12195");
  EXPECT_EQ(format_value(350), "350");
  EXPECT_EQ(format_value(48.24), "48.2");
  EXPECT_EQ(format_value(0.85), "0.85");
}

}  // namespace
}  // namespace faultline::monitoring

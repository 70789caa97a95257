#include "sim/distribution.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace faultline::sim {
namespace {

constexpr int kDraws = 1'000'000;

struct Drawn {
  std::vector<double> sorted;
  double mean = 0;
  // The smallest draw with at least ceil(q n) draws <= it.
  double quantile(double q) const {
    const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(sorted.size())));
    return sorted[std::max<std::size_t>(rank, 1) - 1];
  }
};

Drawn draw(const Distribution& d, std::uint64_t seed = 12345) {
  Rng rng(seed);
  Drawn out;
  out.sorted.reserve(kDraws);
  double sum = 0;
  for (int i = 0; i < kDraws; ++i) {
    const double v = d.sample_ms(rng);
    sum += v;
    out.sorted.push_back(v);
  }
  std::sort(out.sorted.begin(), out.sorted.end());
  out.mean = sum / kDraws;
  return out;
}

// Sample mean within `mean_tol` (relative) of mean_ms(), and the sample quantiles within 2%
// (plus a small absolute slack for values near 0) of quantile_ms().
void expect_matches(const Distribution& d, double mean_tol = 0.01) {
  SCOPED_TRACE(d.describe());
  const Drawn s = draw(d);
  EXPECT_NEAR(s.mean, d.mean_ms(), mean_tol * d.mean_ms());
  for (const double q : {0.1, 0.5, 0.9, 0.99}) {
    const double want = d.quantile_ms(q);
    EXPECT_NEAR(s.quantile(q), want, 0.02 * want + 1e-3) << "q=" << q;
  }
  EXPECT_GE(s.sorted.front(), 0.0);
}

TEST(StandardNormalQuantileTest, MatchesReferenceValues) {
  EXPECT_EQ(standard_normal_quantile(0.5), 0.0);
  EXPECT_NEAR(standard_normal_quantile(0.975), 1.9599639845400536, 1e-15);
  EXPECT_NEAR(standard_normal_quantile(0.99), 2.3263478740408408, 1e-15);
  EXPECT_NEAR(standard_normal_quantile(0.1), -1.2815515655446008, 1e-15);
  EXPECT_NEAR(standard_normal_quantile(0.3), -0.5244005127080407, 1e-15);
  EXPECT_NEAR(standard_normal_quantile(1e-5), -4.2648907939228256, 1e-14);
  EXPECT_NEAR(standard_normal_quantile(1e-20), -9.262340089798405, 1e-13);  // far tail branch
  EXPECT_NEAR(standard_normal_quantile(1 - 1e-12), 7.0344869100478356, 1e-6);
  EXPECT_EQ(standard_normal_quantile(0.0), -INFINITY);
  EXPECT_EQ(standard_normal_quantile(1.0), INFINITY);
}

TEST(DistributionTest, ConstantAlwaysDrawsItsValueWithoutConsumingDraws) {
  const Distribution d = Distribution::constant(1.2345678);
  Rng rng(1), untouched(1);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(d.sample(rng), Duration(1'234'568));
  EXPECT_EQ(rng.next_u64(), untouched.next_u64());
  EXPECT_EQ(d.mean_ms(), 1.2345678);
  EXPECT_EQ(d.quantile_ms(0.99), 1.2345678);
  EXPECT_EQ(d.kind(), Distribution::Kind::kConstant);
  EXPECT_EQ(Distribution().describe(), "constant(0ms)");
}

TEST(DistributionTest, Uniform) {
  const Distribution d = Distribution::uniform(10, 30);
  EXPECT_EQ(d.mean_ms(), 20);
  EXPECT_EQ(d.quantile_ms(0.25), 15);
  expect_matches(d);
  const Drawn s = draw(d);
  EXPECT_GE(s.sorted.front(), 10.0);
  EXPECT_LT(s.sorted.back(), 30.0);
  EXPECT_EQ(d.describe(), "uniform(min=10ms, max=30ms)");
}

TEST(DistributionTest, Exponential) {
  const Distribution d = Distribution::exponential(5);
  EXPECT_EQ(d.mean_ms(), 5);
  EXPECT_NEAR(d.quantile_ms(0.99), 5 * std::log(100.0), 1e-12);
  expect_matches(d);
  EXPECT_EQ(d.describe(), "exponential(mean=5ms)");
}

TEST(DistributionTest, NormalFarFromZero) {
  const Distribution d = Distribution::normal(100, 20);
  EXPECT_NEAR(d.mean_ms(), 100, 1e-5);  // the cut at 0 adds 1.07e-6
  EXPECT_NEAR(d.quantile_ms(0.975), 100 + 20 * 1.9599639845400536, 1e-9);
  expect_matches(d);
  EXPECT_EQ(d.describe(), "normal(mean=100ms, stddev=20ms)");
}

TEST(DistributionTest, NormalIsCutAtZero) {
  const Distribution d = Distribution::normal(5, 10);
  const Drawn s = draw(d);
  EXPECT_EQ(s.sorted.front(), 0.0);
  const auto zeros = std::upper_bound(s.sorted.begin(), s.sorted.end(), 0.0) - s.sorted.begin();
  EXPECT_NEAR(static_cast<double>(zeros) / kDraws, 0.3085375387259869, 0.002);  // Phi(-0.5)
  // E[max(0, X)] = mu Phi(mu/sd) + sd phi(mu/sd).
  EXPECT_NEAR(d.mean_ms(), 6.97796557401306, 1e-9);
  EXPECT_EQ(d.quantile_ms(0.2), 0.0);
  expect_matches(d);
  Rng rng(3);
  for (int i = 0; i < 10'000; ++i) ASSERT_GE(d.sample(rng), Duration::zero());
}

TEST(DistributionTest, Lognormal) {
  const Distribution d = Distribution::lognormal(1.0, 0.5);
  EXPECT_NEAR(d.mean_ms(), std::exp(1.125), 1e-12);
  EXPECT_NEAR(d.quantile_ms(0.5), std::exp(1.0), 1e-12);
  expect_matches(d);
  EXPECT_EQ(d.describe(), "lognormal(mu=1, sigma=0.5)");
}

TEST(DistributionTest, LognormalFromQuantilesHitsP50AndP99) {
  const Distribution d = Distribution::lognormal_from_quantiles(1200, 6000);
  EXPECT_NEAR(d.quantile_ms(0.5), 1200, 1e-9);
  EXPECT_NEAR(d.quantile_ms(0.99), 6000, 1e-9);
  expect_matches(d);
  const Drawn s = draw(d);
  EXPECT_NEAR(s.quantile(0.5), 1200, 12);
  EXPECT_NEAR(s.quantile(0.99), 6000, 120);
  EXPECT_EQ(d.kind(), Distribution::Kind::kLognormal);
  EXPECT_EQ(d.describe(), "lognormal(p50=1200ms, p99=6000ms)");
}

TEST(DistributionTest, Pareto) {
  const Distribution d = Distribution::pareto(2, 3);
  EXPECT_NEAR(d.mean_ms(), 3, 1e-12);
  EXPECT_NEAR(d.quantile_ms(0.99), 2 * std::pow(0.01, -1.0 / 3), 1e-12);
  EXPECT_EQ(d.quantile_ms(0), 2);
  expect_matches(d, 0.02);  // a heavy tail: the sample mean converges slowly
  EXPECT_EQ(Distribution::pareto(1, 1).mean_ms(), INFINITY);
  EXPECT_EQ(d.describe(), "pareto(scale=2ms, shape=3)");
}

TEST(DistributionTest, HeavyTailDrawsAreClampedNotOverflowed) {
  const Distribution d = Distribution::pareto(1e9, 0.05);
  Rng rng(8);
  for (int i = 0; i < 1000; ++i) {
    const Duration v = d.sample(rng);
    ASSERT_GE(v, Duration::zero());
    ASSERT_LE(v, Distribution::kMaxSample);
  }
}

TEST(DistributionTest, EmpiricalInterpolatesAndIsExactAtKnots) {
  const Distribution d = Distribution::empirical({{0, 1}, {0.5, 3}, {0.9, 10}, {1, 20}});
  EXPECT_EQ(d.quantile_ms(0), 1);
  EXPECT_EQ(d.quantile_ms(0.5), 3);
  EXPECT_EQ(d.quantile_ms(0.9), 10);
  EXPECT_EQ(d.quantile_ms(1), 20);
  EXPECT_DOUBLE_EQ(d.quantile_ms(0.25), 2);
  EXPECT_DOUBLE_EQ(d.quantile_ms(0.95), 15);
  EXPECT_DOUBLE_EQ(d.mean_ms(), 0.5 * 2 + 0.4 * 6.5 + 0.1 * 15);
  expect_matches(d);
  EXPECT_EQ(d.describe(), "empirical(4 points, p50=3ms, p99=19ms)");
}

TEST(DistributionTest, EmpiricalHoldsItsEndValuesOutsideTheKnots) {
  const Distribution d = Distribution::empirical({{0.2, 4}, {0.8, 10}});
  EXPECT_EQ(d.quantile_ms(0), 4);
  EXPECT_EQ(d.quantile_ms(0.1), 4);
  EXPECT_EQ(d.quantile_ms(0.95), 10);
  EXPECT_DOUBLE_EQ(d.mean_ms(), 0.2 * 4 + 0.6 * 7 + 0.2 * 10);
  expect_matches(d);
}

TEST(DistributionTest, EmpiricalSamplesResamplesTheValues) {
  const Distribution d = Distribution::empirical_samples({5, 1, 3, 2, 4});
  EXPECT_EQ(d.mean_ms(), 3);
  EXPECT_EQ(d.quantile_ms(0), 1);
  EXPECT_EQ(d.quantile_ms(0.5), 3);
  EXPECT_EQ(d.quantile_ms(0.4), 2);
  EXPECT_EQ(d.quantile_ms(1), 5);
  const Drawn s = draw(d);
  EXPECT_NEAR(s.mean, 3, 0.01);
  for (int v = 1; v <= 5; ++v) {
    const auto n = std::count(s.sorted.begin(), s.sorted.end(), static_cast<double>(v));
    EXPECT_NEAR(static_cast<double>(n) / kDraws, 0.2, 0.002) << v;
  }
  EXPECT_EQ(s.sorted.size(), static_cast<std::size_t>(kDraws));
  EXPECT_EQ(d.kind(), Distribution::Kind::kEmpiricalSamples);
  EXPECT_EQ(d.describe(), "empirical(5 samples, p50=3ms, p99=5ms)");
}

TEST(DistributionTest, ScaledMultipliesEveryDraw) {
  const Distribution base = Distribution::lognormal_from_quantiles(10, 50);
  const Distribution slow = base.scaled(3);
  Rng a(4), b(4);
  for (int i = 0; i < 1000; ++i) ASSERT_DOUBLE_EQ(slow.sample_ms(b), 3 * base.sample_ms(a));
  EXPECT_NEAR(slow.mean_ms(), 3 * base.mean_ms(), 1e-9);
  EXPECT_NEAR(slow.quantile_ms(0.99), 150, 1e-9);
  EXPECT_EQ(slow.describe(), "lognormal(p50=10ms, p99=50ms) x3");
  EXPECT_EQ(slow.scaled(2).describe(), "lognormal(p50=10ms, p99=50ms) x6");
  const Distribution copy = Distribution::empirical({{0, 1}, {1, 2}}).scaled(0.5);
  EXPECT_EQ(copy.quantile_ms(1), 1);
}

TEST(DistributionTest, SameSeedSameSequenceForEveryKind) {
  const std::vector<Distribution> all = {Distribution::constant(3),
                                         Distribution::uniform(1, 2),
                                         Distribution::exponential(4),
                                         Distribution::normal(10, 3),
                                         Distribution::lognormal(2, 1),
                                         Distribution::lognormal_from_quantiles(100, 900),
                                         Distribution::pareto(1, 2.5),
                                         Distribution::empirical({{0, 1}, {1, 9}}),
                                         Distribution::empirical_samples({1, 2, 3, 4, 5, 6, 7})};
  for (const Distribution& d : all) {
    SCOPED_TRACE(d.describe());
    Rng a(77), b(77), c(78);
    bool differs = d.kind() == Distribution::Kind::kConstant;
    for (int i = 0; i < 1000; ++i) {
      const Duration x = d.sample(a);
      ASSERT_EQ(x, d.sample(b));
      differs = differs || x != d.sample(c);
    }
    EXPECT_TRUE(differs);
  }
}

TEST(DistributionTest, CopiesShareEmpiricalData) {
  std::vector<double> samples(10'000);
  for (std::size_t i = 0; i < samples.size(); ++i) samples[i] = static_cast<double>(i);
  const Distribution a = Distribution::empirical_samples(samples);
  const Distribution b = a;  // cheap: shares the sorted samples
  Rng r1(1), r2(1);
  for (int i = 0; i < 100; ++i) ASSERT_EQ(a.sample(r1), b.sample(r2));
  EXPECT_EQ(a.quantile_ms(0.5), 4999);
}

}  // namespace
}  // namespace faultline::sim

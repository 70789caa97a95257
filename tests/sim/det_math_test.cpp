// det_math: the project's own exp, log, log1p, pow and erfc, measured against the C library
// over a million inputs each (the accuracy docs/simulator.md states), plus exact values and
// IEEE special cases. Bit-for-bit agreement across machines follows from using only IEEE
// operations; scripts/cross-check.sh is where another architecture is compared.
#include "sim/det_math.h"

#include <cmath>
#include <cstdint>
#include <limits>

#include <gtest/gtest.h>

#include "sim/rng.h"

namespace faultline::sim::det {
namespace {

// Distance in units in the last place of `want`.
double ulps(double got, double want) {
  if (got == want) return 0;
  const double ulp = std::nextafter(std::fabs(want), std::numeric_limits<double>::infinity()) - std::fabs(want);
  return std::fabs(got - want) / ulp;
}

constexpr int kInputs = 1'000'000;

TEST(DetMath, ExpWithinOneUlpOfLibm) {
  Rng rng(make_stream(1, "test/exp"));
  double worst = 0;
  for (int i = 0; i < kInputs; ++i) {
    const double x = (rng.next_double() * 2 - 1) * 708;
    worst = std::max(worst, ulps(exp(x), std::exp(x)));
  }
  EXPECT_LE(worst, 1.0);
  EXPECT_EQ(exp(0), 1.0);
  EXPECT_EQ(exp(-800), 0.0);
  EXPECT_EQ(exp(800), std::numeric_limits<double>::infinity());
  EXPECT_TRUE(std::isnan(exp(std::nan(""))));
}

TEST(DetMath, LogWithinOneUlpOfLibmOverEveryExponentTwoNearOne) {
  Rng rng(make_stream(1, "test/log"));
  double worst = 0, worst_near_one = 0;
  for (int i = 0; i < kInputs; ++i) {
    const double x = std::ldexp(0.5 + rng.next_double(), static_cast<int>(rng.next_u64() % 2000) - 1000);
    worst = std::max(worst, ulps(log(x), std::log(x)));
    const double y = 1 + (rng.next_double() * 2 - 1) * 0.3;
    worst_near_one = std::max(worst_near_one, ulps(log(y), std::log(y)));
  }
  EXPECT_LE(worst, 1.0);
  EXPECT_LE(worst_near_one, 2.0);
  EXPECT_EQ(log(1), 0.0);
  EXPECT_EQ(log(4.9e-324), std::log(4.9e-324));  // subnormal
  EXPECT_EQ(log(0), -std::numeric_limits<double>::infinity());
  EXPECT_TRUE(std::isnan(log(-1)));
}

TEST(DetMath, Log1pWithinThreeUlpsOfLibm) {
  Rng rng(make_stream(1, "test/log1p"));
  double worst = 0;
  for (int i = 0; i < kInputs; ++i) {
    const double scale = i % 3 == 0 ? 1e-3 : i % 3 == 1 ? 0.5 : 1e6;
    double x = (rng.next_double() * 2 - 1) * scale;
    if (x <= -1) x = -0.999;
    worst = std::max(worst, ulps(log1p(x), std::log1p(x)));
  }
  EXPECT_LE(worst, 3.0);
  EXPECT_EQ(log1p(1e-300), 1e-300);
  EXPECT_EQ(log1p(-1), -std::numeric_limits<double>::infinity());
}

// The chart axes' decades: exact at every power of ten a double holds exactly (and its
// correctly rounded reciprocal), within 2 ulps elsewhere.
TEST(DetMath, Log10ExactAtPowersOfTenWithinTwoUlpsElsewhere) {
  double p = 1;
  for (int k = 0; k <= 22; ++k, p *= 10) {
    EXPECT_EQ(log10(p), k);
    EXPECT_EQ(log10(1 / p), -k);
  }
  EXPECT_EQ(log10(1e-3), -3.0);
  EXPECT_EQ(std::floor(log10(999.9999999)), 2.0);
  Rng rng(make_stream(1, "test/log10"));
  double worst = 0;
  for (int i = 0; i < kInputs; ++i) {
    const double x = std::ldexp(0.5 + rng.next_double(), static_cast<int>(rng.next_u64() % 200) - 100);
    worst = std::max(worst, ulps(log10(x), std::log10(x)));
  }
  EXPECT_LE(worst, 2.0);
  EXPECT_GT(worst, 0.0);  // not libm's: computed from det::log
}

// The Pareto draw's x^(-1/shape), x in (0, 1): the error grows with |y ln x|, as it must for
// exp(y ln x) in double precision.
TEST(DetMath, PowWithinTwoPlusTwiceYLnXUlps) {
  Rng rng(make_stream(1, "test/pow"));
  double worst_ratio = 0;
  for (int i = 0; i < kInputs; ++i) {
    const double x = rng.next_double_open();
    const double y = -(rng.next_double() * 3 + 0.2);
    const double bound = 2 + 2 * std::fabs(y * std::log(x));
    worst_ratio = std::max(worst_ratio, ulps(pow(x, y), std::pow(x, y)) / bound);
  }
  EXPECT_LE(worst_ratio, 1.0);
  // Integer powers are by squaring: 10^k exact up to 10^22, 10^-k one rounding, as libm's.
  for (int k = -22; k <= 22; ++k) EXPECT_EQ(pow(10.0, k), std::pow(10.0, k)) << k;
  EXPECT_LE(ulps(pow(2.0, 0.5), std::sqrt(2.0)), 2.0);
  EXPECT_EQ(pow(0.0, 2.0), 0.0);
}

// PromQL's `^` hands pow whatever a rule computes: infinities, negative bases, large integer
// exponents. Each special case gives what IEEE 754 (and glibc) gives.
TEST(DetMath, PowSpecialValuesAsIeee) {
  const double inf = std::numeric_limits<double>::infinity();
  const double cases[][2] = {{-1, inf},  {-1, -inf}, {0.5, inf}, {0.5, -inf}, {2, inf},    {2, -inf},
                             {-0.5, inf}, {-2, -inf}, {-2, 65},  {-2, 66},    {-2, -65},  {-3, 100},
                             {-inf, 0.5}, {-inf, -0.5}, {-inf, 3}, {-inf, 2},  {inf, 0.5}, {inf, -2},
                             {0, -1},     {0, -0.5},   {-2, 0.5}, {1, inf},    {2, 0}};
  for (const auto& c : cases) {
    const double want = std::pow(c[0], c[1]);
    const double got = pow(c[0], c[1]);
    if (std::isnan(want)) {
      EXPECT_TRUE(std::isnan(got)) << c[0] << " ^ " << c[1];
    } else {
      const double spread = std::fabs(c[1] * std::log(std::fabs(c[0])));
      EXPECT_LE(ulps(got, want), 2 + (std::isfinite(spread) ? 2 * spread : 0)) << c[0] << " ^ " << c[1] << ": " << got << " vs " << want;
      EXPECT_EQ(std::signbit(got), std::signbit(want)) << c[0] << " ^ " << c[1];
    }
  }
}

TEST(DetMath, ErfcWithinSixTimesTenToTheMinusFourteenRelative) {
  Rng rng(make_stream(1, "test/erfc"));
  double worst = 0;
  for (int i = 0; i < kInputs; ++i) {
    const double x = (rng.next_double() * 2 - 1) * 6 + (i % 10 == 0 ? rng.next_double() * 20 : 0);
    const double want = std::erfc(x);
    if (want == 0) continue;
    worst = std::max(worst, std::fabs(erfc(x) - want) / want);
  }
  EXPECT_LE(worst, 6e-14);
  EXPECT_EQ(erfc(0), 1.0);
  EXPECT_EQ(erfc(30), 0.0);
  EXPECT_EQ(erfc(-30), 2.0);
}

}  // namespace
}  // namespace faultline::sim::det

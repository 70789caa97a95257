// round_half_away: the same value as std::llround on [0, 2^63), which sampled delays relied
// on before (a changed rounding would move every sampled instant by a nanosecond).
#include "sim/round_half_away.h"

#include <cmath>
#include <cstdint>
#include <limits>

#include <gtest/gtest.h>

#include "sim/rng.h"

namespace faultline::sim {
namespace {

TEST(RoundHalfAwayTest, HalvesRoundAwayFromZeroAndTheEdgesMatchLlround) {
  EXPECT_EQ(round_half_away(0.0), 0);
  EXPECT_EQ(round_half_away(0.5), 1);
  EXPECT_EQ(round_half_away(1.5), 2);
  EXPECT_EQ(round_half_away(2.5), 3);
  EXPECT_EQ(round_half_away(2.4999999999999996), 2);
  // The largest double below 0.5: floor(x + 0.5) would give 1, llround gives 0.
  EXPECT_EQ(round_half_away(std::nextafter(0.5, 0.0)), 0);
  EXPECT_EQ(round_half_away(4503599627370495.5), 4503599627370496);  // 2^52 - 0.5
  EXPECT_EQ(round_half_away(9007199254740993.0), std::llround(9007199254740993.0));
  const double big = std::nextafter(9223372036854775808.0, 0.0);  // largest double below 2^63
  EXPECT_EQ(round_half_away(big), std::llround(big));
}

TEST(RoundHalfAwayTest, AgreesWithLlroundOnAMillionDrawsOfEveryScale) {
  Rng rng(42);
  for (int i = 0; i < 1'000'000; ++i) {
    // Magnitudes from 1e-3 to 1e18: every exponent a sampled duration in ns can have.
    const double x = rng.next_double() * std::pow(10.0, static_cast<double>(rng.next_below(22)) - 3);
    ASSERT_EQ(round_half_away(x), std::llround(x)) << x;
    const double half = std::floor(x) + 0.5;
    ASSERT_EQ(round_half_away(half), std::llround(half)) << half;
  }
}

}  // namespace
}  // namespace faultline::sim

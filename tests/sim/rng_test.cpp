#include "sim/rng.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace faultline::sim {
namespace {

// Pinned outputs: any change to the generator or its seeding changes every experiment's
// results, so it must show up here first. Values from an independent implementation of
// xoshiro256** seeded with splitmix64.
TEST(RngTest, KnownAnswerForSeed42) {
  Rng rng(42);
  EXPECT_EQ(rng.next_u64(), 0x15780b2e0c2ec716ULL);
  EXPECT_EQ(rng.next_u64(), 0x6104d9866d113a7eULL);
  EXPECT_EQ(rng.next_u64(), 0xae17533239e499a1ULL);
  EXPECT_EQ(rng.next_u64(), 0xecb8ad4703b360a1ULL);
  EXPECT_EQ(rng.next_u64(), 0xfde6dc7fe2ec5e64ULL);
}

TEST(RngTest, KnownAnswerForAStream) {
  EXPECT_EQ(fnv1a64(""), 0xcbf29ce484222325ULL);
  EXPECT_EQ(fnv1a64("a"), 0xaf63dc4c8601ec8cULL);
  Rng rng = make_stream(42, "load/arrivals");
  EXPECT_EQ(rng.next_u64(), 0xc759ed2064c83e8bULL);
  EXPECT_EQ(rng.next_u64(), 0x7ea79f282a3e8b70ULL);
  EXPECT_EQ(rng.next_u64(), 0x5e6c6ffbda8acfe4ULL);
}

TEST(RngTest, SameSeedAndNameGiveTheSameStream) {
  Rng a = make_stream(7, "dependency/db");
  Rng b = make_stream(7, "dependency/db");
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(a.next_u64(), b.next_u64());
}

TEST(RngTest, DifferentNamesOrSeedsGiveDifferentStreams) {
  const std::vector<Rng> streams = {make_stream(7, "dependency/db"),
                                    make_stream(7, "dependency/dc"),
                                    make_stream(8, "dependency/db"), make_stream(7, ""), Rng(7)};
  std::vector<std::uint64_t> first;
  for (Rng r : streams) first.push_back(r.next_u64());
  for (std::size_t i = 0; i < first.size(); ++i) {
    for (std::size_t j = i + 1; j < first.size(); ++j)
      EXPECT_NE(first[i], first[j]) << i << " " << j;
  }
  // Not merely shifted copies of one another.
  Rng a = make_stream(7, "dependency/db"), b = make_stream(7, "dependency/dc");
  int equal_bits = 0;
  for (int i = 0; i < 1000; ++i)
    equal_bits += 64 - __builtin_popcountll(a.next_u64() ^ b.next_u64());
  EXPECT_NEAR(equal_bits / 1000.0, 32.0, 1.0);
}

TEST(RngTest, DoublesStayInTheirIntervals) {
  Rng rng(1);
  double lo = 1, hi = 0, lo_open = 1;
  for (int i = 0; i < 1'000'000; ++i) {
    const double u = rng.next_double();
    const double v = rng.next_double_open();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    ASSERT_GT(v, 0.0);
    ASSERT_LT(v, 1.0);
    lo = std::min(lo, u);
    hi = std::max(hi, u);
    lo_open = std::min(lo_open, v);
  }
  EXPECT_LT(lo, 1e-5);
  EXPECT_GT(hi, 1 - 1e-5);
  EXPECT_GT(lo_open, 0.0);
}

// Pearson's chi-square over 100 equal bins: 99 degrees of freedom, 0.1% critical value 148.2.
TEST(RngTest, NextDoubleIsUniformByChiSquare) {
  Rng rng(2024);
  constexpr int kBins = 100, kDraws = 1'000'000;
  std::vector<int> bins(kBins);
  for (int i = 0; i < kDraws; ++i) ++bins[static_cast<int>(rng.next_double() * kBins)];
  const double expected = static_cast<double>(kDraws) / kBins;
  double chi2 = 0;
  for (const int b : bins) chi2 += (b - expected) * (b - expected) / expected;
  EXPECT_LT(chi2, 148.2);
  EXPECT_GT(chi2, 60.0);  // suspiciously regular output would also be wrong
}

TEST(RngTest, NextBelowSmallRangeIsUniformByChiSquare) {
  Rng rng(99);
  constexpr int kN = 7, kDraws = 700'000;
  std::vector<int> bins(kN);
  for (int i = 0; i < kDraws; ++i) {
    const std::uint64_t v = rng.next_below(kN);
    ASSERT_LT(v, static_cast<std::uint64_t>(kN));
    ++bins[v];
  }
  double chi2 = 0;
  for (const int b : bins) chi2 += (b - 100'000.0) * (b - 100'000.0) / 100'000.0;
  EXPECT_LT(chi2, 22.46);  // 6 degrees of freedom, 0.1%
}

// With n = 3 * 2^62, `x % n` would return values below 2^62 half of the time instead of a
// third: the rejection step is what makes next_below unbiased.
TEST(RngTest, NextBelowIsUnbiasedForHugeRanges) {
  Rng rng(5);
  const std::uint64_t n = 3ULL << 62;
  int low = 0;
  constexpr int kDraws = 300'000;
  for (int i = 0; i < kDraws; ++i) {
    const std::uint64_t v = rng.next_below(n);
    ASSERT_LT(v, n);
    low += v < (1ULL << 62) ? 1 : 0;
  }
  EXPECT_NEAR(static_cast<double>(low) / kDraws, 1.0 / 3, 0.005);
  EXPECT_EQ(rng.next_below(1), 0u);
}

TEST(RngTest, BernoulliMatchesItsProbabilityAndAlwaysDrawsOnce) {
  Rng rng(11);
  int hits = 0;
  for (int i = 0; i < 1'000'000; ++i) hits += rng.bernoulli(0.2) ? 1 : 0;
  EXPECT_NEAR(hits / 1e6, 0.2, 0.002);

  Rng a(3), b(3);
  EXPECT_FALSE(a.bernoulli(0.0));
  EXPECT_TRUE(b.bernoulli(1.0));
  EXPECT_EQ(a.next_u64(), b.next_u64());  // both consumed exactly one draw
}

}  // namespace
}  // namespace faultline::sim

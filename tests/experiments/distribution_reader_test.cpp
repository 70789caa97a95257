#include "experiments/distribution_reader.h"

#include <gtest/gtest.h>

namespace faultline::experiments {
namespace {

using nlohmann::json;
using Kind = sim::Distribution::Kind;

std::optional<sim::Distribution> read(const json& v, ReadContext& ctx) {
  return read_distribution(ctx, v, "/d");
}

TEST(DistributionReaderTest, EveryKind) {
  ReadContext ctx("x.json", ".");
  EXPECT_EQ(read(5, ctx)->kind(), Kind::kConstant);
  EXPECT_DOUBLE_EQ(read(5, ctx)->mean_ms(), 5);
  EXPECT_DOUBLE_EQ(read({{"dist", "constant"}, {"value", 2}}, ctx)->mean_ms(), 2);
  EXPECT_DOUBLE_EQ(read({{"dist", "uniform"}, {"min", 2}, {"max", 4}}, ctx)->mean_ms(), 3);
  EXPECT_DOUBLE_EQ(read({{"dist", "exponential"}, {"mean", 4}}, ctx)->mean_ms(), 4);
  EXPECT_EQ(read({{"dist", "normal"}, {"mean", 10}, {"stddev", 2}}, ctx)->kind(), Kind::kNormal);
  EXPECT_NEAR(read({{"dist", "lognormal"}, {"mu", 0}, {"sigma", 1}}, ctx)->quantile_ms(0.5), 1,
              1e-9);
  EXPECT_NEAR(read({{"dist", "lognormal"}, {"p50", 1200}, {"p99", 6000}}, ctx)->quantile_ms(0.99),
              6000, 1e-6);
  EXPECT_EQ(read({{"dist", "pareto"}, {"scale", 1}, {"shape", 2}}, ctx)->kind(), Kind::kPareto);
  const auto e = read({{"dist", "empirical"}, {"points", {{0, 10}, {0.5, 20}, {1, 100}}}}, ctx);
  ASSERT_TRUE(e.has_value());
  EXPECT_DOUBLE_EQ(e->quantile_ms(0.5), 20);
  EXPECT_TRUE(ctx.diagnostics().empty()) << format(ctx.diagnostics());
}

TEST(DistributionReaderTest, SamplesText) {
  std::string error;
  EXPECT_EQ(parse_samples("\xEF\xBB\xBF# header\n1\r\n 2.5 \t\n\n3 # late\n", &error),
            (std::vector<double>{1, 2.5, 3}));
  EXPECT_EQ(parse_samples("1\nnan\n", &error), std::nullopt);
  EXPECT_EQ(error, "line 2: \"nan\" is not a number of milliseconds");
  EXPECT_EQ(parse_samples("1\n-4\n", &error), std::nullopt);
  EXPECT_EQ(error, "line 2: -4 ms is outside 0 to 2592000000 (30 days)");
  EXPECT_EQ(parse_samples("1,2\n", &error), std::nullopt);
  EXPECT_EQ(parse_samples("# nothing\n\n", &error), std::nullopt);
  EXPECT_EQ(error, "no samples (one number of milliseconds a line)");
}

}  // namespace
}  // namespace faultline::experiments

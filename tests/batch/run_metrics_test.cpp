#include "batch/run_metrics.h"

#include <gtest/gtest.h>

namespace faultline::batch {
namespace {

TEST(RunMetrics, AliasesAndPerBreakerNamesAreCanonical) {
  EXPECT_EQ(canonical_metric("latency_p95", {}), "latency_p95_ms");
  EXPECT_EQ(canonical_metric("check_pass_rate", {}), "checks_passed");
  EXPECT_EQ(canonical_metric("breaker_rejected.db", {"db"}), "breaker_rejected.db");
  EXPECT_EQ(canonical_metric("breaker_rejected.db", {}), "");
  EXPECT_EQ(metric_names({"a"}).size(), 15u);
}

TEST(RunMetrics, ParsesAnObjectiveOrSaysWhatIsWrong) {
  std::string error;
  const auto o = parse_objective(" minimize  availability ", {}, &error);
  ASSERT_TRUE(o.has_value());
  EXPECT_FALSE(o->maximize);
  EXPECT_EQ(o->metric, "availability");
  EXPECT_TRUE(better(*o, 80, 90));
  EXPECT_FALSE(parse_objective("lower availability", {}, &error).has_value());
  EXPECT_NE(error.find("maximize <metric>"), std::string::npos);
  EXPECT_FALSE(parse_objective("maximize speed", {}, &error).has_value());
  EXPECT_NE(error.find("unknown metric \"speed\""), std::string::npos);
}

TEST(RunMetrics, BreakerNamesComeFromTheDocumentInKeyOrder) {
  const auto doc = nlohmann::json::parse(
      R"({"resilience": {"circuit_breakers": {"b": {}, "a": {}}}})");
  EXPECT_EQ(breaker_names(doc), (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(breaker_names(nlohmann::json::object()).empty());
}

}  // namespace
}  // namespace faultline::batch

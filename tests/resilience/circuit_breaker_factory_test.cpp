#include "resilience/circuit_breaker_factory.h"

#include <gtest/gtest.h>

#include "tests/resilience/manual_scheduler.h"

namespace faultline::resilience {
namespace {

using std::chrono::seconds;
using testing::ManualScheduler;

CircuitBreakerOverrides overrides(std::optional<int> threshold, std::optional<Duration> recovery,
                                  std::optional<Duration> window, std::optional<double> rate) {
  CircuitBreakerOverrides o;
  o.failure_threshold = threshold;
  o.recovery_timeout = recovery;
  o.monitoring_window = window;
  o.expected_failure_rate = rate;
  return o;
}

TEST(CircuitBreakerFactoryTest, SameTypeAndNameIsTheSameBreaker) {
  ManualScheduler s;
  CircuitBreakerFactory f(s);
  CircuitBreaker& a = f.get("openai", "ai_service");
  CircuitBreaker& b = f.get("openai", "ai_service", overrides(1, {}, {}, {}));
  CircuitBreaker& c = f.get("openai", "external_api");
  EXPECT_EQ(&a, &b);
  EXPECT_NE(&a, &c);
  EXPECT_EQ(b.config().failure_threshold, 5);  // the first get() configured it
  EXPECT_EQ(f.find("ai_service:openai"), &a);
  EXPECT_EQ(f.find("external_api:openai"), &c);
  EXPECT_EQ(f.find("openai"), nullptr);
  ASSERT_EQ(f.breakers().size(), 2u);
  EXPECT_EQ(f.breakers().begin()->first, "ai_service:openai");
}

TEST(CircuitBreakerFactoryTest, TypeDefaultsAreTheGuides) {
  struct Row {
    const char* type;
    int threshold;
    Duration recovery;
    double rate;
  };
  for (const Row& r : {Row{"ai_service", 5, seconds(60), 10}, Row{"database", 3, seconds(30), 5},
                       Row{"cache", 3, seconds(10), 10}, Row{"external_api", 5, seconds(60), 10}}) {
    SCOPED_TRACE(r.type);
    const auto c = CircuitBreakerFactory::type_defaults(r.type);
    ASSERT_TRUE(c.has_value());
    EXPECT_EQ(c->failure_threshold, r.threshold);
    EXPECT_EQ(c->recovery_timeout, r.recovery);
    EXPECT_EQ(c->expected_failure_rate, r.rate);
    EXPECT_EQ(c->monitoring_window, seconds(300));
    EXPECT_EQ(c->minimum_calls, 20);
    EXPECT_EQ(c->half_open_max_calls, 1);
  }
  EXPECT_FALSE(CircuitBreakerFactory::type_defaults("queue").has_value());
}

// defaults < profile < env < explicit, field by field.
struct PrecedenceCase {
  const char* name;
  const char* type;
  Profile profile;
  EnvMap env;
  CircuitBreakerOverrides explicit_values;
  int threshold;
  Duration recovery;
  Duration window;
  double rate;
};

class PrecedenceTest : public ::testing::TestWithParam<PrecedenceCase> {};

TEST_P(PrecedenceTest, LaterLayersWinFieldByField) {
  const PrecedenceCase& pc = GetParam();
  ManualScheduler s;
  CircuitBreakerFactory f(s, pc.profile, pc.env);
  const CircuitBreaker& b = f.get("x", pc.type, pc.explicit_values);
  EXPECT_EQ(b.config().failure_threshold, pc.threshold);
  EXPECT_EQ(b.config().recovery_timeout, pc.recovery);
  EXPECT_EQ(b.config().monitoring_window, pc.window);
  EXPECT_EQ(b.config().expected_failure_rate, pc.rate);
  EXPECT_TRUE(f.env_errors().empty());
}

const EnvMap kEnv = {{"CIRCUIT_BREAKER_FAILURE_THRESHOLD", "7"},
                     {"CIRCUIT_BREAKER_RECOVERY_TIMEOUT", "45000"},
                     {"CIRCUIT_BREAKER_MONITORING_WINDOW", "120000"}};

INSTANTIATE_TEST_SUITE_P(
    Layers, PrecedenceTest,
    ::testing::Values(
        PrecedenceCase{
            "type_only", "database", Profile::kNone, {}, {}, 3, seconds(30), seconds(300), 5},
        PrecedenceCase{"production_over_database",
                       "database",
                       Profile::kProduction,
                       {},
                       {},
                       5,
                       seconds(60),
                       seconds(300),
                       5},
        PrecedenceCase{"development_over_ai",
                       "ai_service",
                       Profile::kDevelopment,
                       {},
                       {},
                       3,
                       seconds(30),
                       seconds(300),
                       10},
        PrecedenceCase{"env_over_profile",
                       "ai_service",
                       Profile::kDevelopment,
                       kEnv,
                       {},
                       7,
                       seconds(45),
                       seconds(120),
                       10},
        PrecedenceCase{"env_only_threshold",
                       "database",
                       Profile::kProduction,
                       {{"CIRCUIT_BREAKER_FAILURE_THRESHOLD", "9"}},
                       {},
                       9,
                       seconds(60),
                       seconds(300),
                       5},
        PrecedenceCase{"explicit_over_env", "ai_service", Profile::kProduction, kEnv,
                       overrides(2, {}, {}, 50), 2, seconds(45), seconds(120), 50},
        PrecedenceCase{"explicit_over_everything", "cache", Profile::kDevelopment, kEnv,
                       overrides(4, seconds(1), seconds(2), {}), 4, seconds(1), seconds(2), 10},
        PrecedenceCase{"unknown_type_is_external_api",
                       "queue",
                       Profile::kNone,
                       {},
                       {},
                       5,
                       seconds(60),
                       seconds(300),
                       10}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(CircuitBreakerFactoryTest, MalformedEnvironmentValuesAreIgnoredAndReported) {
  ManualScheduler s;
  CircuitBreakerFactory f(s, Profile::kProduction,
                          {{"CIRCUIT_BREAKER_FAILURE_THRESHOLD", "five"},
                           {"CIRCUIT_BREAKER_RECOVERY_TIMEOUT", "-1"},
                           {"CIRCUIT_BREAKER_MONITORING_WINDOW", "60000"}});
  const CircuitBreakerConfig c = f.resolve("ai_service");
  EXPECT_EQ(c.failure_threshold, 5);
  EXPECT_EQ(c.recovery_timeout, seconds(60));
  EXPECT_EQ(c.monitoring_window, seconds(60));
  ASSERT_EQ(f.env_errors().size(), 2u);
  EXPECT_NE(f.env_errors()[0].find("CIRCUIT_BREAKER_FAILURE_THRESHOLD"), std::string::npos);
}

TEST(CircuitBreakerFactoryTest, ProfilesParseFromTheFileSpelling) {
  EXPECT_EQ(parse_profile("development"), Profile::kDevelopment);
  EXPECT_EQ(parse_profile("production"), Profile::kProduction);
  EXPECT_FALSE(parse_profile("staging").has_value());
}

}  // namespace
}  // namespace faultline::resilience

#include "experiments/prometheus_histogram.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>

#include "experiments/distribution_reader.h"
#include "sim/distribution.h"
#include "sim/rng.h"

namespace faultline::experiments {
namespace {

using Points = std::vector<std::pair<double, double>>;
constexpr double kInf = std::numeric_limits<double>::infinity();

constexpr const char* kExposition = R"(# HELP http_request_duration_seconds Request latency.
# TYPE http_request_duration_seconds histogram
http_request_duration_seconds_bucket{handler="/api/generate",le="0.1"} 10
http_request_duration_seconds_bucket{handler="/api/generate",le="0.5"} 60
http_request_duration_seconds_bucket{handler="/api/generate",le="1"} 90
http_request_duration_seconds_bucket{handler="/api/generate",le="+Inf"} 100
http_request_duration_seconds_sum{handler="/api/generate"} 41.5
http_request_duration_seconds_count{handler="/api/generate"} 100
http_request_duration_seconds_bucket{handler="/api/dashboard",le="0.1"} 90
http_request_duration_seconds_bucket{handler="/api/dashboard",le="0.5"} 100
http_request_duration_seconds_bucket{handler="/api/dashboard",le="1"} 100
http_request_duration_seconds_bucket{handler="/api/dashboard",le="+Inf"} 100
)";

ParsedHistogram parse_ok(std::string_view text, const HistogramSelector& selector = {}) {
  std::string error;
  auto h = parse_histogram(text, selector, &error);
  EXPECT_TRUE(h.has_value()) << error;
  return h.value_or(ParsedHistogram{});
}

std::string parse_error(std::string_view text, const HistogramSelector& selector = {}) {
  std::string error;
  EXPECT_FALSE(parse_histogram(text, selector, &error).has_value());
  return error;
}

Points points_ok(const std::vector<HistogramBucket>& buckets, double unit_ms = 1000) {
  std::string error;
  auto p = histogram_quantile_points(buckets, unit_ms, &error);
  EXPECT_TRUE(p.has_value()) << error;
  return p.value_or(Points{});
}

TEST(PrometheusHistogramTest, UnitsAreMillisecondsPerLe) {
  EXPECT_EQ(histogram_unit_ms("s"), 1000.0);
  EXPECT_EQ(histogram_unit_ms("ms"), 1.0);
  EXPECT_EQ(histogram_unit_ms("us"), 0.001);
  EXPECT_EQ(histogram_unit_ms("seconds"), std::nullopt);
}

TEST(PrometheusHistogramTest, SelectsASeriesByLabel) {
  const auto h = parse_ok(kExposition, {.metric = "", .labels = {{"handler", "/api/generate"}}});
  EXPECT_EQ(h.metric, "http_request_duration_seconds");
  EXPECT_EQ(h.series, 1);
  ASSERT_EQ(h.buckets.size(), 4u);
  EXPECT_EQ(h.buckets[0].le, 0.1);
  EXPECT_EQ(h.buckets[2].count, 90);
  EXPECT_EQ(h.buckets[3].le, kInf);
  EXPECT_EQ(h.buckets[3].count, 100);
}

TEST(PrometheusHistogramTest, SumsMatchingSeriesPerBucketLikeSumByLe) {
  const auto h = parse_ok(kExposition, {.metric = "http_request_duration_seconds", .labels = {}});
  EXPECT_EQ(h.series, 2);
  ASSERT_EQ(h.buckets.size(), 4u);
  EXPECT_EQ(h.buckets[0].count, 100);  // 10 + 90
  EXPECT_EQ(h.buckets[1].count, 160);
  EXPECT_EQ(h.buckets[3].count, 200);
}

TEST(PrometheusHistogramTest, QuantilePointsInterpolateWithinBucketsFromZero) {
  // 10 % under 100 ms, 60 % under 500 ms, 90 % under 1 s, 10 % above 1 s.
  const Points p = points_ok({{0.1, 10}, {0.5, 60}, {1, 90}, {kInf, 100}});
  const Points want = {{0, 0}, {0.1, 100}, {0.6, 500}, {0.9, 1000}, {1, 1000}};
  EXPECT_EQ(p, want);
  // The distribution answers what PromQL's histogram_quantile would: P50 in the 100-500 ms
  // bucket at rank 50 of 100 -> 100 + (50-10)/(60-10) x 400 = 420 ms; P95 in +Inf -> 1 s.
  const auto d = sim::Distribution::empirical(p);
  EXPECT_NEAR(d.quantile_ms(0.5), 420, 1e-9);
  EXPECT_NEAR(d.quantile_ms(0.95), 1000, 1e-9);
}

TEST(PrometheusHistogramTest, EmptyBucketsAreVerticalStepsThatNoDrawLandsIn) {
  const Points p =
      points_ok({{0.005, 0}, {0.01, 50}, {0.025, 50}, {0.05, 50}, {0.1, 100}, {kInf, 100}});
  const Points want = {{0, 5}, {0.5, 10}, {0.5, 50}, {1, 100}};
  EXPECT_EQ(p, want);
  const auto d = sim::Distribution::empirical(p);
  sim::Rng rng = sim::make_stream(7, "test");
  for (int i = 0; i < 10'000; ++i) {
    const double ms = d.sample_ms(rng);
    EXPECT_TRUE((ms >= 5 && ms <= 10) || (ms >= 50 && ms <= 100)) << ms;
  }
}

TEST(PrometheusHistogramTest, UnitScalesTheBounds) {
  EXPECT_EQ(points_ok({{100, 5}, {250, 10}}, 1.0), (Points{{0, 0}, {0.5, 100}, {1, 250}}));
}

TEST(PrometheusHistogramTest, WithoutInfTheHighestBucketHoldsEverything) {
  EXPECT_EQ(points_ok({{0.2, 3}, {0.4, 4}}), (Points{{0, 0}, {0.75, 200}, {1, 400}}));
}

TEST(PrometheusHistogramTest, TailAboveTheLastFiniteBoundTakesThatBound) {
  // Trailing empty finite buckets still raise the +Inf answer to the highest finite bound.
  EXPECT_EQ(points_ok({{0.1, 8}, {0.2, 8}, {kInf, 10}}),
            (Points{{0, 0}, {0.8, 100}, {0.8, 200}, {1, 200}}));
}

TEST(PrometheusHistogramTest, ReportsHistogramsThatSayNothing) {
  std::string error;
  EXPECT_FALSE(histogram_quantile_points({{0.1, 0}, {kInf, 0}}, 1000, &error));
  EXPECT_EQ(error, "no observations (every bucket counts 0)");
  EXPECT_FALSE(histogram_quantile_points({{0.1, 0}, {0.5, 0}, {kInf, 9}}, 1000, &error));
  EXPECT_EQ(
      error,
      "every observation is above the highest finite bucket (le=0.5): no latency can be inferred");
  EXPECT_FALSE(histogram_quantile_points({{kInf, 9}}, 1000, &error));
  EXPECT_EQ(error, "every observation is in the +Inf bucket: no latency can be inferred");
}

TEST(PrometheusHistogramTest, JsonListInAnyOrderWithNumberOrStringBounds) {
  const auto h = parse_ok(
      R"(  [{"le": "+Inf", "count": 40}, {"le": 0.25, "count": 12}, {"le": "1", "count": 30}])");
  EXPECT_EQ(h.metric, "");
  ASSERT_EQ(h.buckets.size(), 3u);
  EXPECT_EQ(h.buckets[0].le, 0.25);
  EXPECT_EQ(h.buckets[1].le, 1);
  EXPECT_EQ(h.buckets[2].le, kInf);
  EXPECT_EQ(points_ok(h.buckets), (Points{{0, 0}, {0.3, 250}, {0.75, 1000}, {1, 1000}}));
}

TEST(PrometheusHistogramTest, JsonMistakesAreNamed) {
  EXPECT_EQ(parse_error("[1, 2"), "not valid JSON");
  EXPECT_EQ(parse_error("[]"), "expected a list of buckets [{\"le\": 0.5, \"count\": 42}, ...]");
  EXPECT_EQ(parse_error(R"([{"le": 0.1, "count": 1, "sum": 3}])"),
            "bucket 0: unknown key \"sum\" (known: le, count)");
  EXPECT_EQ(parse_error(R"([{"le": 0.1}])"), "bucket 0: needs both \"le\" and \"count\"");
  EXPECT_EQ(parse_error(R"([{"le": -1, "count": 1}])"),
            "bucket 0: le=-1 is negative: a latency bound cannot be");
  EXPECT_EQ(parse_error(R"([{"le": "fast", "count": 1}])"),
            "bucket 0: le=\"fast\" is not a number or +Inf");
  EXPECT_EQ(parse_error(R"([{"le": 0.1, "count": -2}])"), "bucket 0: count must be a number >= 0");
  EXPECT_EQ(parse_error(R"([{"le": 0.1, "count": 5}, {"le": 0.2, "count": 3}])"),
            "bucket le=0.2 counts 3, fewer than bucket le=0.1 (5): bucket counts are cumulative "
            "(observations <= le)");
  EXPECT_EQ(parse_error(R"([{"le": 0.1, "count": 5}, {"le": "0.1", "count": 6}])"),
            "le=0.1 is written twice");
  EXPECT_EQ(parse_error(std::string(100, '[') + std::string(100, ']')),
            "JSON nested deeper than 64 levels");
}

TEST(PrometheusHistogramTest, TextExpositionDetails) {
  // Byte-order mark, CRLF, spaces in the label set, escaped quotes, a timestamp, an exemplar,
  // a float count and an OpenMetrics EOF.
  const auto h = parse_ok(
      "\xEF\xBB\xBF# TYPE rpc_seconds histogram\r\n"
      "rpc_seconds_bucket{ path=\"/a\\\"b\" , le=\"0.05\" } 1.5e1 1700000000000\r\n"
      "rpc_seconds_bucket{path=\"/a\\\"b\",le=\"+Inf\"} 20 # {trace_id=\"x\"} 0.7\r\n"
      "# EOF\r\n",
      {.metric = "", .labels = {{"path", "/a\"b"}}});
  ASSERT_EQ(h.buckets.size(), 2u);
  EXPECT_EQ(h.buckets[0].count, 15);
  EXPECT_EQ(h.buckets[1].count, 20);
}

TEST(PrometheusHistogramTest, TextMistakesAreLocated) {
  EXPECT_EQ(parse_error("a_bucket{le=\"0.1\"} 1\nb_bucket{le=\"0.1\"} 1\n"),
            "several histograms (a, b): name one with \"metric\"");
  EXPECT_EQ(parse_error("# nothing\n"),
            "no histogram: expected lines such as name_bucket{le=\"0.5\"} 42");
  EXPECT_EQ(parse_error("a_bucket{le=\"0.1\"} 1\n", {.metric = "b", .labels = {}}),
            "no bucket line matches b");
  EXPECT_EQ(
      parse_error(kExposition, {.metric = "", .labels = {{"handler", "/x"}, {"code", "200"}}}),
      "no bucket line matches {code=\"200\", handler=\"/x\"}");
  EXPECT_EQ(parse_error("a_bucket{x=\"1\"} 1\n"), "line 1: a_bucket has no le label");
  EXPECT_EQ(parse_error("\na_bucket{le=\"0.1\"} many\n"),
            "line 2: bucket count \"many\" is not a number >= 0");
  EXPECT_EQ(parse_error("a_bucket{le=\"0.1} 1\n"), "line 1: unterminated label value");
  EXPECT_EQ(parse_error("a_bucket{le=0.1} 1\n"), "line 1: expected label=\"value\" or '}'");
  EXPECT_EQ(parse_error("9lives 1\n"), "line 1: expected a metric name");
  EXPECT_EQ(parse_error("a_bucket{le=\"0.1\"}\n"),
            "line 1: expected a space and a value after the metric");
  EXPECT_EQ(parse_error("a_bucket{le=\"0.1\"} 1\na_bucket{le=\"0.1\"} 2\n"),
            "series a{}: le=0.1 is written twice");
  EXPECT_EQ(parse_error("a_bucket{s=\"1\",le=\"0.1\"} 1\na_bucket{s=\"2\",le=\"0.2\"} 2\n"),
            "series a{s=\"2\"} has other bucket bounds than a{s=\"1\"}: they cannot be "
            "summed; pick one with \"labels\"");
}

// The bundled sample files parse and give sensible latencies.
TEST(PrometheusHistogramTest, BundledSampleFiles) {
  for (const char* name : {"openai-latency.prom", "openai-latency.json"}) {
    std::ifstream in(std::string(FAULTLINE_SOURCE_DIR) + "/experiments/data/" + name,
                     std::ios::binary);
    ASSERT_TRUE(in) << name;
    std::stringstream text;
    text << in.rdbuf();
    std::string error;
    const auto h =
        parse_histogram(text.str(), {.metric = "", .labels = {{"model", "gpt-4o-mini"}}}, &error);
    ASSERT_TRUE(h.has_value()) << name << ": " << error;
    const auto p = histogram_quantile_points(h->buckets, 1000, &error);
    ASSERT_TRUE(p.has_value()) << name << ": " << error;
    const auto d = sim::Distribution::empirical(*p);
    EXPECT_GT(d.quantile_ms(0.5), 500) << name;
    EXPECT_LT(d.quantile_ms(0.5), 2500) << name;
    EXPECT_GT(d.quantile_ms(0.99), d.quantile_ms(0.5)) << name;
  }
}

// calibrated-load-test reads data/openai-latency.prom through the loader: the distribution
// it gets is the one the parser computes from the gpt-4o-mini series.
TEST(PrometheusHistogramTest, CalibratedExperimentReadsTheHistogramThroughTheLoader) {
  const std::string dir = std::string(FAULTLINE_SOURCE_DIR) + "/experiments/";
  std::ifstream prom(dir + "data/openai-latency.prom", std::ios::binary);
  std::ifstream experiment(dir + "calibrated-load-test.json", std::ios::binary);
  ASSERT_TRUE(prom && experiment);
  std::stringstream text;
  text << prom.rdbuf();
  const auto doc = nlohmann::json::parse(experiment);
  ReadContext ctx(dir + "calibrated-load-test.json", dir);
  const auto loaded =
      read_distribution(ctx, doc.at("dependencies").at("openai").at("latency_ms"), "/d");
  ASSERT_TRUE(loaded.has_value()) << format(ctx.diagnostics());
  std::string error;
  const auto h =
      parse_histogram(text.str(), {.metric = "", .labels = {{"model", "gpt-4o-mini"}}}, &error);
  ASSERT_TRUE(h.has_value()) << error;
  const auto want = sim::Distribution::empirical(points_ok(h->buckets));
  for (const double q : {0.0, 0.1, 0.5, 0.9, 0.95, 0.99, 0.999, 1.0}) {
    EXPECT_DOUBLE_EQ(loaded->quantile_ms(q), want.quantile_ms(q)) << q;
  }
}

// Through the loader: the file's problems are reported at the key's pointer, the unit scales.
TEST(PrometheusHistogramTest, LoaderReportsHistogramProblemsAtTheirPointer) {
  const std::string dir = std::string(FAULTLINE_SOURCE_DIR) + "/experiments/";
  ReadContext ctx(dir + "x.json", dir);
  using nlohmann::json;
  const json ms = {
      {"dist", "empirical"}, {"prometheus", "data/openai-latency.json"}, {"unit", "ms"}};
  const auto d = read_distribution(ctx, ms, "/d");
  ASSERT_TRUE(d.has_value()) << format(ctx.diagnostics());
  EXPECT_DOUBLE_EQ(d->quantile_ms(1), 30);  // le 30, read as milliseconds
  EXPECT_FALSE(read_distribution(ctx,
                                 {{"dist", "empirical"},
                                  {"prometheus", "data/openai-latency.prom"},
                                  {"metric", "http_seconds"}},
                                 "/d"));
  EXPECT_FALSE(
      read_distribution(ctx, {{"dist", "empirical"}, {"prometheus", "data/none.prom"}}, "/e"));
  EXPECT_FALSE(read_distribution(
      ctx, {{"dist", "empirical"}, {"file", "data/postgres-latency.csv"}, {"unit", "s"}}, "/f"));
  EXPECT_FALSE(read_distribution(
      ctx, {{"dist", "empirical"}, {"prometheus", "data/openai-latency.json"}, {"unit", "min"}},
      "/g"));
  const std::string all = format(ctx.diagnostics());
  EXPECT_NE(all.find("/d/prometheus: histogram file"), std::string::npos) << all;
  EXPECT_NE(all.find("no bucket line matches http_seconds"), std::string::npos) << all;
  EXPECT_NE(all.find("/e/prometheus: histogram file"), std::string::npos) << all;
  EXPECT_NE(all.find("/f/unit: key \"unit\" applies only to a \"prometheus\" histogram file"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("/g/unit: unknown unit \"min\""), std::string::npos) << all;
}

}  // namespace
}  // namespace faultline::experiments

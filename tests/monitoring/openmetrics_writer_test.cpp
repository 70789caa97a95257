// metrics.om: the exact text for a tiny run (families, labels, cumulative counters and
// buckets, timestamps from report.metrics_epoch_s, the drain's sample, # EOF), and the edge
// cases of the last samples' instants.
#include "monitoring/openmetrics_writer.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "sim/status.h"

namespace faultline::monitoring {
namespace {

using namespace std::chrono_literals;
using sim::BreakerSecondState;

constexpr const char* kEmptyTail =
    "# TYPE dependency_calls counter\n"
    "# HELP dependency_calls Calls that reached the dependency, retries included.\n"
    "# TYPE dependency_errors counter\n"
    "# HELP dependency_errors Calls answered with an error, refused, or rejected by the dependency's queue.\n"
    "# TYPE dependency_timeouts counter\n"
    "# HELP dependency_timeouts Calls abandoned by the caller's timeout.\n"
    "# TYPE dependency_call_duration_seconds histogram\n"
    "# UNIT dependency_call_duration_seconds seconds\n"
    "# HELP dependency_call_duration_seconds Latency of the dependency's answers, as the caller saw it.\n"
    "# TYPE circuit_breaker_state gauge\n"
    "# HELP circuit_breaker_state State at the end of each second: 0 CLOSED, 1 HALF_OPEN, 2 OPEN.\n";

TEST(OpenMetricsWriterTest, ExactTextOfATwoSecondRunWithADrain) {
  experiments::Experiment e;
  e.name = "om";
  e.report.metrics_epoch_s = 1000;
  sim::MetricsLayout l;
  l.duration = 2s;
  l.endpoints = {"serve"};
  sim::Metrics m(l);
  for (auto at : {0ms, 10ms, 20ms, 30ms}) m.on_request_issued(at);
  m.on_request_done(0ms, 4ms, 200, true, false);                         // le 0.005
  m.on_request_done(10ms, 40ms, 200, true, false);                       // le 0.05
  m.on_request_done(20ms, 520ms, sim::kStatusUnavailable, false, false);  // exactly 0.5: le 0.5
  m.close_second(2, 1, {});
  m.close_second(0, 0, {});
  // The drain: the last request gets no answer at 2.4 s (2.37 s after it was sent: le 2.5).
  m.on_request_done(30ms, 2400ms, sim::kStatusNoAnswer, false, false);
  m.close_drain(2400ms);
  const RunOutcome run{&e, &m, 2s, 0, 0};

  const std::string expected = std::string(
      "# TYPE http_requests counter\n"
      "# HELP http_requests Requests answered, by endpoint and status (499: the client's own timeout; 0: no answer by "
      "the drain's end).\n"
      "http_requests_total{endpoint=\"serve\",status=\"0\"} 0 1001\n"
      "http_requests_total{endpoint=\"serve\",status=\"0\"} 0 1002\n"
      "http_requests_total{endpoint=\"serve\",status=\"0\"} 1 1003\n"
      "http_requests_total{endpoint=\"serve\",status=\"200\"} 2 1001\n"
      "http_requests_total{endpoint=\"serve\",status=\"200\"} 2 1002\n"
      "http_requests_total{endpoint=\"serve\",status=\"200\"} 2 1003\n"
      "http_requests_total{endpoint=\"serve\",status=\"503\"} 1 1001\n"
      "http_requests_total{endpoint=\"serve\",status=\"503\"} 1 1002\n"
      "http_requests_total{endpoint=\"serve\",status=\"503\"} 1 1003\n"
      "# TYPE http_request_duration_seconds histogram\n"
      "# UNIT http_request_duration_seconds seconds\n"
      "# HELP http_request_duration_seconds Latency of the requests answered, as their clients saw it.\n"
      "http_request_duration_seconds_bucket{endpoint=\"serve\",le=\"0.005\"} 1 1001\n"
      "http_request_duration_seconds_bucket{endpoint=\"serve\",le=\"0.01\"} 1 1001\n"
      "http_request_duration_seconds_bucket{endpoint=\"serve\",le=\"0.025\"} 1 1001\n"
      "http_request_duration_seconds_bucket{endpoint=\"serve\",le=\"0.05\"} 2 1001\n"
      "http_request_duration_seconds_bucket{endpoint=\"serve\",le=\"0.1\"} 2 1001\n"
      "http_request_duration_seconds_bucket{endpoint=\"serve\",le=\"0.25\"} 2 1001\n"
      "http_request_duration_seconds_bucket{endpoint=\"serve\",le=\"0.5\"} 3 1001\n"
      "http_request_duration_seconds_bucket{endpoint=\"serve\",le=\"1.0\"} 3 1001\n"
      "http_request_duration_seconds_bucket{endpoint=\"serve\",le=\"2.5\"} 3 1001\n"
      "http_request_duration_seconds_bucket{endpoint=\"serve\",le=\"5.0\"} 3 1001\n"
      "http_request_duration_seconds_bucket{endpoint=\"serve\",le=\"10.0\"} 3 1001\n"
      "http_request_duration_seconds_bucket{endpoint=\"serve\",le=\"+Inf\"} 3 1001\n"
      "http_request_duration_seconds_count{endpoint=\"serve\"} 3 1001\n"
      "http_request_duration_seconds_sum{endpoint=\"serve\"} 0.534 1001\n"
      "http_request_duration_seconds_bucket{endpoint=\"serve\",le=\"0.005\"} 1 1002\n"
      "http_request_duration_seconds_bucket{endpoint=\"serve\",le=\"0.01\"} 1 1002\n"
      "http_request_duration_seconds_bucket{endpoint=\"serve\",le=\"0.025\"} 1 1002\n"
      "http_request_duration_seconds_bucket{endpoint=\"serve\",le=\"0.05\"} 2 1002\n"
      "http_request_duration_seconds_bucket{endpoint=\"serve\",le=\"0.1\"} 2 1002\n"
      "http_request_duration_seconds_bucket{endpoint=\"serve\",le=\"0.25\"} 2 1002\n"
      "http_request_duration_seconds_bucket{endpoint=\"serve\",le=\"0.5\"} 3 1002\n"
      "http_request_duration_seconds_bucket{endpoint=\"serve\",le=\"1.0\"} 3 1002\n"
      "http_request_duration_seconds_bucket{endpoint=\"serve\",le=\"2.5\"} 3 1002\n"
      "http_request_duration_seconds_bucket{endpoint=\"serve\",le=\"5.0\"} 3 1002\n"
      "http_request_duration_seconds_bucket{endpoint=\"serve\",le=\"10.0\"} 3 1002\n"
      "http_request_duration_seconds_bucket{endpoint=\"serve\",le=\"+Inf\"} 3 1002\n"
      "http_request_duration_seconds_count{endpoint=\"serve\"} 3 1002\n"
      "http_request_duration_seconds_sum{endpoint=\"serve\"} 0.534 1002\n"
      "http_request_duration_seconds_bucket{endpoint=\"serve\",le=\"0.005\"} 1 1003\n"
      "http_request_duration_seconds_bucket{endpoint=\"serve\",le=\"0.01\"} 1 1003\n"
      "http_request_duration_seconds_bucket{endpoint=\"serve\",le=\"0.025\"} 1 1003\n"
      "http_request_duration_seconds_bucket{endpoint=\"serve\",le=\"0.05\"} 2 1003\n"
      "http_request_duration_seconds_bucket{endpoint=\"serve\",le=\"0.1\"} 2 1003\n"
      "http_request_duration_seconds_bucket{endpoint=\"serve\",le=\"0.25\"} 2 1003\n"
      "http_request_duration_seconds_bucket{endpoint=\"serve\",le=\"0.5\"} 3 1003\n"
      "http_request_duration_seconds_bucket{endpoint=\"serve\",le=\"1.0\"} 3 1003\n"
      "http_request_duration_seconds_bucket{endpoint=\"serve\",le=\"2.5\"} 4 1003\n"
      "http_request_duration_seconds_bucket{endpoint=\"serve\",le=\"5.0\"} 4 1003\n"
      "http_request_duration_seconds_bucket{endpoint=\"serve\",le=\"10.0\"} 4 1003\n"
      "http_request_duration_seconds_bucket{endpoint=\"serve\",le=\"+Inf\"} 4 1003\n"
      "http_request_duration_seconds_count{endpoint=\"serve\"} 4 1003\n"
      "http_request_duration_seconds_sum{endpoint=\"serve\"} 2.904 1003\n") +
      kEmptyTail +
      "# TYPE http_requests_in_flight gauge\n"
      "# HELP http_requests_in_flight Requests issued and not yet answered, at the end of each second.\n"
      "http_requests_in_flight 1 1001\n"
      "http_requests_in_flight 1 1002\n"
      "# TYPE api_workers_busy gauge\n"
      "# HELP api_workers_busy API workers busy at the end of each second.\n"
      "api_workers_busy 2 1001\n"
      "api_workers_busy 0 1002\n"
      "# TYPE api_queue_length gauge\n"
      "# HELP api_queue_length Requests waiting in the API's queue at the end of each second.\n"
      "api_queue_length 1 1001\n"
      "api_queue_length 0 1002\n"
      "# TYPE faultline_fault_active gauge\n"
      "# HELP faultline_fault_active 1 when the fault was active at some point of the second, else 0.\n"
      "# EOF\n";
  EXPECT_EQ(openmetrics_text(run), expected);

  // The streamed writer gives the same bytes.
  std::string streamed;
  ASSERT_TRUE(openmetrics_writer(run)([&](std::string_view piece) {
    streamed.append(piece);
    return true;
  }));
  EXPECT_EQ(streamed, expected);
}

TEST(OpenMetricsWriterTest, DependenciesBreakersFaultsAndThePartialLastSecond) {
  experiments::Experiment e;
  e.name = "om";
  e.dependencies.resize(1);
  e.dependencies[0].name = "openai";
  e.dependencies[0].type = "ai_service";
  sim::MetricsLayout l;
  l.duration = 1500ms;
  l.endpoints = {"a", "b\"q"};
  l.dependencies = {"openai"};
  l.breakers = {"cb"};
  l.breaker_types = {"ai_service"};
  l.faults = {"outage openai"};
  l.statuses = {201};
  sim::Metrics m(l);
  m.on_request_issued(0ms);
  m.on_dependency_call(0);
  m.on_dependency_answer(0, 11s, false);  // above 10 s: only +Inf
  m.on_dependency_call(0);
  m.on_dependency_timeout(0);
  m.on_request_done(0ms, 10ms, 201, true, false, 1);
  m.on_fault_active(0);
  m.close_second(0, 0, {BreakerSecondState::kOpen});
  m.close_second(0, 0, {BreakerSecondState::kHalfOpen});  // [1 s, 1.5 s)
  m.close_drain(1500ms);  // nothing answered since: no drain sample
  const RunOutcome run{&e, &m, 1500ms, 0, 0};
  const std::string text = openmetrics_text(run);
  const std::string epoch = "176722560";  // 1767225600 without its last digit
  for (const std::string& line : {
           "http_requests_total{endpoint=\"b\\\"q\",status=\"201\"} 1 " + epoch + "1\n",
           "http_requests_total{endpoint=\"b\\\"q\",status=\"201\"} 1 " + epoch + "1.5\n",
           "dependency_calls_total{dependency=\"openai\",type=\"ai_service\"} 2 " + epoch + "1\n",
           "dependency_errors_total{dependency=\"openai\",type=\"ai_service\"} 1 " + epoch + "1\n",
           "dependency_timeouts_total{dependency=\"openai\",type=\"ai_service\"} 1 " + epoch + "1\n",
           "dependency_call_duration_seconds_bucket{dependency=\"openai\",type=\"ai_service\",le=\"10.0\"} 0 " +
               epoch + "1\n",
           "dependency_call_duration_seconds_bucket{dependency=\"openai\",type=\"ai_service\",le=\"+Inf\"} 1 " +
               epoch + "1\n",
           "dependency_call_duration_seconds_sum{dependency=\"openai\",type=\"ai_service\"} 11 " + epoch + "1.5\n",
           "circuit_breaker_state{name=\"cb\",type=\"ai_service\"} 2 " + epoch + "1\n",
           "circuit_breaker_state{name=\"cb\",type=\"ai_service\"} 1 " + epoch + "1.5\n",
           "faultline_fault_active{fault=\"outage openai\",index=\"0\"} 1 " + epoch + "1\n",
           "faultline_fault_active{fault=\"outage openai\",index=\"0\"} 0 " + epoch + "1.5\n",
       }) {
    EXPECT_NE(text.find(line), std::string::npos) << line;
  }
  // Endpoint "a" answered nothing: no series of its own; no drain sample after 1.5 s.
  EXPECT_EQ(text.find("http_requests_total{endpoint=\"a\""), std::string::npos);
  EXPECT_EQ(text.find(epoch + "2\n"), std::string::npos);
}

TEST(OpenMetricsWriterTest, DrainEndingAtTheLastSecondIsStampedOneSecondLater) {
  experiments::Experiment e;
  sim::MetricsLayout l;
  l.duration = 1s;
  sim::Metrics m(l);
  m.on_request_issued(500ms);
  m.close_second(0, 0, {});
  m.on_request_done(500ms, 1s, 200, true, false);  // answered at exactly 1 s, in the drain
  m.close_drain(1s);
  const std::string text = openmetrics_text(RunOutcome{&e, &m, 1s, 0, 0});
  EXPECT_NE(text.find("http_requests_total{endpoint=\"\",status=\"200\"} 0 1767225601\n"), std::string::npos);
  EXPECT_NE(text.find("http_requests_total{endpoint=\"\",status=\"200\"} 1 1767225602\n"), std::string::npos);
  EXPECT_NE(text.find("http_requests_in_flight 1 1767225601\n"), std::string::npos);
  EXPECT_EQ(text.find("http_requests_in_flight 0 1767225602"), std::string::npos);  // gauges: seconds only
  EXPECT_EQ(text.substr(text.size() - 6), "# EOF\n");
}

TEST(OpenMetricsWriterTest, TimestampsAndLabelValues) {
  EXPECT_EQ(openmetrics_timestamp(1767225600, 0s), "1767225600");
  EXPECT_EQ(openmetrics_timestamp(1767225600, 1500ms), "1767225601.5");
  EXPECT_EQ(openmetrics_timestamp(0, 1ns), "0.000000001");
  EXPECT_EQ(openmetrics_timestamp(0, 86400s), "86400");
  EXPECT_EQ(openmetrics_label_value("a\\b\"c\nd"), "a\\\\b\\\"c\\nd");
  EXPECT_EQ(openmetrics_label_value("outage openai"), "outage openai");
}

// Every expression of the bundled Grafana dashboard names only series that metrics.om has.
TEST(OpenMetricsWriterTest, GrafanaDashboardNamesOnlyWrittenSeries) {
  experiments::Experiment e;
  e.dependencies.resize(1);
  e.dependencies[0].name = "db";
  sim::MetricsLayout l;
  l.duration = 1s;
  l.endpoints = {"a"};
  l.dependencies = {"db"};
  l.breakers = {"cb"};
  l.breaker_types = {"database"};
  l.faults = {"outage db"};
  sim::Metrics m(l);
  m.on_request_issued(0ms);
  m.on_request_done(0ms, 1ms, 200, true, false);
  m.close_second(0, 0, {BreakerSecondState::kClosed});
  std::set<std::string> written;
  std::istringstream lines(openmetrics_text(RunOutcome{&e, &m, 1s, 0, 0}));
  std::string line;
  while (std::getline(lines, line)) {
    if (!line.empty() && line[0] != '#') written.insert(line.substr(0, line.find_first_of("{ ")));
  }
  ASSERT_GE(written.size(), 15u);

  std::ifstream in(std::string(FAULTLINE_SOURCE_DIR) + "/monitoring/grafana/faultline-dashboard.json");
  ASSERT_TRUE(in) << "monitoring/grafana/faultline-dashboard.json";
  const auto dashboard = nlohmann::json::parse(in);
  const std::regex metric(R"(\b(http|dependency|circuit|api|faultline)_[a-z_]+)");
  std::size_t names = 0;
  for (const auto& panel : dashboard["panels"]) {
    for (const auto& target : panel["targets"]) {
      const std::string expr = target["expr"];
      for (auto it = std::sregex_iterator(expr.begin(), expr.end(), metric); it != std::sregex_iterator(); ++it) {
        EXPECT_EQ(written.count(it->str()), 1u) << it->str() << " in " << expr;
        ++names;
      }
    }
  }
  EXPECT_GE(names, 15u);
}

}  // namespace
}  // namespace faultline::monitoring

// timeline.csv: header, one row per virtual second with the scripted counts, fault indices,
// breaker states, quoting.
#include "monitoring/timeline_csv.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <sstream>

#include "sim/status.h"

namespace faultline::monitoring {
namespace {

using namespace std::chrono_literals;
using sim::BreakerSecondState;

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> out;
  std::string item;
  std::istringstream in(text);
  while (std::getline(in, item, sep)) out.push_back(item);
  if (!text.empty() && text.back() == sep) out.emplace_back();
  return out;
}

class TimelineCsvTest : public ::testing::Test {
 protected:
  TimelineCsvTest() : metrics_(layout()) {
    experiment_.name = "csv";
    auto& m = metrics_;
    // Second 0: a success (100 ms), a 503 and a 504; 5 workers busy, 2 queued at its end.
    m.on_request_issued(0ms);
    m.on_request_issued(10ms);
    m.on_request_issued(20ms);
    m.on_request_issued(30ms);  // still in flight at the end of second 0
    m.on_request_done(0ms, 100ms, 200, true, false);
    m.on_request_done(10ms, 15ms, sim::kStatusUnavailable, false, false);
    m.on_request_done(20ms, 920ms, sim::kStatusGatewayTimeout, false, false);
    m.close_second(5, 2, {BreakerSecondState::kClosed, BreakerSecondState::kClosed});
    // Second 1: faults 0 and 2 active; a 429 and a degraded success.
    m.on_fault_active(0);
    m.on_fault_active(2);
    m.on_request_done(30ms, 1200ms, sim::kStatusTooManyRequests, false, false);
    m.on_request_issued(1300ms);
    m.on_request_done(1300ms, 1350ms, 200, true, true);
    m.close_second(1, 0, {BreakerSecondState::kOpen, BreakerSecondState::kHalfOpen});
    // Second 2: nothing answered.
    m.close_second(0, 0, {BreakerSecondState::kHalfOpen, BreakerSecondState::kClosed});
    run_ = RunOutcome{&experiment_, &metrics_, 3s, 0, 0};
  }

  static sim::MetricsLayout layout() {
    sim::MetricsLayout l;
    l.duration = 3s;
    l.breakers = {"cb-a", "db,\"main\""};
    l.breaker_types = {"ai_service", "database"};
    l.faults = {"f0", "f1", "f2"};
    return l;
  }

  experiments::Experiment experiment_;
  sim::Metrics metrics_;
  RunOutcome run_;
};

TEST_F(TimelineCsvTest, HeaderNamesEveryColumnAndOneColumnPerBreaker) {
  const auto lines = split(timeline_csv(run_), '\n');
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines[0],
            "second,issued,answered,succeeded,degraded,errors_5xx,rejected_503,timeouts_504,"
            "rate_limited_429,client_timeouts_499,p50_ms,p95_ms,p99_ms,busy_workers,queued,in_flight,"
            "active_faults,"
            "breaker:cb-a,\"breaker:db,\"\"main\"\"\"");
}

TEST_F(TimelineCsvTest, OneRowPerSecondWithTheScriptedValues) {
  const std::string csv = timeline_csv(run_);
  ASSERT_EQ(csv.back(), '\n');
  const auto lines = split(csv.substr(0, csv.size() - 1), '\n');
  ASSERT_EQ(lines.size(), 4u);  // header + 3 seconds

  const auto r0 = split(lines[1], ',');
  ASSERT_EQ(r0.size(), 19u);
  EXPECT_EQ(std::vector<std::string>(r0.begin(), r0.begin() + 9),
            (std::vector<std::string>{"0", "4", "3", "1", "0", "2", "1", "1", "0"}));
  // Percentiles: 3 decimals, exactly the row's values; the median of 5, 100 and 900 ms is ~100.
  const sim::TimelineRow& row0 = metrics_.timeline()[0];
  EXPECT_EQ(r0[9], "0");  // client timeouts
  EXPECT_EQ(r0[10], fmt::format("{:.3f}", row0.p50_ms));
  EXPECT_EQ(r0[11], fmt::format("{:.3f}", row0.p95_ms));
  EXPECT_EQ(r0[12], fmt::format("{:.3f}", row0.p99_ms));
  EXPECT_NEAR(std::stod(r0[10]), 100.0, 5.0);
  EXPECT_NEAR(std::stod(r0[12]), 900.0, 45.0);
  EXPECT_EQ(r0[10].substr(r0[10].find('.')).size(), 4u);
  EXPECT_EQ(std::vector<std::string>(r0.begin() + 13, r0.end()),
            (std::vector<std::string>{"5", "2", "1", "", "CLOSED", "CLOSED"}));

  const auto r1 = split(lines[2], ',');
  ASSERT_EQ(r1.size(), 19u);
  EXPECT_EQ(std::vector<std::string>(r1.begin(), r1.begin() + 9),
            (std::vector<std::string>{"1", "1", "2", "1", "1", "0", "0", "0", "1"}));
  EXPECT_EQ(std::vector<std::string>(r1.begin() + 13, r1.end()),
            (std::vector<std::string>{"1", "0", "0", "0;2", "OPEN", "HALF_OPEN"}));

  EXPECT_EQ(lines[3], "2,0,0,0,0,0,0,0,0,0,0.000,0.000,0.000,0,0,0,,HALF_OPEN,CLOSED");
}

TEST_F(TimelineCsvTest, IsByteIdenticalForIdenticalMetrics) {
  EXPECT_EQ(timeline_csv(run_), timeline_csv(run_));
}

TEST(TimelineCsv, EmptyRunHasOnlyTheHeader) {
  sim::MetricsLayout l;
  l.duration = 1s;
  sim::Metrics m(l);
  experiments::Experiment e;
  const RunOutcome run{&e, &m, 0s, 0, 0};
  const std::string csv = timeline_csv(run);
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 1);
  EXPECT_EQ(csv.rfind("second,issued,", 0), 0u);
}

// A long run's file is streamed in pieces; their concatenation is the whole text, row for row
// (an hour of seconds: several pieces, and rows read back from the spilled timeline).
TEST(TimelineCsv, StreamedInPiecesEqualsTheWholeText) {
  sim::MetricsLayout l;
  l.duration = 3600s;
  l.breakers = {"cb"};
  sim::Metrics m(l);
  for (int s = 0; s < 3600; ++s) {
    for (int k = 0; k < s % 5; ++k) {
      m.on_request_issued(std::chrono::seconds(s));
      m.on_request_done(std::chrono::seconds(s), std::chrono::seconds(s) + 20ms, 200, true, false);
    }
    m.close_second(static_cast<std::uint32_t>(s % 7), 0,
                   {s % 600 < 30 ? BreakerSecondState::kOpen : BreakerSecondState::kClosed});
  }
  experiments::Experiment e;
  const RunOutcome run{&e, &m, 3600s, 0, 0};
  std::vector<std::string> pieces;
  ASSERT_TRUE(timeline_csv_writer(run)([&](std::string_view piece) {
    pieces.emplace_back(piece);
    return true;
  }));
  EXPECT_GT(pieces.size(), 1u);
  std::string joined;
  for (const auto& p : pieces) joined += p;
  const std::string whole = timeline_csv(run);
  EXPECT_EQ(joined, whole);
  const auto lines = split(whole, '\n');
  ASSERT_EQ(lines.size(), 3602u);  // header, 3600 rows, the empty string after the last "\n"
  EXPECT_EQ(lines[3600], "3599,4,4,4,0,0,0,0,0,0,20.000,20.000,20.000,1,0,0,,CLOSED");
  EXPECT_EQ(lines[1801], "1800,0,0,0,0,0,0,0,0,0,0.000,0.000,0.000,1,0,0,,OPEN");
  // A sink that fails stops the writer.
  int calls = 0;
  EXPECT_FALSE(timeline_csv_writer(run)([&](std::string_view) { return ++calls > 5; }));
  EXPECT_EQ(calls, 1);
}

TEST(TimelineCsv, QuotesOnlyWhenNeeded) {
  EXPECT_EQ(csv_field("plain"), "plain");
  EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csv_field("two\nlines"), "\"two\nlines\"");
}

}  // namespace
}  // namespace faultline::monitoring

// The console report (the guide's block with the run's numbers, sections, verdict, seed and
// reproduce line), the --quiet verdict line, the colour rule and the progress line's text.
#include "monitoring/console_report.h"

#include <gtest/gtest.h>

#include "alert_event.h"
#include "monitoring/progress.h"
#include "monitoring/terminal.h"
#include "sim/status.h"
#include "written_text.h"

namespace faultline::monitoring {
namespace {

using namespace std::chrono_literals;

CheckResult check(std::string name, bool passed, std::string detail, std::string pointer) {
  CheckResult c;
  c.name = std::move(name);
  c.passed = passed;
  c.detail = std::move(detail);
  c.pointer = std::move(pointer);
  return c;
}

bool contains(const std::string& text, const std::string& needle) {
  return text.find(needle) != std::string::npos;
}

// 10 virtual seconds, 20 requests a second answered in 100 ms, one of them a 503; a breaker
// that opened once; one fault; one alert; two checks.
class ConsoleReportTest : public ::testing::Test {
 protected:
  ConsoleReportTest() : metrics_(layout()) {
    experiment_.name = "ai-outage";
    experiment_.description = "OpenAI is down";
    experiment_.seed = 42;
    experiment_.duration = 10s;
    experiment_.file = "experiments/ai-outage.json";
    experiment_.load.model = experiments::LoadModel::kClosed;
    experiment_.load.users = 50;
    for (int s = 0; s < 10; ++s) {
      for (int i = 0; i < 20; ++i) {
        const Instant at = std::chrono::seconds(s) + std::chrono::milliseconds(i * 40);
        metrics_.on_request_issued(at);
        const bool fail = s == 3 && i == 0;
        metrics_.on_request_done(at, at + 100ms, fail ? sim::kStatusUnavailable : 200, !fail,
                                 false);
      }
      metrics_.close_second(
          3, 0,
          {s >= 3 && s < 6 ? sim::BreakerSecondState::kOpen : sim::BreakerSecondState::kClosed});
    }
    auto& b = metrics_.breakers()[0];
    b.transitions = {{3400ms, "CLOSED", "OPEN", "5 consecutive failures"},
                     {6400ms, "OPEN", "HALF_OPEN", "recovery timeout elapsed"},
                     {6500ms, "HALF_OPEN", "CLOSED", "trial call succeeded"}};
    b.rejected = 17;
    metrics_.faults()[0].start = 3s;
    metrics_.faults()[0].end = 6s;
    metrics_.faults()[0].hits = 61;
    run_ = RunOutcome{&experiment_, &metrics_, 10s, 0, 0};

    evaluation_.slis = {
        {"availability", 99.5, 99.9, "%", SliStatus::kAtRisk, Trend::kStable},
        {"latency_p95", 412, 500.0, "ms", SliStatus::kMeeting, Trend::kStable},
        {"error_rate", 0.5, 0.1, "%", SliStatus::kBreaching, Trend::kDegrading},
        {"throughput", 20.0, std::nullopt, "rps", SliStatus::kMeeting, Trend::kStable}};
    evaluation_.checks = {check("breaker content-generation opens within 15 s of fault 0", true,
                                "opened at 3.4 s", "/expect/0"),
                          check("availability at least 99.9", false, "99.50 %", "/expect/1")};
    evaluation_.alerts = {
        testing::alert_event("CircuitBreakerOpen", "warning", 3.4, 3.4, 6.5),
        testing::alert_event("HighErrorRate", "critical", 4, 5)};
    evaluation_.passed = false;
  }

  static sim::MetricsLayout layout() {
    sim::MetricsLayout l;
    l.duration = 10s;
    l.dependencies = {"openai"};
    l.breakers = {"content-generation"};
    l.breaker_types = {"ai_service"};
    l.faults = {"outage openai"};
    return l;
  }

  experiments::Experiment experiment_;
  sim::Metrics metrics_;
  RunOutcome run_;
  Evaluation evaluation_;
};

TEST_F(ConsoleReportTest, HasTheGuidesBlockWithTheRunsNumbers) {
  const std::string text = console_report(run_, evaluation_);
  const std::string block = "📊 Load Test Results:\n" + std::string(50, '=') + "\n";
  EXPECT_TRUE(contains(text, block)) << text;
  EXPECT_TRUE(contains(text, "\nTotal Requests: 200\n"));
  EXPECT_TRUE(contains(text, "\nSuccess Rate: 99.50%\n"));
  EXPECT_TRUE(contains(
      text, "\nAverage Response Time: " + format_ms(metrics_.latency().mean_ms()) + "ms\n"));
  EXPECT_TRUE(contains(text, "\nP95 Response Time: " +
                                 format_ms(to_millis(metrics_.latency().quantile(0.95))) + "ms\n"));
  EXPECT_TRUE(contains(text, "\nP99 Response Time: " +
                                 format_ms(to_millis(metrics_.latency().quantile(0.99))) + "ms\n"));
  EXPECT_TRUE(contains(text, "\nRequests/Second: 20.0\n"));
  EXPECT_TRUE(contains(text, "\nConcurrent Users: 50\n"));
  EXPECT_NEAR(metrics_.latency().mean_ms(), 100.0, 5.0);  // the scripted latency
}

TEST_F(ConsoleReportTest, SaysInWordsHowManyRequestsGotNoAnswer) {
  EXPECT_FALSE(contains(console_report(run_, evaluation_), "No answer for")) << "none: no line";
  for (const int status : {sim::kStatusClientTimeout, sim::kStatusNoAnswer}) {
    metrics_.on_request_issued(9s);
    metrics_.on_request_done(9s, 10s, status, false, false);
  }
  const std::string text = console_report(run_, evaluation_);  // at the default verbosity
  EXPECT_TRUE(contains(text, "No answer for 2 requests (0.99% of 202): 1 client timeouts (499), 1 still "
                             "unanswered when the drain ended (0); counted as failed.\n"))
      << text;
}

TEST_F(ConsoleReportTest, FiguresMatchTheScriptedRun) {
  const LoadTestFigures f = load_test_figures(run_, evaluation_);
  EXPECT_EQ(f.total_requests, 200u);
  EXPECT_DOUBLE_EQ(f.success_rate, 99.5);
  EXPECT_DOUBLE_EQ(f.requests_per_second, 20.0);
  EXPECT_EQ(f.breaker_opens, 1u);
  evaluation_.slis.pop_back();  // without the throughput SLI: total / measured seconds
  EXPECT_DOUBLE_EQ(load_test_figures(run_, evaluation_).requests_per_second, 20.0);
}

TEST_F(ConsoleReportTest, ListsSlisBreakersFaultsAlertsAndChecks) {
  const std::string text = console_report(run_, evaluation_);
  EXPECT_TRUE(contains(text, "availability")) << text;
  EXPECT_TRUE(contains(text, "99.50 %   target >= 99.90 %"));
  EXPECT_TRUE(contains(text, "⚠️  at risk"));
  EXPECT_TRUE(contains(text, "✅ meeting"));
  EXPECT_TRUE(contains(text, "❌ breaching  (degrading)"));
  EXPECT_TRUE(contains(
      text, "content-generation (ai_service)  CLOSED at end · 3 transitions · rejected 17"));
  EXPECT_TRUE(contains(text, "    3.4 s  CLOSED    -> OPEN"));
  EXPECT_TRUE(contains(text, "5 consecutive failures"));
  EXPECT_TRUE(contains(text, "#0  outage openai      3.0 s -> 6.0 s     (3.0 s)     hits 61"));
  EXPECT_TRUE(contains(
      text, "CircuitBreakerOpen [warning]  pending     3.4 s  fired     3.4 s  resolved 6.5 s"));
  EXPECT_TRUE(contains(
      text,
      "HighErrorRate [critical]      pending     4.0 s  fired     5.0 s  still firing at the end"));
  EXPECT_TRUE(contains(
      text, "  ✓ breaker content-generation opens within 15 s of fault 0 — opened at 3.4 s\n"));
  EXPECT_TRUE(contains(text, "  ✗ availability at least 99.9 — 99.50 % (/expect/1)\n"));
}

TEST_F(ConsoleReportTest, EndsWithVerdictSeedAndReproduceCommand) {
  std::string text = console_report(run_, evaluation_);
  EXPECT_TRUE(contains(text, "\n❌ Load test failed: 1 of 2 checks failed\n"));
  EXPECT_TRUE(
      text.ends_with("seed 42 · reproduce: faultline run experiments/ai-outage.json --seed 42\n"))
      << text;

  evaluation_.checks[1].passed = true;
  evaluation_.passed = true;
  text = console_report(run_, evaluation_,
                        {.set_args = {"faults.0.start_s=30", "description=two words"}});
  EXPECT_TRUE(contains(text, "\n✅ Load test passed!\n"));
  EXPECT_TRUE(
      contains(text, "--seed 42 --set faults.0.start_s=30 --set 'description=two words'\n"));
}

TEST_F(ConsoleReportTest, NoAnsiCodesUnlessColour) {
  const std::string plain = console_report(run_, evaluation_, {.colour = false});
  EXPECT_FALSE(contains(plain, "\x1b["));
  EXPECT_FALSE(contains(verdict_line(run_, evaluation_, {.colour = false}), "\x1b["));
  const std::string coloured = console_report(run_, evaluation_, {.colour = true});
  EXPECT_TRUE(contains(coloured, "\x1b[31m"));  // red: breaching, failed check, verdict
  EXPECT_TRUE(contains(coloured, "\x1b[0m"));
}

TEST_F(ConsoleReportTest, VerboseAddsDependenciesAndAllTransitions) {
  for (int i = 0; i < 12; ++i)
    metrics_.breakers()[0].transitions.push_back({7s, "CLOSED", "OPEN", "flap"});
  const std::string normal = console_report(run_, evaluation_);
  EXPECT_TRUE(contains(normal, "... 5 more"));
  EXPECT_FALSE(contains(normal, "Dependencies:"));
  const std::string verbose = console_report(run_, evaluation_, {.verbosity = Verbosity::kVerbose});
  EXPECT_FALSE(contains(verbose, "more (all in summary.json"));
  EXPECT_TRUE(contains(verbose, "Dependencies:"));
  EXPECT_TRUE(contains(verbose, "Statuses: 200 199 · 503 1"));
}

TEST_F(ConsoleReportTest, VerdictLine) {
  evaluation_.passed = true;
  evaluation_.checks[1].passed = true;
  EXPECT_EQ(verdict_line(run_, evaluation_),
            "PASS ai-outage  avail 99.50%  p95 412 ms  breaker opens 1  (seed 42)");
  EXPECT_EQ(verdict_line(run_, evaluation_, {.name_width = 12}),
            "PASS ai-outage     avail 99.50%  p95 412 ms  breaker opens 1  (seed 42)");

  evaluation_.passed = false;
  evaluation_.checks[0].passed = false;
  evaluation_.checks[1].passed = false;
  EXPECT_EQ(verdict_line(run_, evaluation_),
            "FAIL ai-outage  avail 99.50%  p95 412 ms  breaker opens 1  (seed 42)  failed: breaker "
            "content-generation opens within 15 s of fault 0; availability at least 99.9");
}

TEST(Terminal, ColourRule) {
  EXPECT_TRUE(colour_decision(true, nullptr, nullptr, "xterm-256color"));
  EXPECT_FALSE(colour_decision(false, nullptr, nullptr, "xterm"));
  EXPECT_FALSE(colour_decision(true, "1", nullptr, "xterm"));  // NO_COLOR
  EXPECT_TRUE(colour_decision(true, "", nullptr, "xterm"));    // empty NO_COLOR is unset
  EXPECT_TRUE(colour_decision(false, nullptr, "1", nullptr));  // FORCE_COLOR on a pipe
  EXPECT_FALSE(colour_decision(true, nullptr, "0", "xterm"));  // FORCE_COLOR=0
  EXPECT_FALSE(colour_decision(true, "1", "1", "xterm"));      // NO_COLOR wins
  EXPECT_FALSE(colour_decision(true, nullptr, nullptr, "dumb"));
  EXPECT_EQ(paint("x", Colour::kRed, false), "x");
  EXPECT_EQ(paint("x", Colour::kRed, true), "\x1b[31mx\x1b[0m");
}

TEST(Progress, LineText) {
  EXPECT_EQ(format_progress("run", 0.5, 450, 1.25e6),
            "run  [████████████░░░░░░░░░░░░]  50%  t=450.0 s  1.25 M events/s");
  EXPECT_EQ(format_progress("run", 2.0, 1, 950),
            "run  [████████████████████████] 100%  t=1.0 s  950 events/s");
}

TEST(Progress, DisabledWritesNothing) {
  std::FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  {
    ProgressLine off("x", false, f);
    off.update(0.5, 1, 1);
  }
  EXPECT_EQ(std::ftell(f), 0);
  {
    ProgressLine on("x", true, f);
    on.update(0.5, 1, 1);
    on.update(0.6, 1, 1);  // within 100 ms: dropped
  }
  const std::string text = test_support::written_text(f);
  std::fclose(f);
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(text.front(), '\r');
  EXPECT_TRUE(contains(text, " 50%"));
  EXPECT_FALSE(contains(text, " 60%"));
  EXPECT_EQ(text.back(), '\r');  // finish() erased the line
}

}  // namespace
}  // namespace faultline::monitoring

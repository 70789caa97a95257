// report.html: self-contained, one <svg> per chart, the tables, escaping. The run is scripted
// (a hand-made ai-outage: OpenAI down 120-300 s, the breaker opening and probing) so the page
// has realistic shapes; set FAULTLINE_SAMPLE_REPORT=/tmp/report.html to write it for a
// browser check (tests/browser/check_report.sh).
#include "monitoring/html_report.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <memory>

#include "alert_event.h"
#include "monitoring/evaluate.h"
#include "monitoring/html_report_sections.h"
#include "scripted_run.h"
#include "sim/status.h"

namespace faultline::monitoring {
namespace {

using namespace std::chrono_literals;

struct SampleRun {
  experiments::Experiment experiment;
  std::unique_ptr<sim::Metrics> metrics;
  RunOutcome run;
  Evaluation evaluation;
};

// A small deterministic generator (xorshift): the shapes only need to look plausible.
struct Noise {
  std::uint64_t s = 0x9E3779B97F4A7C15ull;
  double next() {
    s ^= s << 13, s ^= s >> 7, s ^= s << 17;
    return static_cast<double>(s >> 11) / 9007199254740992.0;
  }
};

CheckResult check(std::string name, bool passed, std::string detail, std::string pointer) {
  CheckResult c;
  c.name = std::move(name);
  c.passed = passed;
  c.detail = std::move(detail);
  c.pointer = std::move(pointer);
  return c;
}

std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

// With `spike_ms`, three requests answered in second 60 take that long (P95 and P99 of that
// second), as at the start of a hang.
SampleRun make_ai_outage(int seconds = 900, std::string breaker_name = "content-generation",
                         double spike_ms = 0) {
  SampleRun r;
  auto& e = r.experiment;
  e.name = "ai-outage";
  e.description = "OpenAI is down for three minutes under normal load";
  e.seed = 42;
  e.duration = std::chrono::seconds(seconds);
  e.file = "experiments/ai-outage.json";
  e.load.model = experiments::LoadModel::kClosed;
  e.load.users = 50;

  sim::MetricsLayout layout;
  layout.duration = e.duration;
  layout.dependencies = {"openai", "postgres"};
  layout.breakers = {breaker_name, "postgres"};
  layout.breaker_types = {"ai_service", "database"};
  layout.faults = {"outage openai", "latency postgres"};
  r.metrics = std::make_unique<sim::Metrics>(layout);
  sim::Metrics& m = *r.metrics;

  const auto ms = [](double v) { return Instant(static_cast<std::int64_t>(v * 1e6)); };
  // Breaker: opens 1.4 s into the outage, probes every 60 s, closes after it ends.
  const std::vector<std::tuple<double, const char*, const char*, const char*>> transitions = {
      {121.4, "CLOSED", "OPEN", "5 consecutive failures"},
      {181.4, "OPEN", "HALF_OPEN", "recovery timeout elapsed"},
      {181.9, "HALF_OPEN", "OPEN", "trial call failed"},
      {241.9, "OPEN", "HALF_OPEN", "recovery timeout elapsed"},
      {242.3, "HALF_OPEN", "OPEN", "trial call failed"},
      {302.3, "OPEN", "HALF_OPEN", "recovery timeout elapsed"},
      {303.5, "HALF_OPEN", "CLOSED", "trial call succeeded"}};
  for (const auto& [at, from, to, why] : transitions) {
    m.breakers()[0].transitions.push_back({ms(at * 1000), from, to, why});
  }
  m.breakers()[0].rejected = 3920;
  m.breakers()[0].calls_while_open = 0;
  auto state_at = [&](double t) {
    std::string s = "CLOSED";
    for (const auto& [at, from, to, why] : transitions) {
      if (at <= t) s = to;
    }
    return s == "OPEN"        ? sim::BreakerSecondState::kOpen
           : s == "HALF_OPEN" ? sim::BreakerSecondState::kHalfOpen
                              : sim::BreakerSecondState::kClosed;
  };

  Noise noise;
  for (int s = 0; s < seconds; ++s) {
    const bool outage = s >= 120 && s < 300;
    const bool slow_db = s >= 400 && s < 460;
    if (outage) m.on_fault_active(0);
    if (slow_db) m.on_fault_active(1);
    const int n = 50 + static_cast<int>(noise.next() * 12);
    for (int i = 0; i < n; ++i) {
      const double t = s + (i + 0.5) / n;
      m.on_request_issued(ms(t * 1000));
      const bool ai = noise.next() < 0.4;
      double latency = 180 + 260 * -std::log(1 - noise.next() * 0.999);
      if (slow_db) latency += 800;
      if (spike_ms > 0 && s == 60 && i < 3) latency = spike_ms;
      int status = 200;
      if (outage && ai) {
        const bool open = state_at(t) != sim::BreakerSecondState::kClosed;
        status = open ? sim::kStatusUnavailable : sim::kStatusBadGateway;
        latency = open ? 3 : 40;
        ++m.faults()[0].hits;
      }
      if (slow_db) ++m.faults()[1].hits;
      const double issued = t * 1000 - latency;
      m.on_request_done(ms(issued), ms(t * 1000), status, status == 200, false);
      m.on_dependency_call(ai ? 0 : 1);
      m.on_dependency_answer(ai ? 0 : 1, ms(latency * 0.8), status == 200);
    }
    const std::vector<sim::BreakerSecondState> states = {state_at(s + 1.0 - 1e-9),
                                                         sim::BreakerSecondState::kClosed};
    m.close_second(static_cast<std::uint32_t>(20 + noise.next() * 10), 0, states);
  }
  m.faults()[0].start = 120s;
  m.faults()[0].end = 300s;
  m.faults()[1].start = 400s;
  m.faults()[1].end = 460s;
  m.breakers()[0].state_at_end = "CLOSED";

  r.run = RunOutcome{&r.experiment, r.metrics.get(), e.duration, 0, 0};
  const auto& t = m.totals();
  const double availability =
      100.0 * static_cast<double>(t.succeeded) / static_cast<double>(t.total);
  r.evaluation.slis = {
      {"availability", availability, 90.0, "%", SliStatus::kMeeting, Trend::kStable},
      {"latency_p95", to_millis(m.latency().quantile(0.95)), 1500.0, "ms", SliStatus::kAtRisk,
       Trend::kDegrading},
      {"latency_p99", to_millis(m.latency().quantile(0.99)), 2000.0, "ms", SliStatus::kMeeting,
       Trend::kStable},
      {"error_rate", 100.0 * static_cast<double>(t.server_errors) / static_cast<double>(t.total),
       10.0, "%", SliStatus::kMeeting, Trend::kImproving},
      {"throughput", static_cast<double>(t.total) / seconds, std::nullopt, "rps",
       SliStatus::kMeeting, Trend::kStable}};
  r.evaluation.checks = {
      check("breaker " + breaker_name + " opens within 15 s of fault 0", true,
            "opened at 121.4 s, 1.4 s after fault 0 started", "/expect/0"),
      check("breaker " + breaker_name + " closes within 90 s of the end of fault 0", true,
            "closed at 303.5 s, 3.5 s after fault 0 ended", "/expect/1"),
      check("breaker " + breaker_name + " max 0 calls while open", true,
            "0 calls reached openai while OPEN", "/expect/2"),
      check("availability at least 90", true, fmt::format("{:.2f} %", availability), "/expect/3")};
  r.evaluation.alerts = {testing::alert_event("CircuitBreakerOpen", "warning", 121.4, 121.4, 303.5),
                         testing::alert_event("HighErrorRate", "critical", 150.0, 270.0, 330.0)};
  r.evaluation.passed = true;
  return r;
}

TEST(HtmlReport, WritesSampleWhenAsked) {
  const char* path = std::getenv("FAULTLINE_SAMPLE_REPORT");
  if (path == nullptr || *path == '\0')
    GTEST_SKIP() << "set FAULTLINE_SAMPLE_REPORT=/tmp/report.html";
  SampleRun r = make_ai_outage();
  std::ofstream(path) << html_report(r.run, r.evaluation);
}

TEST(HtmlReport, IsSelfContained) {
  SampleRun r = make_ai_outage();
  const std::string page = html_report(r.run, r.evaluation);
  EXPECT_EQ(page.find("http://"), std::string::npos);
  EXPECT_EQ(page.find("https://"), std::string::npos);
  EXPECT_EQ(page.find("<script src"), std::string::npos);
  EXPECT_EQ(page.find("<link"), std::string::npos);
  EXPECT_EQ(page.find("@import"), std::string::npos);
  EXPECT_EQ(page.find("<img"), std::string::npos);
  EXPECT_EQ(page.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(page.find("</html>\n"), std::string::npos);
}

TEST(HtmlReport, HasOneSvgPerChartAndTheTables) {
  SampleRun r = make_ai_outage();
  const std::string page = html_report(r.run, r.evaluation);
  const std::size_t marks = count(page, "<svg class=\"mark\"");
  EXPECT_EQ(count(page, "<svg ") - marks, 3u);
  EXPECT_EQ(count(page, "</svg>") - marks, 3u);
  for (const char* id : {"chart-latency", "chart-throughput", "chart-breakers"}) {
    EXPECT_NE(page.find(fmt::format("id=\"{}\"", id)), std::string::npos) << id;
  }
  for (const char* cls : {"slis", "checks", "alerts", "faults", "breakers", "dependencies"}) {
    EXPECT_NE(page.find(fmt::format("<table class=\"{}\">", cls)), std::string::npos) << cls;
  }
  EXPECT_EQ(count(page, "<path class=\"series\""), 5u);  // P50 P95 P99, answered, 5xx
  EXPECT_NE(page.find("F0 outage openai"), std::string::npos);
  EXPECT_NE(page.find(">HighErrorRate<"), std::string::npos);  // alert band label
  EXPECT_NE(page.find("PASS"), std::string::npos);
  EXPECT_NE(page.find("faultline run experiments/ai-outage.json --seed 42"), std::string::npos);
  EXPECT_NE(page.find("Total Requests"), std::string::npos);
}

TEST(HtmlReport, ShowsFailureAndFailedChecks) {
  SampleRun r = make_ai_outage(120);
  r.evaluation.checks[0].passed = false;
  r.evaluation.checks[0].detail = "never opened";
  r.evaluation.passed = false;
  const std::string page = html_report(r.run, r.evaluation);
  EXPECT_NE(page.find("verdict fail\">FAIL"), std::string::npos);
  EXPECT_NE(page.find("Load test failed: 1 of 4 checks failed"), std::string::npos);
  EXPECT_NE(page.find("never opened"), std::string::npos);
}

// Emoji need an emoji font, which a Debian server (and headless Chromium on it) lacks: they
// render as empty boxes. Every status mark is inline SVG, followed by its words.
TEST(HtmlReport, StatusMarksAreSvgNotEmoji) {
  SampleRun r = make_ai_outage(120);
  r.evaluation.checks[0].passed = false;
  r.evaluation.passed = false;
  const std::string page = html_report(r.run, r.evaluation);
  for (const char* emoji : {"\u2705", "\u274C", "\u26A0", "\U0001F4CA", "\u2713", "\u2717"}) {
    EXPECT_EQ(page.find(emoji), std::string::npos) << emoji;
  }
  // Any 4-byte UTF-8 sequence (U+10000 and above: the emoji planes).
  EXPECT_EQ(std::count_if(page.begin(), page.end(),
                          [](char c) { return (static_cast<unsigned char>(c) & 0xF8) == 0xF0; }),
            0);
  EXPECT_NE(page.find("aria-hidden=\"true\""), std::string::npos);
  const std::string fail_mark = html::status_mark(html::Mark::kFail);
  EXPECT_NE(page.find(fail_mark + " Load test failed: 1 of 4 checks failed"), std::string::npos);
  EXPECT_NE(page.find(fail_mark + " fail</span>"), std::string::npos);
  EXPECT_NE(page.find(html::status_mark(html::Mark::kPass) + " pass</span>"), std::string::npos);
}

TEST(HtmlReport, EscapesNames) {
  SampleRun r = make_ai_outage(60, "a<b>&\"c'");
  r.experiment.description = "<script>alert(1)</script> & more";
  r.evaluation.checks[0].detail = "x < y && y > z";
  const std::string page = html_report(r.run, r.evaluation);
  EXPECT_EQ(page.find("a<b>"), std::string::npos);
  EXPECT_EQ(page.find("<script>alert"), std::string::npos);
  EXPECT_NE(page.find("a&lt;b&gt;&amp;&quot;c&#39;"), std::string::npos);
  EXPECT_NE(page.find("&lt;script&gt;alert(1)&lt;/script&gt; &amp; more"), std::string::npos);
  EXPECT_NE(page.find("x &lt; y &amp;&amp; y &gt; z"), std::string::npos);
  EXPECT_EQ(count(page, "<script>"), 1u);  // only the page's own hover script
}

TEST(HtmlReport, DownsamplesLongTimelines) {
  SampleRun r = make_ai_outage(4000);
  const std::string page = html_report(r.run, r.evaluation);
  const std::string marker = "<path class=\"series\" data-name=\"P99\" d=\"";
  const auto at = page.find(marker);
  ASSERT_NE(at, std::string::npos);
  const std::string d =
      page.substr(at + marker.size(), page.find('"', at + marker.size()) - at - marker.size());
  EXPECT_LE(count(d, "L") + count(d, "M"), kMaxChartPoints);
  EXPECT_GT(count(d, "L"), 1000u);
  EXPECT_NE(page.find("Downsampled to at most 1500 points"), std::string::npos);
}

// The <svg> element with id `id`, whole.
std::string chart(const std::string& page, const std::string& id) {
  const auto at = page.find("<svg id=\"" + id + "\"");
  if (at == std::string::npos) return "";
  return page.substr(at, page.find("</svg>", at) + 6 - at);
}

TEST(HtmlReport, LatencyChartClipsASpikeAndKeepsTheSloTargets) {
  SampleRun r = make_ai_outage(300, "content-generation", 15000);
  r.experiment.slo.latency_p95_ms = 500;
  r.experiment.slo.latency_p99_ms = 2000;
  const std::string page = html_report(r.run, r.evaluation);
  const std::string latency = chart(page, "chart-latency");
  ASSERT_FALSE(latency.empty());
  // The P99 series' 95th percentile is near 1.8 s: the axis ends at the tick above twice
  // that (above 1.1 x the P99 target too), not at 15 s.
  EXPECT_NE(latency.find("data-yhi=\"4000\" data-ylo=\"0\""), std::string::npos);
  EXPECT_NE(latency.find(">axis clipped at 4000 ms; max 15000 ms at t=60.5 s (P99)</text>"),
            std::string::npos);
  EXPECT_EQ(count(latency, "<g class=\"clipped-mark\">"), 1u);  // P99 of second 60
  EXPECT_EQ(count(latency, "<g class=\"reference\">"), 2u);
  EXPECT_NE(latency.find(">P95 target 500 ms</text>"), std::string::npos);
  EXPECT_NE(latency.find(">P99 target 2000 ms</text>"), std::string::npos);
  EXPECT_NE(page.find("report.latency_axis: \"log\" or \"linear\" shows the whole range"),
            std::string::npos);
  // Only the latency chart follows the setting.
  const std::string throughput = chart(page, "chart-throughput");
  EXPECT_EQ(throughput.find("axis clipped"), std::string::npos);
  EXPECT_EQ(throughput.find("class=\"reference\""), std::string::npos);
}

TEST(HtmlReport, LatencyAxisSettingPicksTheScale) {
  SampleRun r = make_ai_outage(300, "content-generation", 15000);
  r.experiment.report.latency_axis = experiments::LatencyAxis::kLog;
  std::string page = html_report(r.run, r.evaluation);
  std::string latency = chart(page, "chart-latency");
  EXPECT_NE(latency.find("data-yscale=\"log\""), std::string::npos);
  EXPECT_NE(latency.find(">log scale</text>"), std::string::npos);
  EXPECT_EQ(latency.find("clipped-mark"), std::string::npos);
  EXPECT_NE(chart(page, "chart-throughput").find("data-yscale=\"linear\""), std::string::npos);
  EXPECT_NE(page.find("Logarithmic y axis"), std::string::npos);

  r.experiment.report.latency_axis = experiments::LatencyAxis::kLinear;
  page = html_report(r.run, r.evaluation);
  latency = chart(page, "chart-latency");
  EXPECT_NE(latency.find("data-yhi=\"15000\" data-ylo=\"0\" data-yscale=\"linear\""),
            std::string::npos);
  EXPECT_EQ(latency.find("axis clipped"), std::string::npos);
  EXPECT_EQ(latency.find("clipped-mark"), std::string::npos);
}

TEST(HtmlReport, IsDeterministic) {
  SampleRun a = make_ai_outage(300);
  SampleRun b = make_ai_outage(300);
  EXPECT_EQ(html_report(a.run, a.evaluation), html_report(b.run, b.evaluation));
}


namespace faultline::monitoring {
namespace {

// Requests whose client gave up are failures that no 5xx line shows: the throughput chart gets
// a client-timeout series when there are any, and the status table names 499 and 0.
TEST(HtmlReport, ShowsClientTimeoutsOnlyWhenThereAreAny) {
  testing::ScriptedRun quiet(testing::basic_experiment(std::chrono::seconds(4)));
  quiet.seconds(4, testing::Second{.ok = 10});
  const RunOutcome q = quiet.outcome();
  EXPECT_EQ(html_report(q, evaluate(q)).find("client timeouts/s"), std::string::npos);

  testing::ScriptedRun hung(testing::basic_experiment(std::chrono::seconds(4)));
  hung.seconds(2, testing::Second{.ok = 10});
  hung.seconds(2, testing::Second{.ok = 0, .failed = 7, .status = sim::kStatusClientTimeout});
  const RunOutcome h = hung.outcome();
  const std::string page = html_report(h, evaluate(h));
  EXPECT_NE(page.find("client timeouts/s"), std::string::npos);
  EXPECT_NE(page.find("499 (client timeout)"), std::string::npos);
  EXPECT_NE(page.find("Client timeouts (499, counted as failed): 14."), std::string::npos);
  EXPECT_NE(page.find("every request answered"), std::string::npos);
}

}  // namespace
}  // namespace faultline::monitoring

// A live run's report: the simulated series dashed on the same charts, both breakers' lanes,
// and the "Live vs simulation" section; none of it without a comparison.
struct LivePair {
  SampleRun live = make_ai_outage();
  SampleRun sim = make_ai_outage();
  Fidelity fidelity;
  LiveComparison comparison;
  LivePair() {
    live.run.live = true;
    fidelity = compare(sim.evaluation, *sim.metrics, live.evaluation, *live.metrics, {});
    comparison.sim = &sim.run;
    comparison.sim_evaluation = &sim.evaluation;
    comparison.fidelity = &fidelity;
    comparison.notes = {"send lag: 100 sends"};
  }
};

TEST(HtmlReport, LiveRunDrawsTheSimulationDashedOnTheSameCharts) {
  LivePair p;
  const std::string page = html_report(p.live.run, p.live.evaluation, {}, &p.comparison);
  for (const char* name : {"P50 sim", "P95 sim", "P99 sim", "answered/s sim", "5xx/s sim"}) {
    const auto at = page.find(fmt::format("<path class=\"series\" data-name=\"{}\"", name));
    ASSERT_NE(at, std::string::npos) << name;
    const std::string path = page.substr(at, page.find("/>", at) - at);
    EXPECT_NE(path.find("stroke-dasharray=\"5 3\""), std::string::npos) << path;
  }
  // The live series stay solid, on the same chart (one latency and one throughput chart).
  const auto p95 = page.find("<path class=\"series\" data-name=\"P95\"");
  ASSERT_NE(p95, std::string::npos);
  EXPECT_EQ(page.substr(p95, page.find("/>", p95) - p95).find("dasharray"), std::string::npos);
  EXPECT_EQ(count(page, "id=\"chart-latency\""), 1u);
  EXPECT_EQ(count(page, "id=\"chart-throughput\""), 1u);
  EXPECT_NE(page.find("data-name=\"content-generation (ai_service) · live\""), std::string::npos);
  EXPECT_NE(page.find("data-name=\"content-generation (ai_service) · sim\""), std::string::npos);
  EXPECT_NE(page.find("faultline live experiments/ai-outage.json"), std::string::npos);
}

TEST(HtmlReport, LiveRunHasTheFidelitySection) {
  LivePair p;
  const std::string page = html_report(p.live.run, p.live.evaluation, {}, &p.comparison);
  const auto at = page.find("<section id=\"fidelity\">");
  ASSERT_NE(at, std::string::npos);
  const std::string section = page.substr(at, page.find("</section>", at) - at);
  EXPECT_NE(section.find("Live vs simulation"), std::string::npos);
  EXPECT_NE(section.find("Fidelity PASS"), std::string::npos);
  for (const char* sli : {"availability", "latency_p95", "latency_p99", "error_rate", "throughput"}) {
    EXPECT_NE(section.find(fmt::format("<strong>{}</strong>", sli)), std::string::npos) << sli;
  }
  // Seven transitions in both runs, each with both instants.
  EXPECT_EQ(count(section, "121.400 s"), 2u);
  EXPECT_EQ(count(section, "HALF_OPEN → CLOSED"), 1u);
  EXPECT_NE(section.find("Simulation: CircuitBreakerOpen, HighErrorRate. Live: CircuitBreakerOpen, HighErrorRate."),
            std::string::npos);
  EXPECT_NE(section.find("send lag: 100 sends"), std::string::npos);
  // Availability and error rate are percentages: their difference is in points, as the
  // availability tolerance is.
  EXPECT_NE(section.find("+0.000 points"), std::string::npos);

  // A failed comparison says what failed.
  p.live.evaluation.alerts.pop_back();
  p.fidelity = compare(p.sim.evaluation, *p.sim.metrics, p.live.evaluation, *p.live.metrics, {});
  const std::string failed = html_report(p.live.run, p.live.evaluation, {}, &p.comparison);
  EXPECT_NE(failed.find("Fidelity FAIL"), std::string::npos);
  EXPECT_NE(failed.find("alerts fired: sim [CircuitBreakerOpen, HighErrorRate] live [CircuitBreakerOpen]"),
            std::string::npos);
}

TEST(HtmlReport, NoSimulationOrFidelityWithoutAComparison) {
  SampleRun r = make_ai_outage();
  for (const bool live : {false, true}) {
    r.run.live = live;
    const std::string page = html_report(r.run, r.evaluation);
    EXPECT_EQ(page.find(" sim\""), std::string::npos);
    EXPECT_EQ(page.find("stroke-dasharray=\"5 3\""), std::string::npos);
    EXPECT_EQ(page.find("id=\"fidelity\""), std::string::npos);
    EXPECT_EQ(page.find("· live\""), std::string::npos);
    EXPECT_EQ(page.find("Live vs simulation"), std::string::npos);
  }
}

TEST(HtmlReport, LiveTargetRunSaysWhatItDidNotObserve) {
  LivePair p;
  p.live.run.unobserved = "no data in live --target run";
  p.fidelity = compare(p.sim.evaluation, *p.sim.metrics, p.live.evaluation, *p.live.metrics, {}, p.live.run.unobserved);
  const std::string page = html_report(p.live.run, p.live.evaluation, {}, &p.comparison);
  EXPECT_NE(page.find("Breakers not compared: no data in live --target run."), std::string::npos);
  EXPECT_NE(page.find("dependencies not compared: no data in live --target run."), std::string::npos);
  EXPECT_NE(page.find("Not observed: no data in live --target run."), std::string::npos);
  // Only the simulated lanes: the live run has no breaker data.
  EXPECT_EQ(page.find("· live\""), std::string::npos);
  EXPECT_NE(page.find("data-name=\"content-generation (ai_service) · sim\""), std::string::npos);
}

}  // namespace
}  // namespace faultline::monitoring

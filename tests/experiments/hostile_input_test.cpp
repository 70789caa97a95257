// Hostile input (issue 9): each input either ends in a diagnostic located by JSON pointer or
// line:column, or is accepted and bounded — it builds a World that runs. The run budget
// (experiments/run_budget.h) is tested on both sides of each limit.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>

#include "experiments/limits.h"
#include "experiments/loader.h"
#include "experiments/run_budget.h"
#include "experiments/world.h"

namespace faultline::experiments {
namespace {

using nlohmann::json;

std::string source_path(const std::string& relative) {
  return std::string(FAULTLINE_SOURCE_DIR) + "/" + relative;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string minimal_text() { return read_text(source_path("tests/experiments/data/minimal.json")); }
json minimal() { return json::parse(minimal_text()); }

json open_model(double rps, double duration_s) {
  json doc = minimal();
  doc["load"] = {{"model", "open"}, {"rps", rps}};
  doc["duration_s"] = duration_s;
  return doc;
}

// Goes through the text, as the command line does.
LoadResult load_text(std::string_view text, const std::vector<std::string>& sets = {}) {
  return load_experiment_text(text, "hostile.json", sets);
}
LoadResult load(const json& doc, const std::vector<std::string>& sets = {}) {
  return load_text(doc.dump(), sets);
}

::testing::AssertionResult refused_at(const LoadResult& r, const std::string& pointer,
                                      const std::string& text) {
  if (r.ok()) return ::testing::AssertionFailure() << "accepted";
  for (const Diagnostic& d : r.diagnostics) {
    if (d.pointer == pointer && d.message.find(text) != std::string::npos)
      return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure() << "no diagnostic at " << pointer << " containing \""
                                       << text << "\"; got:\n"
                                       << format(r.diagnostics);
}

// A text-level refusal: line:column known (and, when given, the exact position).
::testing::AssertionResult refused_at_position(const LoadResult& r, const std::string& text,
                                               int line = 0, int column = 0) {
  if (r.ok()) return ::testing::AssertionFailure() << "accepted";
  for (const Diagnostic& d : r.diagnostics) {
    if (d.line <= 0 || d.message.find(text) == std::string::npos) continue;
    if (line != 0 && (d.line != line || d.column != column)) continue;
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure() << "no positioned diagnostic containing \"" << text
                                       << "\" at " << line << ":" << column << "; got:\n"
                                       << format(r.diagnostics);
}

::testing::AssertionResult accepted(const LoadResult& r) {
  if (r.ok()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << format(r.diagnostics);
}

// An accepted experiment is bounded: the World builds and runs its first virtual seconds,
// capped in events as the fuzzer caps them.
void runs_briefly(const Experiment& e) {
  World world(e);
  const Instant until = std::min<Instant>(world.end(), std::chrono::seconds(2));
  for (Instant t{}; t < until && world.events() < 200'000;) {
    t = std::min<Instant>(until, t + std::chrono::milliseconds(10));
    world.run_until(t);
  }
  world.finish();
  const auto& totals = world.metrics().totals();
  EXPECT_EQ(totals.succeeded + totals.failed, totals.total);
}

TEST(HostileInputTest, UsersOf1e12AreRefused) {
  json doc = minimal();
  doc["load"]["users"] = 1e12;
  EXPECT_TRUE(refused_at(load(doc), "/load/users", "must be between 1 and 1000000"));
  EXPECT_TRUE(refused_at(load(minimal(), {"load.users=1000000000000"}), "/load/users",
                         "must be between 1 and 1000000"));
}

TEST(HostileInputTest, DurationOf1e15SecondsIsRefused) {
  json doc = minimal();
  doc["duration_s"] = 1e15;
  EXPECT_TRUE(refused_at(load(doc), "/duration_s", "must be at most 2592000 (30 days)"));
  doc["duration_s"] = 2592000.001;
  EXPECT_TRUE(refused_at(load(doc), "/duration_s", "must be at most 2592000 (30 days)"));
}

TEST(HostileInputTest, DeepNestingIsRefusedWhereItGoesTooDeep) {
  // The object is level 1, so the 64th bracket is the first too deep (found before parsing).
  const std::string prefix = R"({"name": "x", "description": )";
  const std::string deep = prefix + std::string(100'000, '[') + std::string(100'000, ']') + "}";
  EXPECT_TRUE(refused_at_position(load_text(deep), "nesting deeper than 64 levels", 1,
                                  static_cast<int>(prefix.size()) + 64));
  // Within the limit, a nested value where a string belongs is a type error at its pointer.
  json doc = minimal();
  json nested = json::array();
  for (int i = 0; i < 60; ++i) nested = json::array({nested});
  doc["description"] = nested;
  EXPECT_TRUE(refused_at(load(doc), "/description", "expected a string, got an array of 1 items"));
  // A deep --set value is taken as text, and that text is too long for a description.
  doc["description"] = "";
  const std::string set = "description=" + std::string(100'000, '[');
  EXPECT_TRUE(refused_at(load(doc, {set}), "/description", "longer than 65536 bytes"));
}

TEST(HostileInputTest, HugeArraysAreRefused) {
  json doc = minimal();
  doc["faults"] = json::array();
  for (int i = 0; i < 10'001; ++i) doc["faults"].push_back(json::object());
  EXPECT_TRUE(refused_at(load(doc), "/faults", "has 10001 items; the limit is 10000"));

  // A million numbers: parsed (well under the size limit), then refused at once.
  std::string text = minimal_text();
  std::string numbers = R"("alerts": [0)";
  for (int i = 1; i < 1'000'000; ++i) numbers += ",0";
  text.insert(text.find('{') + 1, numbers + "],");
  EXPECT_TRUE(refused_at(load_text(text), "/alerts", "has 1000000 items; the limit is 10000"));
}

TEST(HostileInputTest, NanInfinityAndOverflowingNumbersAreRefusedWithTheirPosition) {
  EXPECT_TRUE(refused_at_position(load_text("{\n  \"duration_s\": NaN\n}"), "syntax error", 2, 17));
  EXPECT_TRUE(refused_at_position(load_text("{\"duration_s\": Infinity}"), "syntax error"));
  EXPECT_TRUE(refused_at_position(load_text("{\"duration_s\": -Infinity}"), "syntax error"));
  EXPECT_TRUE(refused_at_position(load_text("{\n\"seed\": 1,\n\"duration_s\": 1e400}"),
                                  "number 1e400 is too large for a double", 3, 15));
  EXPECT_TRUE(refused_at_position(load_text("{\"duration_s\": -1e400}"), "too large for a double"));
  // Through --set, text that is not a JSON number stays text: a type error at its pointer.
  EXPECT_TRUE(refused_at(load(minimal(), {"duration_s=1e400"}), "/duration_s",
                         "expected a number, got a string"));
  EXPECT_TRUE(
      refused_at(load(minimal(), {"duration_s=NaN"}), "/duration_s", "expected a number"));
}

TEST(HostileInputTest, StringsWhereNumbersBelongAreTypeErrors) {
  json doc = minimal();
  doc["duration_s"] = "60";
  doc["load"]["users"] = "5";
  doc["dependencies"]["db"]["latency_ms"] = "5";
  doc["seed"] = "42";
  const LoadResult r = load(doc);
  EXPECT_TRUE(refused_at(r, "/duration_s", "expected a number, got a string (\"60\")"));
  EXPECT_TRUE(refused_at(r, "/load/users", "expected a whole number, got a string (\"5\")"));
  EXPECT_TRUE(refused_at(r, "/dependencies/db/latency_ms", "expected a number of ms"));
  EXPECT_TRUE(refused_at(r, "/seed", "expected a whole number, got a string"));
}

TEST(HostileInputTest, ByteOrderMarks) {
  const LoadResult utf8 = load_text("\xEF\xBB\xBF" + minimal_text());
  ASSERT_TRUE(accepted(utf8));
  runs_briefly(*utf8.experiment);
  EXPECT_TRUE(refused_at_position(load_text("\xFF\xFE{\0}"), "UTF-16 or UTF-32", 1, 1));
  EXPECT_TRUE(refused_at_position(load_text("\xFE\xFF\0{"), "UTF-16 or UTF-32", 1, 1));
  // A mark anywhere but first is text where JSON belongs.
  EXPECT_TRUE(refused_at_position(load_text("{\n\xEF\xBB\xBF}"), "syntax error", 2, 1));
}

TEST(HostileInputTest, NonUtf8BytesAreRefusedWithTheirPosition) {
  EXPECT_TRUE(refused_at_position(load_text("{\n  \"description\": \"caf\xE9\"}"),
                                  "byte 0xE9 is not valid UTF-8", 2, 22));
  EXPECT_TRUE(refused_at_position(load_text("{\"\xFF\": 1}"), "byte 0xFF", 1, 3));
  EXPECT_TRUE(refused_at_position(load_text("{\"a\": \"\xC0\xAF\"}"), "not valid UTF-8"));  // overlong
  EXPECT_TRUE(refused_at_position(load_text("{\"a\": \"\xED\xA0\x80\"}"), "not valid UTF-8"));  // surrogate
  EXPECT_TRUE(refused_at_position(load_text("{\"a\": \"\xF4\x90\x80\x80\"}"), "not valid UTF-8"));
  json doc = minimal();
  doc["description"] = "";
  const LoadResult set = load(doc, {"description=\xC3\x28"});
  ASSERT_FALSE(set.ok());
  EXPECT_NE(set.diagnostics[0].message.find("not valid UTF-8"), std::string::npos);
}

TEST(HostileInputTest, EmptyAndBlankFilesAreSyntaxErrors) {
  EXPECT_TRUE(refused_at_position(load_text(""), "syntax error", 1, 1));
  EXPECT_TRUE(refused_at_position(load_text(" \n\t\n"), "syntax error"));
  EXPECT_TRUE(refused_at_position(load_text("\xEF\xBB\xBF"), "syntax error"));
  // Valid JSON that is not an object is refused at the document's pointer.
  for (const char* text : {"null", "0", "[]", "\"x\""}) {
    const LoadResult r = load_text(text);
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_NE(r.diagnostics[0].message.find("expected an object"), std::string::npos) << text;
  }
}

TEST(HostileInputTest, TwentyMebibyteFileIsRefusedBeforeParsing) {
  std::string text = minimal_text();
  text.insert(text.find('{') + 1, "\"description\": \"" + std::string(20u << 20, 'x') + "\",");
  const LoadResult r = load_text(text);
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_NE(r.diagnostics[0].message.find("the limit is 16777216 (16 MiB)"), std::string::npos)
      << r.diagnostics[0].message;

  const std::string path = ::testing::TempDir() + "/hostile-20mib.json";
  {
    std::ofstream out(path, std::ios::binary);
    out << text;
  }
  const LoadResult from_file = load_experiment_file(path);
  std::remove(path.c_str());
  ASSERT_EQ(from_file.diagnostics.size(), 1u);
  EXPECT_NE(from_file.diagnostics[0].message.find("larger than 16777216 bytes"),
            std::string::npos)
      << from_file.diagnostics[0].message;
}

TEST(HostileInputTest, RpsOf1e9IsRefused) {
  EXPECT_TRUE(refused_at(load(open_model(1e9, 10)), "/load/rps", "must be at most 1000000"));
  json doc = open_model(10, 10);
  doc["load"].erase("rps");
  doc["load"]["stages"] = {{{"duration_s", 5}, {"target_rps", 1e9}}};
  EXPECT_TRUE(refused_at(load(doc), "/load/stages/0/target_rps", "must be at most 1000000"));
}

TEST(HostileInputTest, RatesTooSmallForNanosecondGapsAreRefused) {
  // One request per 31,000 years: the gap between arrivals would not fit in int64 nanoseconds.
  EXPECT_TRUE(refused_at(load(open_model(1e-12, 10)), "/load/rps", "must be >= 1e-06"));
  json doc = open_model(1, 10);
  doc["load"].erase("rps");
  doc["load"]["arrivals"] = "uniform";
  doc["load"]["stages"] = {{{"duration_s", 5}, {"target_rps", 1e-9}}, {{"duration_s", 5}, {"target_rps", 0}}};
  EXPECT_TRUE(refused_at(load(doc), "/load/stages/0/target_rps", "must be 0 or at least 1e-06"));
  // The smallest rate is accepted, and runs (its first arrival is weeks away).
  doc["load"]["stages"][0]["target_rps"] = kMinRps;
  const LoadResult smallest = load(doc);
  ASSERT_TRUE(accepted(smallest));
  runs_briefly(*smallest.experiment);
  const LoadResult poisson = load(open_model(kMinRps, 10));
  ASSERT_TRUE(accepted(poisson));
  runs_briefly(*poisson.experiment);
}

TEST(HostileInputTest, SlowdownsAreHeldToAThousandfoldInAll) {
  // A draw of up to 1e15 ns times the factors must stay inside int64 nanoseconds.
  json doc = minimal();
  doc["dependencies"]["db"]["latency_ms"] = kMaxMillis;
  doc["faults"] = {{{"target", "db"}, {"kind", "slowdown"}, {"factor", 1e6}}};
  EXPECT_TRUE(refused_at(load(doc), "/faults/0/factor", "must be at most 1000"));
  doc["faults"] = {{{"target", "db"}, {"kind", "slowdown"}, {"factor", 100}},
                   {{"target", "api"}, {"kind", "slowdown"}, {"factor", 1000}},
                   {{"target", "db"}, {"kind", "slowdown"}, {"factor", 10}}};
  const LoadResult thousand = load(doc);
  ASSERT_TRUE(accepted(thousand));
  runs_briefly(*thousand.experiment);
  doc["faults"][2]["factor"] = 10.5;
  EXPECT_TRUE(refused_at(load(doc), "/faults/2/factor",
                         "the slowdowns of \"db\" multiply to 1050 with this one"));
}

TEST(HostileInputTest, CoalesceTtlOf1e18MillisecondsIsRefused) {
  json doc = minimal();
  doc["endpoints"][0]["steps"][0]["coalesce"] = {{"key", "user"}, {"ttl_ms", 1e18}};
  doc["resilience"] = {{"coalescing", {{"ttl_ms", 1e18}}}};
  doc["env"] = {{"REQUEST_COALESCER_TTL", "1000000000000000000"}};
  const LoadResult r = load(doc);
  EXPECT_TRUE(refused_at(r, "/endpoints/0/steps/0/coalesce/ttl_ms", "must be at most"));
  EXPECT_TRUE(refused_at(r, "/resilience/coalescing/ttl_ms", "(30 days)"));
  EXPECT_TRUE(refused_at(r, "/env/REQUEST_COALESCER_TTL", "must be >= 0 and at most"));
  // 30 days is the longest accepted, and runs.
  doc = minimal();
  doc["endpoints"][0]["steps"][0]["coalesce"] = {{"key", "user"}, {"ttl_ms", kMaxMillis}};
  const LoadResult longest = load(doc);
  ASSERT_TRUE(accepted(longest));
  runs_briefly(*longest.experiment);
}

TEST(HostileInputTest, NegativeSeedsAreRefused) {
  for (const json& seed : {json(-1), json(-9223372036854775807LL - 1), json(-1e30), json(-0.5)}) {
    json doc = minimal();
    doc["seed"] = seed;
    EXPECT_TRUE(refused_at(load(doc), "/seed", "between 0 and 18446744073709551615")) << seed;
  }
  json doc = minimal();
  doc["seed"] = 1;
  EXPECT_TRUE(refused_at(load(doc, {"seed=-1"}), "/seed", "between 0 and"));
}

TEST(HostileInputTest, LargestSeedIsAcceptedAndRunsOneMoreIsRefused) {
  std::string text = minimal_text();
  text.insert(text.find('{') + 1, "\"seed\": 18446744073709551615,");
  const LoadResult r = load_text(text);
  ASSERT_TRUE(accepted(r));
  EXPECT_EQ(r.experiment->seed, std::numeric_limits<std::uint64_t>::max());
  runs_briefly(*r.experiment);

  text = minimal_text();
  text.insert(text.find('{') + 1, "\"seed\": 18446744073709551616,");
  EXPECT_TRUE(refused_at(load_text(text), "/seed", "between 0 and 18446744073709551615"));
}

TEST(HostileInputTest, OversizedSetArgumentIsRefused) {
  json doc = minimal();
  doc["description"] = "";
  const std::string set = "description=" + std::string(kMaxOverrideBytes, 'x');
  const LoadResult r = load(doc, {set});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.diagnostics[0].message.find("longer than 1048576 bytes"), std::string::npos);
}

TEST(HostileInputTest, DataFilesMustBeRegularFiles) {
  json doc = minimal();
  doc["dependencies"]["db"]["latency_ms"] = {{"dist", "empirical"}, {"file", "/dev/null"}};
  EXPECT_TRUE(refused_at(load(doc), "/dependencies/db/latency_ms/file", "not a regular file"));
  // A FIFO nobody writes to would block a reader for ever; it is refused without being opened.
  const std::string fifo = ::testing::TempDir() + "/hostile-samples.fifo";
  std::remove(fifo.c_str());
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  doc["dependencies"]["db"]["latency_ms"] = {{"dist", "empirical"}, {"file", fifo}};
  const LoadResult r = load(doc);
  std::remove(fifo.c_str());
  EXPECT_TRUE(refused_at(r, "/dependencies/db/latency_ms/file", "not a regular file"));
}

// --- the run budget, each limit from both sides ---

TEST(RunBudgetTest, RequestsOfTheOpenModel) {
  // 1,000 rps for 1,000,000 s is exactly 1e9 requests: the limit.
  EXPECT_TRUE(accepted(load(open_model(1000, 1'000'000))));
  EXPECT_TRUE(refused_at(load(open_model(1000, 1'000'001)), "/load",
                         "the clients would send about 1e9 requests (1000 rps for 1000001 s); "
                         "the limit is 1e9 a run"));
  EXPECT_TRUE(refused_at(load(open_model(1e6, 2592000)), "/load", "about 2.6e12 requests"));
  // The issue's long run: a day at 1,000 rps.
  const LoadResult day = load(open_model(1000, 86400));
  ASSERT_TRUE(accepted(day));
  EXPECT_DOUBLE_EQ(estimate_run(*day.experiment).requests, 86.4e6);
}

TEST(RunBudgetTest, RequestsFollowTheStages) {
  // A ramp from 0 to 1e6 rps over 2,000 s sends 1e9 requests; holding the peak one more second
  // adds a million.
  json doc = open_model(1, 2000);
  doc["load"].erase("rps");
  doc["load"]["stages"] = {{{"duration_s", 2000}, {"target_rps", 1e6}}};
  const LoadResult ramp = load(doc);
  ASSERT_TRUE(accepted(ramp));
  EXPECT_DOUBLE_EQ(estimate_run(*ramp.experiment).requests, 1e9);
  doc["duration_s"] = 2001;
  EXPECT_TRUE(refused_at(load(doc), "/load", "1000000 rps at the peak for 2001 s"));
}

TEST(RunBudgetTest, RequestsOfTheClosedModel) {
  // A user thinking 1 s on average sends at most one request a second, plus its first.
  json doc = minimal();
  doc["load"] = {{"users", 1'000'000}, {"think_ms", {{"dist", "exponential"}, {"mean", 1000}}}};
  doc["duration_s"] = 999;
  const LoadResult fits = load(doc);
  ASSERT_TRUE(accepted(fits));
  EXPECT_DOUBLE_EQ(estimate_run(*fits.experiment).requests, 1e9);
  doc["duration_s"] = 1000;
  EXPECT_TRUE(refused_at(load(doc), "/load",
                         "1000000 users, each thinking 1000 ms on average, for 1000 s"));
}

TEST(RunBudgetTest, ClosedModelUsersMustThink) {
  // Answered at once (here: a queue of 0 behind one busy worker), a user that does not think
  // would send its next request at the same virtual instant, for ever.
  json doc = minimal();
  doc["api"] = {{"workers", 1}, {"queue_limit", 0}, {"overhead_ms", 10}};
  doc["load"] = {{"users", 5}, {"think_ms", 0}};
  EXPECT_TRUE(refused_at(load(doc), "/load/think_ms",
                         "the mean think time is 0 ms; it must be at least 0.001 ms"));
  doc["load"]["think_ms"] = {{"dist", "uniform"}, {"min", 0}, {"max", 0.0019}};
  EXPECT_TRUE(refused_at(load(doc), "/load/think_ms", "mean think time is 0.00095 ms"));
  doc["load"]["think_ms"] = 0.001;
  const LoadResult r = load(doc);
  ASSERT_TRUE(accepted(r));
  runs_briefly(*r.experiment);
}

TEST(RunBudgetTest, UserChangesOfClosedStages) {
  // Each user added or removed by a ramp is an event scheduled when the run starts: a million
  // users up and down once is the limit, once more up is refused.
  json doc = minimal();
  doc.erase("duration_s");
  doc["load"] = {{"stages", {{{"duration_s", 60}, {"target_users", 1'000'000}},
                             {{"duration_s", 60}, {"target_users", 0}}}}};
  const LoadResult once = load(doc);
  ASSERT_TRUE(accepted(once));
  EXPECT_DOUBLE_EQ(estimate_run(*once.experiment).user_changes, 2e6);
  doc["load"]["stages"].push_back({{"duration_s", 0.001}, {"target_users", 1}});
  EXPECT_TRUE(refused_at(load(doc), "/load/stages",
                         "the stages add and remove 2000001 users in all"));
}

TEST(RunBudgetTest, RequestsAndCallsInFlight) {
  // Open model: the API holds at most workers + queue_limit requests, and never more than the
  // run sends (10 rps for a minute cannot have a billion in flight).
  json doc = open_model(10, 60);
  doc["api"] = {{"workers", 1'000'000}, {"queue_limit", 1'000'000'000}};
  EXPECT_TRUE(accepted(load(doc)));
  doc = open_model(100'000, 60);
  doc["api"] = {{"workers", 1'000'000}, {"queue_limit", 3'000'000}};
  EXPECT_TRUE(accepted(load(doc)));
  doc["api"]["queue_limit"] = 1'000'000'000;
  EXPECT_TRUE(refused_at(load(doc), "/api",
                         "up to 6000000 requests in flight at once (workers + queue_limit = 1e9)"));
  // Closed model: one request per user, each with its degradation services side by side.
  doc = minimal();
  doc["load"]["users"] = 1'000'000;
  doc["endpoints"][0]["degradation"] = {{"services", json::array()}};
  for (int i = 0; i < 4; ++i)
    doc["endpoints"][0]["degradation"]["services"].push_back(
        {{"name", fmt::format("s{}", i)}, {"call", "db"}});
  EXPECT_TRUE(accepted(load(doc)));
  doc["endpoints"][0]["degradation"]["services"].push_back({{"name", "s4"}, {"call", "db"}});
  EXPECT_TRUE(refused_at(load(doc), "/load",
                         "up to 1000000 requests in flight at once (1000000 users), each with up "
                         "to 5 calls in flight: 5000000 in all; the limit is 4000000"));
}

TEST(RunBudgetTest, DependencyCallsOfOneRequest) {
  json doc = minimal();
  json steps = json::array();
  for (int i = 0; i < 100; ++i) steps.push_back({{"call", "db"}, {"retry", {{"max_attempts", 100}}}});
  doc["endpoints"].push_back({{"name", "storm"}, {"steps", steps}});
  EXPECT_TRUE(accepted(load(doc)));  // 100 steps x 100 attempts: the limit
  doc["endpoints"][1]["steps"].push_back({{"call", "db"}});
  EXPECT_TRUE(refused_at(load(doc), "/endpoints/1",
                         "one request can make 10001 dependency calls"));
}

TEST(RunBudgetTest, DependencyCallsOfARun) {
  // 1e9 requests making 10 calls each is the limit; the mean is weighted by endpoint, so an
  // endpoint of weight 0 adds nothing.
  json doc = open_model(1000, 1'000'000);
  doc["endpoints"][0]["steps"] = json::array();
  for (int i = 0; i < 10; ++i) doc["endpoints"][0]["steps"].push_back({{"call", "db"}});
  json storm = json::array();
  for (int i = 0; i < 100; ++i) storm.push_back({{"call", "db"}, {"retry", {{"max_attempts", 100}}}});
  doc["endpoints"].push_back({{"name", "rare"}, {"weight", 0}, {"steps", storm}});
  const LoadResult fits = load(doc);
  ASSERT_TRUE(accepted(fits));
  EXPECT_DOUBLE_EQ(estimate_run(*fits.experiment).dependency_calls, 1e10);
  doc["endpoints"][0]["steps"][9]["retry"] = {{"max_attempts", 2}};
  EXPECT_TRUE(refused_at(load(doc), "/endpoints",
                         "the requests would make about 1.1e10 dependency calls (about 1e9 "
                         "requests, 11 calls each on average, retries counted in full)"));
}

TEST(RunBudgetTest, PerSecondRecordsOfBreakers) {
  // One state byte per breaker per second: 10,000 breakers for 30 days is 24 GiB.
  json doc = minimal();
  json breakers = json::object();
  for (int i = 0; i < 10'000; ++i) breakers[fmt::format("b{}", i)] = json::object();
  doc["resilience"] = {{"circuit_breakers", breakers}};
  doc["alerts"] = json::array();
  doc["duration_s"] = 86400;  // 0.8 GiB
  EXPECT_TRUE(accepted(load(doc)));
  doc["duration_s"] = 2592000;
  EXPECT_TRUE(refused_at(load(doc), "/duration_s", "the run would keep about 24.3 GiB"));
}

TEST(RunBudgetTest, PerSecondRecordsOfLatencyAlertWindows) {
  // Each latency window keeps a 15 KiB histogram per second it spans.
  json doc = minimal();
  doc["alerts"] = json::array();
  for (int i = 0; i < 25; ++i) {
    doc["alerts"].push_back({{"name", fmt::format("slow{}", i)},
                             {"sli", "latency_p95_ms"},
                             {"window_s", 3600 + i},
                             {"above", 500}});
  }
  doc["duration_s"] = 3600;  // 25 windows x 3,600 s x 15 KiB: about 1.3 GiB
  EXPECT_TRUE(refused_at(load(doc), "/alerts", "GiB of latency alert windows"));
  doc["duration_s"] = 600;   // the windows fill only the run's 600 s: 0.2 GiB
  EXPECT_TRUE(accepted(load(doc)));
  doc["alerts"] = {{{"name", "month"}, {"sli", "latency_p99_ms"}, {"window_s", 2592000}, {"above", 1}}};
  doc["duration_s"] = 2592000;
  EXPECT_TRUE(refused_at(load(doc), "/alerts", "of per-second records"));
}

TEST(RunBudgetTest, AlertEvaluationSteps) {
  // A breaker_open rule looks at every breaker each second: 1,000 rules x 1,000 breakers.
  json doc = minimal();
  json breakers = json::object();
  for (int i = 0; i < 1000; ++i) breakers[fmt::format("b{}", i)] = json::object();
  doc["resilience"] = {{"circuit_breakers", breakers}};
  doc["alerts"] = json::array();
  for (int i = 0; i < 1000; ++i)
    doc["alerts"].push_back({{"name", fmt::format("open{}", i)}, {"sli", "breaker_open"}, {"above", 0}});
  doc["duration_s"] = 1000;
  EXPECT_TRUE(accepted(load(doc)));
  doc["duration_s"] = 1000.5;  // counted in whole seconds: 1,001
  EXPECT_TRUE(refused_at(load(doc), "/alerts", "evaluating the alert rules would take about 1e9"));
}

TEST(RunBudgetTest, SweepValuesAreHeldToTheBudget) {
  json doc = open_model(1000, 60);
  doc["sweep"] = {{"parameters", {{"duration_s", {60, 2592000}}}}};
  EXPECT_TRUE(refused_at(load(doc), "/sweep/parameters/duration_s/1",
                         "with this value, /load: the clients would send about 2.6e9 requests"));
  doc["sweep"] = {{"parameters", {{"duration_s", {60, 120}}}}, {"samples", 1'000'001}};
  EXPECT_TRUE(refused_at(load(doc), "/sweep/samples", "must be between 1 and 1000000"));
}

TEST(RunBudgetTest, BundledExperimentsFitTheBudget) {
  for (const auto& entry : std::filesystem::directory_iterator(source_path("experiments"))) {
    const std::filesystem::path& p = entry.path();
    if (p.extension() != ".json" || p.filename() == "schema.json") continue;
    const LoadResult r = load_experiment_file(p.string());
    EXPECT_TRUE(r.ok()) << p << "\n" << format(r.diagnostics);
  }
}

}  // namespace
}  // namespace faultline::experiments

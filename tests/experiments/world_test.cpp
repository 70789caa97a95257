// World: faults and resilience seen end to end through the API, and the run's invariants over
// random experiments (every request ends exactly once, totals add up, breaker transitions are
// legal, time never runs backwards).
#include "experiments/world.h"

#include <set>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "experiments/loader.h"
#include "sim/rng.h"

namespace faultline::experiments {
namespace {

using nlohmann::json;

json base_experiment() {
  return json::parse(R"({
    "name": "t", "seed": 1, "duration_s": 120,
    "api": { "workers": 100, "queue_limit": 1000, "overhead_ms": { "dist": "constant", "value": 0 } },
    "dependencies": { "ai": { "type": "ai_service", "concurrency": 100,
                              "latency_ms": { "dist": "constant", "value": 100 } } },
    "endpoints": [ { "name": "gen", "method": "POST", "path": "/gen", "weight": 1,
                     "steps": [ { "call": "ai", "timeout_ms": 2000 } ] } ],
    "load": { "model": "open", "rps": 20, "arrivals": "uniform" },
    "slo": { "gate": false }
  })");
}

Experiment load(const json& doc) {
  LoadResult r = load_experiment_json(doc, "test");
  for (const auto& d : r.diagnostics) ADD_FAILURE() << format(d);
  EXPECT_TRUE(r.ok());
  return *r.experiment;
}

const sim::Metrics& run(World& world) {
  world.run_until(world.end());
  world.finish();
  return world.metrics();
}

TEST(WorldTest, HangWithTwoSecondStepTimeoutGives504sOfExactlyTwoSeconds) {
  json doc = base_experiment();
  doc["faults"] = json::parse(R"([{ "target": "ai", "kind": "hang", "start_s": 30, "duration_s": 30 }])");
  const Experiment e = load(doc);
  World world(e);
  const sim::Metrics& m = run(world);
  // Uniform arrivals every 50 ms: 600 requests sent in [30 s, 60 s) hang and time out.
  EXPECT_EQ(m.totals().by_status.at(504), 600u);
  EXPECT_EQ(m.latency().max(), std::chrono::milliseconds(2000));
  for (std::size_t s = 0; s < m.timeline().size(); ++s) {
    const auto& row = m.timeline()[s];
    if (s >= 32 && s < 62) {
      EXPECT_EQ(row.timeouts, 20u) << "second " << s;
      EXPECT_FLOAT_EQ(row.p95_ms, 2000.0f) << "second " << s;
    } else {
      EXPECT_EQ(row.timeouts, 0u) << "second " << s;
    }
  }
  EXPECT_EQ(m.faults()[0].hits, 600u);
}

// Every issued request gets an outcome (issue #15): with no timeout anywhere, the 1,200 requests
// sent into a hang from 60 s fill the API's 100 workers and 1,000 queue places (the last 100
// are refused, 503), and those 1,100 end with the client's timeout, 499 after exactly 60 s
// (k6's default), within the drain that the longest client timeout sets.
json hang_without_timeouts() {
  json doc = base_experiment();
  doc["endpoints"][0]["steps"][0].erase("timeout_ms");
  doc["faults"] = json::parse(R"([{ "target": "ai", "kind": "hang", "start_s": 60 }])");
  return doc;
}

TEST(WorldTest, HangWithoutTimeoutsEndsWithClientTimeoutsAtSixtySeconds) {
  const Experiment e = load(hang_without_timeouts());
  World world(e);
  const sim::Metrics& m = run(world);
  EXPECT_EQ(m.totals().total, 2399u);  // every 50 ms from 50 ms
  EXPECT_EQ(m.totals().by_status.at(499), 1100u);
  EXPECT_EQ(m.totals().by_status.at(503), 100u);
  EXPECT_EQ(m.totals().client_timeouts, 1100u);
  EXPECT_EQ(m.totals().unanswered, 0u);
  EXPECT_EQ(m.totals().unfinished, 0u);
  EXPECT_EQ(m.totals().succeeded, 1199u);
  EXPECT_EQ(m.latency().max(), std::chrono::seconds(60));
}

TEST(WorldTest, WithoutAClientTimeoutTheDrainsEndGivesNoAnswerStatusZero) {
  json doc = hang_without_timeouts();
  doc["load"]["client_timeout_ms"] = 0;
  doc["load"]["drain_s"] = 5;
  const Experiment e = load(doc);
  World world(e);
  const sim::Metrics& m = run(world);
  EXPECT_EQ(m.totals().total, 2399u);  // every 50 ms from 50 ms
  EXPECT_EQ(m.totals().by_status.at(0), 1100u);
  EXPECT_EQ(m.totals().unanswered, 1100u);
  EXPECT_EQ(m.totals().unfinished, 1100u);
  EXPECT_EQ(m.totals().errors, 1200u);  // and the 100 503s
  // The first of them was sent at 60 s and waited until the drain's end, 125 s.
  EXPECT_EQ(m.latency().max(), std::chrono::seconds(65));
}

TEST(WorldTest, UnansweredIgnoreLeavesThemOutOfTheTotals) {
  json doc = hang_without_timeouts();
  doc["load"]["client_timeout_ms"] = 0;
  doc["load"]["drain_s"] = 5;
  doc["load"]["unanswered"] = "ignore";
  const Experiment e = load(doc);
  World world(e);
  const sim::Metrics& m = run(world);
  EXPECT_EQ(m.totals().total, 1299u);
  EXPECT_EQ(m.totals().unfinished, 1100u);
  EXPECT_EQ(m.totals().unanswered, 0u);
  EXPECT_EQ(m.totals().by_status.count(0), 0u);
}

// A request in flight at the end is answered in the drain and counted; the timeline still
// has exactly duration_s rows.
TEST(WorldTest, RequestsInFlightAtTheEndAreAnsweredInTheDrain) {
  const Experiment e = load(base_experiment());
  World world(e);
  const sim::Metrics& m = run(world);
  std::uint64_t issued = 0, answered = 0;
  for (const auto& row : m.timeline()) {
    issued += row.issued;
    answered += row.answered;
  }
  EXPECT_EQ(m.timeline().size(), 120u);
  EXPECT_EQ(m.totals().total, issued);
  EXPECT_EQ(m.totals().succeeded, issued);
  EXPECT_EQ(issued - answered, 2u) << "sent at 119.90 s and 119.95 s, answered 100 ms later";
  EXPECT_EQ(m.totals().unfinished, 0u);
}

TEST(WorldTest, OutageFailsEveryRequestInItsWindowAtOnce) {
  json doc = base_experiment();
  doc["faults"] = json::parse(R"([{ "target": "ai", "kind": "outage", "start_s": 10, "duration_s": 20 }])");
  const Experiment e = load(doc);
  World world(e);
  const sim::Metrics& m = run(world);
  EXPECT_EQ(m.totals().by_status.at(502), 400u);
  for (std::size_t s = 0; s < m.timeline().size(); ++s) {
    const bool inside = s >= 10 && s < 30;
    EXPECT_EQ(m.timeline()[s].server_errors, inside ? 20u : 0u) << "second " << s;
    EXPECT_EQ((m.timeline()[s].active_faults & 1) != 0, inside) << "second " << s;
  }
}

TEST(WorldTest, BreakerOpensAtTheFifthFailureAndProbesAtRecoveryTimeout) {
  json doc = base_experiment();
  doc["endpoints"][0]["steps"][0]["breaker"] = "ai";
  doc["resilience"] = json::parse(R"({ "circuit_breakers": { "ai": { "type": "ai_service",
      "failure_threshold": 5, "recovery_timeout_ms": 30000 } } })");
  doc["duration_s"] = 150;
  doc["faults"] = json::parse(R"([{ "target": "ai", "kind": "outage", "start_s": 60, "duration_s": 45 }])");
  const Experiment e = load(doc);
  World world(e);
  const sim::Metrics& m = run(world);
  const auto& t = m.breakers()[0].transitions;
  ASSERT_EQ(t.size(), 5u);
  // Requests every 50 ms. Refusals start at 60.000 s, but the call sent at 59.950 s succeeds at
  // 60.050 s and resets the consecutive count, so the 5th consecutive failure is at 60.250 s.
  EXPECT_EQ(t[0].at, std::chrono::milliseconds(60250));
  EXPECT_EQ(t[0].to, "OPEN");
  // The call at exactly open + 30 s finds it HALF_OPEN; the trial is refused: OPEN again.
  EXPECT_EQ(t[1].at, std::chrono::milliseconds(90250));
  EXPECT_EQ(t[1].to, "HALF_OPEN");
  EXPECT_EQ(t[2].at, std::chrono::milliseconds(90250));
  EXPECT_EQ(t[2].to, "OPEN");
  // 120.250 s: the outage ended at 105 s, the trial succeeds 100 ms later.
  EXPECT_EQ(t[3].at, std::chrono::milliseconds(120250));
  EXPECT_EQ(t[3].to, "HALF_OPEN");
  EXPECT_EQ(t[4].at, std::chrono::milliseconds(120350));
  EXPECT_EQ(t[4].to, "CLOSED");
  EXPECT_EQ(m.breakers()[0].calls_while_open, 0u);
}

// Requests every 50 ms for 9 s, then none for the last second, so every request ends in the run.
void nine_seconds_of_load(json& doc) {
  doc["duration_s"] = 10;
  doc["load"] = json::parse(R"({ "model": "open", "arrivals": "uniform", "stages": [
      { "duration_s": 0, "target_rps": 20 }, { "duration_s": 9, "target_rps": 20 },
      { "duration_s": 0, "target_rps": 0 }, { "duration_s": 1, "target_rps": 0 } ] })");
}

// The file's retry settings reach the step. A dependency that always fails (100 ms), requests
// every 50 ms, 3 attempts 100 ms apart, a breaker that opens at the first failure and never
// recovers within the run: every request has 3 attempts, of which the ones before the open
// breaker reach the dependency. on_breaker_open "stop" ends each request at its first
// rejection; "retry" spends all 3 attempts.
TEST(WorldTest, OnBreakerOpenDecidesHowManyAttemptsTheOpenBreakerRejects) {
  for (const char* mode : {"stop", "retry"}) {
    json doc = base_experiment();
    nine_seconds_of_load(doc);
    doc["dependencies"]["ai"]["error_rate"] = 1.0;
    json& step = doc["endpoints"][0]["steps"][0];
    step["breaker"] = "ai";
    step["retry"] = json::parse(R"({ "max_attempts": 3, "backoff": "constant", "base_ms": 100,
                                     "jitter": "none" })");
    step["retry"]["on_breaker_open"] = mode;
    doc["resilience"] = json::parse(R"({ "circuit_breakers": { "ai": { "type": "ai_service",
        "failure_threshold": 1, "recovery_timeout_ms": 3600000 } } })");
    const Experiment e = load(doc);
    World world(e);
    const sim::Metrics& m = run(world);
    const std::uint64_t requests = m.totals().total;
    const std::uint64_t calls = m.dependencies()[0].calls;
    const std::uint64_t rejected = m.breakers()[0].rejected;
    ASSERT_EQ(m.totals().unfinished, 0u) << mode;
    EXPECT_EQ(requests, 179u) << mode;  // sent at 0.050, 0.100, ..., 8.950 s
    // The request sent at 50 ms fails at 150 ms and opens the breaker; the one sent at 100 ms
    // was admitted before that; the one sent at 150 ms finds it open (the failure's event was
    // scheduled first): 2 calls reach the dependency.
    EXPECT_EQ(calls, 2u) << mode;
    if (std::string(mode) == "stop") {
      EXPECT_EQ(rejected, requests) << "one rejection ends each request";
    } else {
      EXPECT_EQ(rejected, 3 * requests - calls) << "every attempt but the admitted ones";
    }
  }
}

// failure_rate_comparison reaches the breaker. Every call fails (100 ms after it is sent, one
// every 50 ms from 50 ms); rate rule only, at 100 %, minimum 20 calls: "at_least" opens at the
// 20th failure (the call sent at 1.000 s fails at 1.100 s); "above" never opens.
TEST(WorldTest, FailureRateComparisonAtLeastOpensAtAHundredPercent) {
  for (const char* comparison : {"above", "at_least"}) {
    json doc = base_experiment();
    doc["duration_s"] = 5;
    doc["dependencies"]["ai"]["error_rate"] = 1.0;
    doc["endpoints"][0]["steps"][0]["breaker"] = "ai";
    doc["resilience"] = json::parse(R"({ "circuit_breakers": { "ai": { "type": "ai_service",
        "failure_threshold": 0, "expected_failure_rate": 100, "minimum_calls": 20 } } })");
    doc["resilience"]["circuit_breakers"]["ai"]["failure_rate_comparison"] = comparison;
    const Experiment e = load(doc);
    World world(e);
    const sim::Metrics& m = run(world);
    const auto& t = m.breakers()[0].transitions;
    if (std::string(comparison) == "above") {
      EXPECT_TRUE(t.empty());
    } else {
      ASSERT_EQ(t.size(), 1u);
      EXPECT_EQ(t[0].at, std::chrono::milliseconds(1100));
      EXPECT_EQ(t[0].reason, "failure rate 100% >= 100% over 20 calls");
    }
  }
}

// budget mode "concurrency" reaches the step: with no floor and 0 %, no retry is ever allowed;
// with a floor of 1000 concurrent retries, every failed attempt is retried.
TEST(WorldTest, ConcurrencyBudgetBoundsTheRetriesOfTheStep) {
  for (const int floor : {0, 1000}) {
    json doc = base_experiment();
    nine_seconds_of_load(doc);
    doc["dependencies"]["ai"]["error_rate"] = 1.0;
    json& step = doc["endpoints"][0]["steps"][0];
    step["retry"] = json::parse(R"({ "max_attempts": 3, "backoff": "constant", "base_ms": 100,
                                     "jitter": "none",
                                     "budget": { "mode": "concurrency", "budget_percent": 0 } })");
    step["retry"]["budget"]["min_retry_concurrency"] = floor;
    const Experiment e = load(doc);
    World world(e);
    const sim::Metrics& m = run(world);
    ASSERT_EQ(m.totals().unfinished, 0u) << floor;
    EXPECT_EQ(m.totals().total, 179u) << floor;
    EXPECT_EQ(m.dependencies()[0].calls, floor == 0 ? 179u : 537u) << floor;
  }
}

// A random but valid experiment: random topology sizes, load model, faults and resilience.
json random_experiment(std::uint64_t seed) {
  sim::Rng rng = sim::make_stream(seed, "property-test");
  auto pick = [&](std::uint64_t n) { return rng.next_below(n); };
  json doc = base_experiment();
  doc["seed"] = seed;
  doc["duration_s"] = 60 + pick(120);
  doc["api"]["workers"] = 1 + pick(50);
  doc["api"]["queue_limit"] = pick(200);
  doc["dependencies"]["ai"]["concurrency"] = 1 + pick(20);
  doc["dependencies"]["ai"]["queue_limit"] = pick(100);
  doc["dependencies"]["ai"]["latency_ms"] = json{{"dist", "exponential"}, {"mean", 5 + pick(200)}};
  doc["dependencies"]["ai"]["error_rate"] = static_cast<double>(pick(20)) / 100.0;
  doc["dependencies"]["db"] = json{{"type", "database"}, {"concurrency", 1 + pick(10)},
                                   {"latency_ms", {{"dist", "uniform"}, {"min", 1}, {"max", 20}}}};
  json& ep = doc["endpoints"][0];
  ep["timeout_ms"] = 500 + pick(5000);
  ep["steps"] = json::array();
  ep["steps"].push_back({{"call", "db"}, {"breaker", "db"}, {"timeout_ms", 100 + pick(1000)}, {"fallback", pick(2) == 0}});
  json ai_step = {{"call", "ai"}, {"breaker", "ai"}, {"timeout_ms", 50 + pick(3000)}};
  if (pick(2) == 0) {
    ai_step["retry"] = {{"max_attempts", 1 + pick(4)}, {"base_ms", 10}, {"max_ms", 500}};
    if (pick(2) == 0) ai_step["retry"]["on_breaker_open"] = "retry";
    if (pick(2) == 0) {
      ai_step["retry"]["budget"] = {{"mode", "concurrency"},
                                    {"budget_percent", pick(50)},
                                    {"min_retry_concurrency", pick(4)}};
    }
  }
  if (pick(2) == 0) ai_step["coalesce"] = {{"key", pick(2) == 0 ? "user" : "global"}, {"ttl_ms", pick(5000)}};
  ep["steps"].push_back(ai_step);
  doc["endpoints"].push_back(json::parse(R"({ "name": "dash", "method": "GET", "path": "/d", "weight": 1,
      "degradation": { "strategy": "best_effort", "global_timeout_ms": 3000, "services": [
        { "name": "p", "call": "db", "priority": "critical", "timeout_ms": 500, "fallback": true },
        { "name": "r", "call": "ai", "breaker": "ai", "priority": "optional", "timeout_ms": 1000 } ] } })"));
  if (pick(2) == 0) doc["endpoints"][1]["degradation"]["strategy"] = "fail_fast";
  doc["resilience"] = {{"circuit_breakers", {{"ai", {{"type", "ai_service"}, {"failure_threshold", 1 + pick(10)},
                                                     {"recovery_timeout_ms", 1000 + pick(20000)}}},
                                             {"db", {{"type", "database"}}}}}};
  if (pick(2) == 0) {
    doc["load"] = {{"model", "closed"}, {"users", 1 + pick(100)}, {"think_ms", {{"dist", "exponential"}, {"mean", 200}}}};
  } else {
    doc["load"] = {{"model", "open"}, {"rps", 1 + pick(300)}};
  }
  const char* kinds[] = {"latency", "slowdown", "error", "outage", "hang", "capacity", "flapping"};
  json faults = json::array();
  for (std::uint64_t i = 0, n = pick(4); i < n; ++i) {
    json f = {{"target", pick(4) == 0 ? "api" : (pick(2) == 0 ? "ai" : "db")},
              {"kind", kinds[pick(7)]},
              {"start_s", pick(60)},
              {"duration_s", 1 + pick(60)}};
    const std::string kind = f["kind"];
    if (pick(3) == 0 && kind != "capacity") f["probability"] = 0.5;
    if (kind == "latency") f["add_ms"] = {{"dist", "constant"}, {"value", pick(3000)}};
    if (kind == "slowdown") f["factor"] = 1 + pick(10);
    if (kind == "error") f["rate"] = 0.5;
    if (kind == "capacity") f["concurrency"] = 1 + pick(3);
    if (kind == "flapping") {
      f["period_s"] = 1 + pick(20);
      f["down_fraction"] = 0.5;
    }
    faults.push_back(f);
  }
  doc["faults"] = faults;
  // Drawn last, so the draws above stay as they were. Many user ids put per-user coalescing
  // keys past StepCoalescer's dense table (2^20 keys), into its map.
  if (doc["load"]["model"] == "open" && pick(2) == 0) doc["load"]["user_ids"] = pick(2) == 0 ? 50 : 5'000'000;
  return doc;
}

TEST(WorldPropertyTest, EveryRequestEndsExactlyOnceAndTotalsAddUp) {
  std::uint64_t joined = 0;
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    const json doc = random_experiment(seed);
    LoadResult r = load_experiment_json(doc, "random");
    ASSERT_TRUE(r.ok()) << "seed=" << seed << " " << (r.diagnostics.empty() ? "" : format(r.diagnostics[0]))
                        << "\n" << doc.dump(2);
    World world(*r.experiment);
    Instant last{};
    for (Instant t{}; t < world.end();) {
      t = std::min(t + std::chrono::seconds(7), world.end());
      world.run_until(t);
      ASSERT_GE(world.now(), last) << "seed=" << seed;
      last = world.now();
    }
    world.finish();
    const sim::Metrics& m = world.metrics();
    const auto& totals = m.totals();
    SCOPED_TRACE("seed=" + std::to_string(seed));
    // No warm-up: every issued request has exactly one outcome — an answer in the run or its
    // drain, a client timeout, or "no answer" when the drain ended (the default policy).
    std::uint64_t issued = 0, answered = 0;
    for (const auto& row : m.timeline()) {
      issued += row.issued;
      answered += row.answered;
    }
    EXPECT_EQ(issued, totals.total);
    EXPECT_LE(answered, totals.total);  // the timeline stops at the end; the drain does not
    EXPECT_EQ(totals.unanswered, totals.unfinished);
    EXPECT_EQ(totals.errors, totals.server_errors + totals.client_timeouts + totals.unanswered);
    EXPECT_EQ(totals.succeeded + totals.failed, totals.total);
    std::uint64_t by_status = 0;
    for (const auto& [status, n] : totals.by_status) by_status += n;
    EXPECT_EQ(by_status, totals.total);
    EXPECT_LE(totals.degraded, totals.succeeded);
    EXPECT_EQ(m.timeline().size(), static_cast<std::size_t>(std::chrono::ceil<std::chrono::seconds>(world.end()).count()));
    // Breaker transitions are legal and in time order.
    const std::set<std::pair<std::string, std::string>> legal = {
        {"CLOSED", "OPEN"}, {"OPEN", "HALF_OPEN"}, {"HALF_OPEN", "OPEN"}, {"HALF_OPEN", "CLOSED"}};
    for (const auto& b : m.breakers()) {
      Instant prev{};
      std::string state = "CLOSED";
      for (const auto& t : b.transitions) {
        EXPECT_TRUE(legal.count({t.from, t.to})) << b.name << " " << t.from << "->" << t.to;
        EXPECT_EQ(t.from, state) << b.name;
        EXPECT_GE(t.at, prev);
        prev = t.at;
        state = t.to;
      }
      EXPECT_EQ(b.calls_while_open, 0u) << b.name;
    }
    // A coalesced key never runs two executions at once, however many requests join it.
    EXPECT_EQ(m.coalescing().overlapping_executions, 0u);
    joined += m.coalescing().joined_in_flight;
  }
  EXPECT_GT(joined, 0u);  // some of the drawn experiments do coalesce concurrent requests
}

// Per-user coalescing keys beyond StepCoalescer's dense table (user ids up to 2^20) are
// counted in its map: with 5,000,000 user ids nearly every request is a new key's first
// execution, the run is the same twice, and an execution's draws follow its key.
TEST(WorldTest, PerUserCoalescingWithMillionsOfUserIds) {
  json doc = base_experiment();
  doc["load"]["user_ids"] = 5'000'000;
  doc["dependencies"]["ai"]["latency_ms"] = {{"dist", "lognormal"}, {"p50", 100}, {"p99", 400}};
  doc["endpoints"][0]["steps"][0]["coalesce"] = {{"key", "user"}, {"ttl_ms", 1000}};
  const Experiment e = load(doc);
  World a(e), b(e);
  const sim::Metrics& ma = run(a);
  const sim::Metrics& mb = run(b);
  EXPECT_GT(ma.totals().total, 2390u);  // 20 rps for 120 s
  EXPECT_EQ(ma.coalescing().requests, ma.totals().total);  // each request passes the step once
  EXPECT_GE(ma.coalescing().executions + 10, ma.totals().total);
  EXPECT_EQ(ma.coalescing().executions + ma.coalescing().cache_hits + ma.coalescing().joined_in_flight,
            ma.coalescing().requests);
  EXPECT_EQ(ma.latency().max(), mb.latency().max());
  EXPECT_EQ(ma.latency().quantile(0.5), mb.latency().quantile(0.5));
}

TEST(WorldTest, VirtualTimeDoesNotDriftOverADay) {
  json doc = base_experiment();
  doc["duration_s"] = 86400;
  doc["load"] = json::parse(R"({ "model": "open", "rps": 1, "arrivals": "uniform" })");
  const Experiment e = load(doc);
  World world(e);
  const sim::Metrics& m = run(world);
  EXPECT_EQ(world.now(), std::chrono::seconds(86400)) << "integer time lands exactly on the end";
  EXPECT_EQ(m.timeline().size(), 86400u);
  EXPECT_EQ(m.totals().total, 86399u) << "one request a second, the last at 86399 s answered";
}

}  // namespace
}  // namespace faultline::experiments

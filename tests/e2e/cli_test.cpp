// The command line's contract: exit codes 0/1/2, diagnostics with JSON pointers, results
// written whole, determinism, --set and --seed, interruption.
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "e2e/cli_helpers.h"

namespace faultline::e2e {
namespace {

namespace fs = std::filesystem;

TEST(CliTest, PassingExperimentExitsZeroAndWritesEveryResultFile) {
  ScratchDir out;
  const auto r2 = run_faultline("run " + source_path("experiments/mm1.json") + " --out " + out.str() + " --quiet");
  ASSERT_EQ(r2.exit_code, 0) << r2.output;
  EXPECT_NE(r2.output.find("PASS mm1"), std::string::npos) << r2.output;
  for (const char* f : {"summary.json", "run.json", "junit.xml", "timeline.csv", "metrics.om", "report.html"}) {
    EXPECT_TRUE(fs::exists(out.path() / "mm1" / f)) << f;
  }
  // Nothing temporary left behind.
  for (const auto& entry : fs::recursive_directory_iterator(out.path())) {
    EXPECT_EQ(entry.path().string().find(".tmp"), std::string::npos) << entry.path();
  }
}

TEST(CliTest, SameSeedGivesByteIdenticalSummaryAndSeedOverrideChangesIt) {
  ScratchDir a, b, c;
  const std::string file = source_path("experiments/ai-outage.json");
  ASSERT_EQ(run_faultline("run " + file + " --quiet --out " + a.str()).exit_code, 0);
  ASSERT_EQ(run_faultline("run " + file + " --quiet --out " + b.str()).exit_code, 0);
  ASSERT_EQ(run_faultline("run " + file + " --quiet --seed 7 --out " + c.str()).exit_code, 0);
  const std::string sa = read_file(a.path() / "ai-outage/summary.json");
  EXPECT_FALSE(sa.empty());
  EXPECT_EQ(sa, read_file(b.path() / "ai-outage/summary.json"));
  const std::string ma = read_file(a.path() / "ai-outage/metrics.om");
  EXPECT_GT(ma.size(), 1000u);
  EXPECT_EQ(ma, read_file(b.path() / "ai-outage/metrics.om"));
  EXPECT_NE(ma, read_file(c.path() / "ai-outage/metrics.om"));
  const std::string sc = read_file(c.path() / "ai-outage/summary.json");
  EXPECT_NE(sa, sc);
  EXPECT_EQ(nlohmann::json::parse(sc)["seed"], 7);
}

TEST(CliTest, FailedCheckExitsOne) {
  ScratchDir out;
  const auto r = run_faultline("run " + source_path("experiments/mm1.json") +
                               " --set expect.1.at_most=1 --quiet --out " + out.str());
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("FAIL mm1"), std::string::npos) << r.output;
  const auto summary = nlohmann::json::parse(read_file(out.path() / "mm1/summary.json"));
  EXPECT_FALSE(summary["passed"].get<bool>());
}

TEST(CliTest, BadInputExitsTwoNamingEveryProblemAndWritesNothing) {
  ScratchDir dir;
  auto doc = nlohmann::json::parse(read_file(source_path("experiments/ai-outage.json")));
  doc["endpoints"][0]["steps"][1]["call"] = "opena";
  doc["resilience"]["circuit_breakers"]["postgres"]["failure_treshold"] = 3;
  doc["duration_s"] = -5;
  write_file(dir.path() / "bad.json", doc.dump(2));
  const auto r = run_faultline("run " + (dir.path() / "bad.json").string() + " --out " + (dir.path() / "out").string());
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("/endpoints/0/steps/1/call"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("/resilience/circuit_breakers/postgres/failure_treshold"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("/duration_s"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(dir.path() / "out")) << "bad input must not leave a results folder";
}

TEST(CliTest, SyntaxErrorNamesLineAndColumn) {
  ScratchDir dir;
  write_file(dir.path() / "broken.json", "{\n  \"name\": \"x\",\n  \"seed\": ,\n}\n");
  const auto r = run_faultline("validate " + (dir.path() / "broken.json").string());
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find(":3:"), std::string::npos) << r.output;
}

TEST(CliTest, UnknownSetPathIsAnError) {
  const auto r = run_faultline("run " + source_path("experiments/mm1.json") + " --set api.wokers=3 --out /nonexistent");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("wokers"), std::string::npos) << r.output;
}

TEST(CliTest, UsageErrorsExitTwo) {
  EXPECT_EQ(run_faultline("").exit_code, 2);
  EXPECT_EQ(run_faultline("frobnicate").exit_code, 2);
  EXPECT_EQ(run_faultline("run").exit_code, 2);
  EXPECT_EQ(run_faultline("run --no-such-flag x.json").exit_code, 2);
  EXPECT_EQ(run_faultline("validate /no/such/file.json").exit_code, 2);
}

TEST(CliTest, AiOutageBreakerTransitionsHappenAtTheContractsInstants) {
  ScratchDir out;
  ASSERT_EQ(run_faultline("run " + source_path("experiments/ai-outage.json") + " --quiet --out " + out.str()).exit_code, 0);
  const auto s = nlohmann::json::parse(read_file(out.path() / "ai-outage/summary.json"));
  const auto& t = s["breakers"]["content-generation"]["transitions"];
  ASSERT_GE(t.size(), 3u) << s["breakers"].dump(2);
  // Opens after the outage starts at 120 s (5 consecutive failures), within 15 s.
  EXPECT_EQ(t[0]["from"], "CLOSED");
  EXPECT_EQ(t[0]["to"], "OPEN");
  EXPECT_GE(t[0]["at_s"].get<double>(), 120.0);
  EXPECT_LE(t[0]["at_s"].get<double>(), 135.0);
  EXPECT_EQ(t[0]["reason"], "5 consecutive failures");
  // Every OPEN -> HALF_OPEN comes at or after open + recovery (60 s), and while the outage
  // lasts every trial fails straight back to OPEN.
  double opened_at = t[0]["at_s"];
  for (std::size_t i = 1; i < t.size(); ++i) {
    if (t[i]["to"] == "HALF_OPEN") {
      EXPECT_GE(t[i]["at_s"].get<double>(), opened_at + 60.0 - 1e-9) << t.dump(2);
    }
    if (t[i]["to"] == "OPEN") opened_at = t[i]["at_s"];
    if (t[i]["to"] == "CLOSED") {
      EXPECT_GE(t[i]["at_s"].get<double>(), 300.0) << "closes only after the outage ends";
    }
  }
  EXPECT_EQ(t[t.size() - 1]["to"], "CLOSED");
  EXPECT_EQ(s["breakers"]["content-generation"]["calls_while_open"], 0);
}

// Starts a long run, sends `sig` half a second in, and checks the contract: exit 128 + signal,
// the earlier result untouched, no temporary left behind.
void expect_clean_stop_on(int sig) {
  ScratchDir dir;
  auto doc = nlohmann::json::parse(read_file(source_path("experiments/mm1.json")));
  ASSERT_EQ(run_faultline("run " + source_path("experiments/mm1.json") + " --quiet --out " + dir.str()).exit_code, 0);
  const std::string before = read_file(dir.path() / "mm1/summary.json");
  doc["duration_s"] = 1000000;  // long enough to be interrupted mid-run, within the run budget
  write_file(dir.path() / "long.json", doc.dump());
  const pid_t pid = fork();
  if (pid == 0) {
    execl(FAULTLINE_BINARY, FAULTLINE_BINARY, "run", (dir.path() / "long.json").c_str(), "--quiet", "--out",
          dir.path().c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  kill(pid, sig);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 128 + sig);
  EXPECT_EQ(read_file(dir.path() / "mm1/summary.json"), before) << "an interrupted run keeps earlier results";
  for (const auto& entry : fs::recursive_directory_iterator(dir.path())) {
    EXPECT_EQ(entry.path().string().find(".tmp"), std::string::npos) << entry.path();
  }
}

TEST(CliTest, SigintStopsARunWith130AndKeepsEarlierResults) { expect_clean_stop_on(SIGINT); }

TEST(CliTest, SigtermStopsARunWith143AndKeepsEarlierResults) { expect_clean_stop_on(SIGTERM); }

TEST(CliTest, HealthReportsTheGuidesShapeAtAnInstant) {
  const auto r = run_faultline("health " + source_path("experiments/ai-outage.json") + " --at 200");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto j = nlohmann::json::parse(r.output);
  EXPECT_TRUE(j.contains("status"));
  EXPECT_TRUE(j.contains("slis"));
  ASSERT_TRUE(j["circuitBreakers"].contains("ai_service:content-generation")) << j.dump(2);
  EXPECT_EQ(j["circuitBreakers"]["ai_service:content-generation"]["state"], "OPEN") << "mid-outage";
  EXPECT_EQ(run_faultline("health " + source_path("experiments/ai-outage.json") + " --at 99999").exit_code, 2);
}

TEST(CliTest, CompareFlagsARegression) {
  ScratchDir a, b;
  ASSERT_EQ(run_faultline("run " + source_path("experiments/mm1.json") + " --quiet --out " + a.str()).exit_code, 0);
  run_faultline("run " + source_path("experiments/mm1.json") + " --set dependencies.server.latency_ms.mean=1.2 --quiet --out " + b.str());
  const std::string base = (a.path() / "mm1/summary.json").string();
  const std::string cur = (b.path() / "mm1/summary.json").string();
  EXPECT_EQ(run_faultline("compare " + base + " " + base).exit_code, 0);
  const auto r = run_faultline("compare " + base + " " + cur + " --tolerance 5");
  EXPECT_EQ(r.exit_code, 1) << r.output;
}

// Issue #15 (c): a two-point latency mix (90 % at 1 ms, 10 % at exactly 10 ms) reports
// P95 = 10 ms, never the 9.994 ms a bucket midpoint gave, so the gate P95 <= 9.995 fails.
TEST(CliTest, TwoPointLatencyMixFailsAGateJustBelowTheTrueP95) {
  ScratchDir out;
  const auto r = run_faultline("run " + source_path("tests/e2e/data/two-point-latency.json") + " --quiet --out " +
                               out.str());
  EXPECT_EQ(r.exit_code, 1) << r.output;
  const auto summary = nlohmann::json::parse(read_file(out.path() / "two-point-latency/summary.json"));
  double p95 = -1;
  for (const auto& s : summary.at("slis")) {
    if (s.at("name") == "latency_p95") p95 = s.at("current").get<double>();
  }
  EXPECT_EQ(p95, 10.0);
}


// Issue #15 (a): the API hangs from 30 s and nothing times out. Every request still gets an
// outcome (the client's 60 s timeout, 499), so availability is at most 50 % and the gate fails.
TEST(CliTest, ApiHangWithoutTimeoutsFailsItsGateWithAvailabilityAtMostHalf) {
  ScratchDir out;
  const auto r = run_faultline("run " + source_path("tests/e2e/data/api-hang-no-timeout.json") + " --out " + out.str());
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("No answer for 3000 requests"), std::string::npos) << r.output;
  const auto summary = nlohmann::json::parse(read_file(out.path() / "api-hang-no-timeout/summary.json"));
  const auto& requests = summary.at("requests");
  EXPECT_EQ(requests.at("total"), 5999);
  EXPECT_EQ(requests.at("client_timeouts"), 3000);
  EXPECT_EQ(requests.at("by_status").at("499"), 3000);
  EXPECT_EQ(requests.at("unfinished"), 0);
  double availability = 101;
  for (const auto& s : summary.at("slis")) {
    if (s.at("name") == "availability") availability = s.at("current").get<double>();
  }
  EXPECT_LE(availability, 50.0);
  const std::string junit = read_file(out.path() / "api-hang-no-timeout/junit.xml");
  EXPECT_NE(junit.find("<property name=\"client_timeouts\" value=\"3000\"/>"), std::string::npos);
  bool answered_check_failed = false;
  for (const auto& c : summary.at("checks")) {
    if (c.at("name") == "every request answered") answered_check_failed = !c.at("passed").get<bool>();
  }
  EXPECT_TRUE(answered_check_failed);
  // Allowed by the file, the same run passes that check (the SLO gate still fails it).
  const auto allowed = run_faultline("run " + source_path("tests/e2e/data/api-hang-no-timeout.json") +
                                     " --quiet --out " + out.str() + " --set load.max_no_answer_percent=50.01 --set slo.gate=false");
  EXPECT_EQ(allowed.exit_code, 0) << allowed.output;
}

// Issue #15 (b): only the endpoint's 1 s timeout ends each request; the breaker on the step
// counts those deadline cancellations, so it opens at the fifth one, exactly 1.5 s in — and,
// opted out, never.
TEST(CliTest, EndpointTimeoutsOpenTheStepsBreakerAtTheFifthOne) {
  ScratchDir out;
  const std::string file = source_path("tests/e2e/data/endpoint-timeout-breaker.json");
  const auto r = run_faultline("run " + file + " --quiet --out " + out.str());
  EXPECT_EQ(r.exit_code, 0) << r.output;
  const auto summary = nlohmann::json::parse(read_file(out.path() / "endpoint-timeout-breaker/summary.json"));
  const auto& transitions = summary.at("breakers").at("upstream").at("transitions");
  ASSERT_EQ(transitions.size(), 1u);
  EXPECT_EQ(transitions[0].at("to"), "OPEN");
  EXPECT_EQ(transitions[0].at("at_s"), 1.5);

  const auto off = run_faultline("run " + file + " --quiet --out " + out.str() +
                                 " --set resilience.circuit_breakers.upstream.count_deadline_cancellations=false");
  EXPECT_EQ(off.exit_code, 1) << off.output;
  const auto summary_off = nlohmann::json::parse(read_file(out.path() / "endpoint-timeout-breaker/summary.json"));
  EXPECT_TRUE(summary_off.at("breakers").at("upstream").at("transitions").empty());
}

}  // namespace
}  // namespace faultline::e2e

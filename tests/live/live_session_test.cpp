// faultline live end to end in real time (12 s): the reference service, running the real
// breaker on the wall clock, opens it on a real outage (the fault proxy refusing connections)
// and closes it after; the open load is sent on its plan; the result files and fidelity.json
// are written in one step with the simulation drawn in report.html; and the pure helpers map
// answers as documented.
#include "live/live_session.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "experiments/loader.h"
#include "live/http_dependency.h"
#include "live/load_generator.h"
#include "live/reference_service.h"
#include "sim/status.h"

namespace faultline::live {
namespace {

nlohmann::json read_json(const std::string& path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in);
}

TEST(LiveSession, ReferenceServiceBreakerOpensOnARealOutage) {
  const std::string file = std::string(FAULTLINE_SOURCE_DIR) + "/tests/live/data/live-outage-short.json";
  auto r = experiments::load_experiment_file(file, {});
  ASSERT_TRUE(r.ok());
  const std::string out = ::testing::TempDir() + "/live-session-test";
  std::filesystem::remove_all(out);
  LiveOptions o;
  o.out_dir = out;
  const int code = run_live(std::move(*r.experiment), o);
  const std::string dir = out + "/live-outage-short/live";
  for (const char* f : {"summary.json", "junit.xml", "timeline.csv", "report.html", "run.json", "fidelity.json"}) {
    EXPECT_TRUE(std::filesystem::exists(dir + "/" + f)) << f;
  }
  const auto fid = read_json(dir + "/fidelity.json");
  // The breaker opened on the real outage (3 s), within 1 s, and closed after it (7 s + 2 s).
  const auto& ts = fid["breakers"]["ai"]["transitions"];
  ASSERT_GE(ts.size(), 3u) << fid.dump(2);
  EXPECT_EQ(ts[0]["to"], "OPEN");
  EXPECT_GE(ts[0]["live_s"].get<double>(), 3.0);
  EXPECT_LT(ts[0]["live_s"].get<double>(), 4.0);
  EXPECT_EQ(ts.back()["to"], "CLOSED");
  // Open uniform load: one arrival every 25 ms from 25 ms, none at or after 12 s: 479, every
  // one sent, on time (the same plan as the simulation's).
  EXPECT_EQ(fid["send_lag"]["sends"].get<int>(), 479);
  EXPECT_DOUBLE_EQ(fid["slis"]["throughput"]["sim"].get<double>(), fid["slis"]["throughput"]["live"].get<double>());
  EXPECT_LT(fid["send_lag"]["p99_ms"].get<double>(), 20.0);
  const auto summary = read_json(dir + "/summary.json");
  EXPECT_FALSE(summary.contains("partial"));
  // One folder, written whole: the report draws the simulation beside the live run and has
  // the comparison; nothing else is left beside the folder.
  std::ifstream report_file(dir + "/report.html");
  const std::string report((std::istreambuf_iterator<char>(report_file)), std::istreambuf_iterator<char>());
  EXPECT_NE(report.find("data-name=\"P95 sim\""), std::string::npos);
  EXPECT_NE(report.find("<section id=\"fidelity\">"), std::string::npos);
  EXPECT_NE(report.find("data-name=\"ai (ai_service) · sim\""), std::string::npos);
  std::size_t entries = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(out + "/live-outage-short")) ++entries;
  EXPECT_EQ(entries, 1u);
  EXPECT_EQ(code == 0, summary["passed"].get<bool>() && fid["verdict"] == "pass");
}

TEST(LiveHelpers, AnswersMapAsDocumented) {
  HttpResult ok{TransportError::kNone, 200, "{}", {}};
  EXPECT_EQ(call_status(ok), sim::CallStatus::kOk);
  EXPECT_EQ(call_status({TransportError::kNone, 503, "", {}}), sim::CallStatus::kRejected);
  EXPECT_EQ(call_status({TransportError::kNone, 500, "", {}}), sim::CallStatus::kError);
  EXPECT_EQ(call_status({TransportError::kRefused, 0, "", {}}), sim::CallStatus::kRefused);
  EXPECT_EQ(call_status({TransportError::kReset, 0, "", {}}), sim::CallStatus::kError);

  auto o = client_outcome({TransportError::kNone, 200, R"({"success":true,"degraded":true})", {}}, 200);
  EXPECT_TRUE(o.success);
  EXPECT_TRUE(o.degraded);
  o = client_outcome({TransportError::kNone, 200, R"({"success":false,"degraded":false})", {}}, 200);
  EXPECT_FALSE(o.success);
  o = client_outcome({TransportError::kNone, 201, "", {}}, 200);
  EXPECT_FALSE(o.success);
  EXPECT_EQ(client_outcome({TransportError::kTimeout, 0, "", {}}, 200).status, sim::kStatusClientTimeout);
  EXPECT_EQ(client_outcome({TransportError::kRefused, 0, "", {}}, 200).status, sim::kStatusNoAnswer);

  std::string path;
  std::uint64_t user = 0;
  parse_target("/generate?user=42", path, user);
  EXPECT_EQ(path, "/generate");
  EXPECT_EQ(user, 42u);
  parse_target("/x", path, user);
  EXPECT_EQ(path, "/x");
  EXPECT_EQ(user, 0u);

  std::string host;
  std::uint16_t port = 0;
  EXPECT_TRUE(parse_target_url("http://127.0.0.1:8080/", host, port));
  EXPECT_EQ(host, "127.0.0.1");
  EXPECT_EQ(port, 8080);
  EXPECT_FALSE(parse_target_url("http://127.0.0.1", host, port));
}

}  // namespace
}  // namespace faultline::live

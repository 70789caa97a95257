// metrics.om read by the real Prometheus tooling: Debian's promtool turns a bundled run's file
// into TSDB blocks, and the last sample of http_requests_total, summed over its series, is the
// run's request count in summary.json. Skipped when promtool is not installed
// (`apt-get install prometheus`; scripts/test.sh installs it).
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <map>
#include <sstream>

#include "e2e/cli_helpers.h"

namespace faultline::e2e {
namespace {

namespace fs = std::filesystem;

TEST(PromtoolTest, BlocksFromMetricsOmHoldTheRunsRequestCount) {
  if (shell("command -v promtool").exit_code != 0) GTEST_SKIP() << "promtool not installed (apt-get install prometheus)";
  ScratchDir out;
  const auto run = run_faultline("run " + source_path("experiments/ai-outage.json") + " --quiet --out " + out.str());
  ASSERT_EQ(run.exit_code, 0) << run.output;
  const fs::path om = out.path() / "ai-outage" / "metrics.om";
  const fs::path db = out.path() / "tsdb";
  const auto created = shell("promtool tsdb create-blocks-from openmetrics " + om.string() + " " + db.string());
  ASSERT_EQ(created.exit_code, 0) << created.output;
  // promtool 2.42's dump opens the directory as a database and wants a WAL folder beside the blocks.
  fs::create_directories(db / "wal");
  const auto dump = shell("promtool tsdb dump --match='http_requests_total' " + db.string());
  ASSERT_EQ(dump.exit_code, 0) << dump.output;

  // Each line: {labels} value timestamp_ms. Keep each series' latest value.
  std::map<std::string, std::pair<std::int64_t, double>> last;
  std::istringstream lines(dump.output);
  std::string line;
  while (std::getline(lines, line)) {
    const auto close = line.find("} ");
    ASSERT_NE(close, std::string::npos) << line;
    std::istringstream rest(line.substr(close + 2));
    double value = 0;
    std::int64_t at = 0;
    rest >> value >> at;
    auto& [t, v] = last[line.substr(0, close + 1)];
    if (at >= t) {
      t = at;
      v = value;
    }
  }
  ASSERT_FALSE(last.empty()) << dump.output;
  double requests = 0;
  for (const auto& [series, sample] : last) requests += sample.second;
  const auto summary = nlohmann::json::parse(read_file(out.path() / "ai-outage" / "summary.json"));
  EXPECT_EQ(requests, summary["requests"]["total"].get<double>());
  EXPECT_GT(requests, 20000);
  // The 503s of the open breaker are a series of their own.
  EXPECT_EQ(last.count("{__name__=\"http_requests_total\", endpoint=\"content_generation\", status=\"503\"}"), 1u);
}

// The bundled Grafana dashboard's expressions are PromQL that Prometheus parses: each becomes a
// recording rule of a file that `promtool check rules` accepts.
TEST(PromtoolTest, GrafanaDashboardExpressionsParse) {
  if (shell("command -v promtool").exit_code != 0) GTEST_SKIP() << "promtool not installed (apt-get install prometheus)";
  const auto dashboard = nlohmann::json::parse(read_file(source_path("monitoring/grafana/faultline-dashboard.json")));
  std::string rules = "groups:\n  - name: dashboard\n    rules:\n";
  int n = 0;
  for (const auto& panel : dashboard["panels"]) {
    for (const auto& target : panel["targets"]) {
      std::string expr = target["expr"];
      // The dashboard's $endpoint variable, as Grafana expands "All".
      for (std::size_t at; (at = expr.find("$endpoint")) != std::string::npos;) expr.replace(at, 9, ".*");
      rules += "      - record: dashboard_expr_" + std::to_string(n++) + "\n        expr: " + nlohmann::json(expr).dump() + "\n";
    }
  }
  ASSERT_GE(n, 10);
  ScratchDir dir;
  write_file(dir.path() / "rules.yml", rules);
  const auto checked = shell("promtool check rules " + (dir.path() / "rules.yml").string());
  EXPECT_EQ(checked.exit_code, 0) << checked.output << rules;
  EXPECT_NE(checked.output.find("SUCCESS: " + std::to_string(n) + " rules found"), std::string::npos) << checked.output;
}

}  // namespace
}  // namespace faultline::e2e

// faultline's verdicts on Prometheus rule files checked by the real engine: a run's metrics.om
// becomes a `promtool test rules` file (input_series sample for sample, `_` where metrics.om has
// none), and faultline's own alerts become its expectations: at every evaluation instant, the
// firing alerts (alert_rule_test, labels and annotations) and every pending or firing one
// (ALERTS, promql_expr_test). Debian's promtool must pass it, for the guide's rules and for a
// file with each supported construct. promtool is installed with scripts/deps.sh when missing.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fmt/format.h>

#include <cmath>
#include <map>
#include <set>
#include <sstream>

#include "e2e/cli_helpers.h"

namespace faultline::e2e {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr std::int64_t kEpoch = 1767225600;  // report.metrics_epoch_s's default

bool have_promtool() {
  if (shell("command -v promtool").exit_code == 0) return true;
  shell(source_path("scripts/deps.sh") + " prometheus");
  return shell("command -v promtool").exit_code == 0;
}

std::string yaml_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += "''";
    else out += c;
  }
  return out + "'";
}

// metrics.om's series whose family is in `families`, as promtool input_series: one value per
// second from instant 0, `_` where the file has no sample.
std::string input_series(const std::string& om, const std::set<std::string>& families, std::int64_t* last) {
  std::map<std::string, std::map<std::int64_t, std::string>> series;
  std::istringstream lines(om);
  std::string line;
  *last = 0;
  while (std::getline(lines, line)) {
    if (line.empty() || line[0] == '#') continue;
    const auto brace = line.find_first_of("{ ");
    const std::string name = line.substr(0, brace);
    if (families.count(name) == 0) continue;
    const auto ts_at = line.rfind(' ');
    const auto value_at = line.rfind(' ', ts_at - 1);
    const std::int64_t t = std::stoll(line.substr(ts_at + 1)) - kEpoch;
    EXPECT_EQ(line.substr(ts_at + 1).find('.'), std::string::npos) << "whole-second stamps only: " << line;
    series[line.substr(0, value_at)][t] = line.substr(value_at + 1, ts_at - value_at - 1);
    *last = std::max(*last, t);
  }
  std::string out = "    input_series:\n";
  for (const auto& [labels, samples] : series) {
    out += "      - series: " + yaml_quote(labels) + "\n        values: '";
    for (std::int64_t t = 0; t <= samples.rbegin()->first; ++t) {
      const auto it = samples.find(t);
      out += (t == 0 ? "" : " ") + (it == samples.end() ? std::string("_") : it->second);
    }
    out += "'\n";
  }
  return out;
}

std::string labels_yaml(const json& labels, const std::string& indent) {
  std::string out;
  for (const auto& [k, v] : labels.items()) out += indent + k + ": " + yaml_quote(v.get<std::string>()) + "\n";
  return out;
}

bool firing_at(const json& a, double t) {
  return !a["fired_at_s"].is_null() && a["fired_at_s"].get<double>() <= t &&
         (a["resolved_at_s"].is_null() || t < a["resolved_at_s"].get<double>());
}
bool pending_at(const json& a, double t) {
  const double until = !a["fired_at_s"].is_null()
                           ? a["fired_at_s"].get<double>()
                           : (a["resolved_at_s"].is_null() ? INFINITY : a["resolved_at_s"].get<double>());
  return a["pending_at_s"].get<double>() <= t && t < until;
}

// The ALERTS series of one alert at an instant, as PromQL writes it: {alertname, alertstate, labels...}.
std::string alerts_series(const json& a, const std::string& state) {
  std::map<std::string, std::string> l;
  for (const auto& [k, v] : a["labels"].items()) l[k] = v.get<std::string>();
  l["alertname"] = a["name"].get<std::string>();
  l["alertstate"] = state;
  std::string out = "ALERTS{";
  bool first = true;
  for (const auto& [k, v] : l) {
    out += fmt::format("{}{}=\"{}\"", first ? "" : ", ", k, v);
    first = false;
  }
  return out + "}";
}

struct Verdicts {
  int rule_alerts = 0;  // episodes of the file's rules
  int fired = 0;
  std::string promtool_output;
  int promtool_exit = -1;
};

// Runs the experiment with the rules, writes the promtool test from its outputs and runs it.
Verdicts check_with_promtool(const std::string& experiment, const std::string& rules, int interval_s,
                             const std::set<std::string>& alert_names, const std::set<std::string>& families) {
  Verdicts v;
  ScratchDir out;
  const auto run = run_faultline("run " + source_path(experiment) + " --prometheus-rules " + rules + " --quiet --out " + out.str());
  EXPECT_LE(run.exit_code, 1) << run.output;
  const std::string name = fs::path(experiment).stem().string();
  const json summary = json::parse(read_file(out.path() / name / "summary.json"));
  std::vector<json> alerts;
  for (const json& a : summary["alerts"]) {
    // Only this file's rules: the experiment may name others (ai-outage names the guide's). A
    // rule is named by its file as the user wrote it, here or in the experiment's file key.
    const std::string rule = a.value("rule", "");
    if (a.value("source", "") == "prometheus" &&
        fs::path(rule.substr(0, rule.rfind(':'))).filename() == fs::path(rules).filename()) {
      alerts.push_back(a);
    }
  }
  v.rule_alerts = static_cast<int>(alerts.size());
  for (const json& a : alerts) v.fired += a["fired_at_s"].is_null() ? 0 : 1;

  std::int64_t last = 0;
  std::string test = "rule_files:\n  - " + yaml_quote(rules) + "\n";
  test += fmt::format("evaluation_interval: {}s\ntests:\n  - interval: 1s\n", interval_s);
  test += input_series(read_file(out.path() / name / "metrics.om"), families, &last);
  test += "    alert_rule_test:\n";
  for (std::int64_t t = 0; t <= last; t += interval_s) {
    for (const std::string& alert : alert_names) {
      test += fmt::format("      - eval_time: {}s\n        alertname: {}\n        exp_alerts:", t, alert);
      std::string exp;
      for (const json& a : alerts) {
        if (a["name"] != alert || !firing_at(a, static_cast<double>(t))) continue;
        exp += "\n          - exp_labels:\n" + labels_yaml(a["labels"], "              ");
        if (!a["annotations"].empty()) exp += "            exp_annotations:\n" + labels_yaml(a["annotations"], "              ");
      }
      test += exp.empty() ? " []\n" : exp + "\n";
    }
  }
  test += "    promql_expr_test:\n";
  for (std::int64_t t = 0; t <= last; t += interval_s) {
    test += fmt::format("      - expr: ALERTS\n        eval_time: {}s\n        exp_samples:", t);
    std::string exp;
    for (const json& a : alerts) {
      for (const char* state : {"pending", "firing"}) {
        const bool in = std::string(state) == "firing" ? firing_at(a, static_cast<double>(t)) : pending_at(a, static_cast<double>(t));
        if (in) exp += "\n          - labels: " + yaml_quote(alerts_series(a, state)) + "\n            value: 1";
      }
    }
    test += exp.empty() ? " []\n" : exp + "\n";
  }
  const fs::path test_file = out.path() / "rules_test.yml";
  write_file(test_file, test);
  const auto promtool = shell("promtool test rules " + test_file.string());
  v.promtool_exit = promtool.exit_code;
  v.promtool_output = promtool.output.substr(0, 6000);
  return v;
}

TEST(PrometheusRulesTest, GuideRulesOnAiOutageMatchPromtool) {
  if (!have_promtool()) GTEST_SKIP() << "promtool not installed (scripts/deps.sh prometheus)";
  const Verdicts v = check_with_promtool("experiments/ai-outage.json", source_path("experiments/prometheus/guide-rules.yml"), 60,
                                         {"HighErrorRate", "HighLatency"},
                                         {"http_requests_total", "http_request_duration_seconds_bucket"});
  EXPECT_EQ(v.promtool_exit, 0) << v.promtool_output;
  // The breaker's 503s page (one series), and the queueing behind it pages every endpoint's latency.
  EXPECT_EQ(v.rule_alerts, 4);
  EXPECT_EQ(v.fired, 4);
}

TEST(PrometheusRulesTest, EveryConstructOnAiOutageMatchesPromtool) {
  if (!have_promtool()) GTEST_SKIP() << "promtool not installed (scripts/deps.sh prometheus)";
  const Verdicts v = check_with_promtool(
      "experiments/ai-outage.json", source_path("tests/e2e/data/promql-constructs.yml"), 30,
      {"ErrorRatioHigh", "NotOkRate", "IncreaseOf503", "IrateNot200", "SlowP99", "AvgBucketShare", "BreakerOpen",
       "FewSeries", "OnMatching", "SetOperators"},
      {"http_requests_total", "http_request_duration_seconds_bucket", "circuit_breaker_state", "api_queue_length",
       "api_workers_busy"});
  EXPECT_EQ(v.promtool_exit, 0) << v.promtool_output;
  EXPECT_GT(v.fired, 5);
}

TEST(PrometheusRulesTest, UnsupportedExpressionExitsTwoWithFileLineAndConstruct) {
  ScratchDir dir;
  const fs::path rules = dir.path() / "rules.yml";
  write_file(rules,
             "groups:\n  - name: g\n    rules:\n      - alert: Fine\n        expr: up > 0\n"
             "      - alert: Missing\n        expr: absent(up{job=\"api\"})\n");
  const auto r = run_faultline("run " + source_path("experiments/smoke-test.json") + " --prometheus-rules " + rules.string() +
                               " --out " + (dir.path() / "out").string());
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find(rules.string() + ":7:15: alert \"Missing\": outside faultline's PromQL subset or invalid: function absent()"),
            std::string::npos)
      << r.output;
  EXPECT_FALSE(fs::exists(dir.path() / "out")) << "bad input must not leave a results folder";
}

TEST(PrometheusRulesTest, FileKeyResolvesAgainstTheExperimentsFolderAndIsCheckedByTheLoader) {
  ScratchDir dir;
  auto doc = json::parse(read_file(source_path("experiments/smoke-test.json")));
  doc["prometheus_rules"] = json::array({"rules/missing.yml"});
  write_file(dir.path() / "e.json", doc.dump(2));
  const auto bad = run_faultline("run " + (dir.path() / "e.json").string() + " --out " + (dir.path() / "out").string());
  EXPECT_EQ(bad.exit_code, 2) << bad.output;
  EXPECT_NE(bad.output.find("/prometheus_rules/0"), std::string::npos) << bad.output;
  fs::create_directories(dir.path() / "rules");
  write_file(dir.path() / "rules" / "missing.yml",
             "groups:\n  - name: g\n    interval: 10s\n    rules:\n      - alert: Answering\n"
             "        expr: sum(rate(http_requests_total{status=\"200\"}[30s])) > 0\n        for: 20s\n");
  const auto good = run_faultline("run " + (dir.path() / "e.json").string() + " --quiet --out " + (dir.path() / "out").string());
  ASSERT_LE(good.exit_code, 1) << good.output;
  const json summary = json::parse(read_file(dir.path() / "out" / doc["name"].get<std::string>() / "summary.json"));
  int found = 0;
  for (const json& a : summary["alerts"]) {
    if (a.value("source", "") != "prometheus") continue;
    ++found;
    // First evaluation with two samples in [t - 30s, t]: 10 s (samples at 1..10 s); fires 20 s later.
    EXPECT_EQ(a["name"], "Answering");
    EXPECT_EQ(a["pending_at_s"].get<double>(), 10);
    EXPECT_EQ(a["fired_at_s"].get<double>(), 30);
    // Named as the file key wrote it: summary.json does not depend on where the file sits.
    EXPECT_EQ(a["rule"], "rules/missing.yml:5");
  }
  EXPECT_EQ(found, 1);
}

}  // namespace
}  // namespace faultline::e2e

// The bundled experiment library (experiments/*.json): every experiment passes through the CLI,
// its summary.json matches the committed baseline (results/baselines/<name>.json) both by
// `faultline compare --tolerance 0` and byte for byte, and the same seed gives the same bytes.
// After an intended change of behaviour, scripts/update-baselines.sh regenerates the baselines.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "e2e/cli_helpers.h"

namespace faultline::e2e {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct Bundled {
  std::string path;  // absolute
  std::string name;  // the experiment's `name`, which names its results folder and baseline
  json doc;
};

// gtest names the parameter in test listings and failures.
void PrintTo(const Bundled& b, std::ostream* os) { *os << b.name; }

// Experiment files of experiments/ in name order. Sweep files (a `sweep` block) belong to the
// sweep tests; files that are not experiments (the JSON Schema) have no `endpoints`.
std::vector<Bundled> bundled_experiments() {
  std::vector<Bundled> out;
  const fs::path dir = fs::path(FAULTLINE_SOURCE_DIR) / "experiments";
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ".json") continue;
    json doc = json::parse(read_file(entry.path()), nullptr, /*allow_exceptions=*/false);
    if (!doc.is_object() || !doc.contains("endpoints") || doc.contains("sweep")) continue;
    out.push_back(Bundled{entry.path().string(), doc.value("name", ""), std::move(doc)});
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return out;
}

fs::path baseline_path(const std::string& name) {
  return fs::path(FAULTLINE_SOURCE_DIR) / "results" / "baselines" / (name + ".json");
}

double sli(const json& summary, const std::string& name) {
  for (const auto& s : summary.at("slis")) {
    if (s.at("name") == name) return s.at("current").get<double>();
  }
  ADD_FAILURE() << "no SLI " << name;
  return -1;
}

class BundledExperimentTest : public ::testing::TestWithParam<Bundled> {};

TEST_P(BundledExperimentTest, PassesAndMatchesItsBaselineExactly) {
  const Bundled& e = GetParam();
  ScratchDir out;
  const auto run = run_faultline("run " + e.path + " --quiet --out " + out.str());
  ASSERT_EQ(run.exit_code, 0) << run.output;
  const fs::path current = out.path() / e.name / "summary.json";
  ASSERT_TRUE(fs::exists(current)) << run.output;
  const fs::path baseline = baseline_path(e.name);
  ASSERT_TRUE(fs::exists(baseline))
      << "no baseline " << baseline << ": run scripts/update-baselines.sh";

  const auto compare =
      run_faultline("compare " + baseline.string() + " " + current.string() + " --tolerance 0");
  EXPECT_EQ(compare.exit_code, 0) << compare.output;
  // Stricter than compare: the contract promises byte-identical summaries for a file and seed.
  EXPECT_EQ(read_file(current), read_file(baseline))
      << e.name << " differs from its baseline; if the change is intended, run "
      << "scripts/update-baselines.sh and commit the new baseline";
}

std::string test_name(const ::testing::TestParamInfo<Bundled>& info) {
  std::string s = info.param.name;
  std::replace(s.begin(), s.end(), '-', '_');
  return s;
}

INSTANTIATE_TEST_SUITE_P(Library, BundledExperimentTest, ::testing::ValuesIn(bundled_experiments()),
                         test_name);

TEST(ExperimentLibraryTest, EveryExperimentSaysWhatItShowsAndChecksIt) {
  const auto all = bundled_experiments();
  ASSERT_GE(all.size(), 16u);
  const std::string docs = read_file(fs::path(FAULTLINE_SOURCE_DIR) / "docs" / "experiments.md");
  for (const Bundled& e : all) {
    EXPECT_EQ(fs::path(e.path).stem().string(), e.name) << "file and experiment names differ";
    EXPECT_GE(e.doc.value("description", "").size(), 80u) << e.name << ": say what it shows";
    EXPECT_TRUE(e.doc.contains("seed")) << e.name;
    EXPECT_FALSE(e.doc.value("expect", json::array()).empty()) << e.name << ": no expect items";
    EXPECT_NE(docs.find("`" + e.name + "`"), std::string::npos)
        << e.name << " missing from docs/experiments.md";
  }
}

TEST(ExperimentLibraryTest, EveryBaselineBelongsToABundledExperiment) {
  std::vector<std::string> names;
  for (const Bundled& e : bundled_experiments()) names.push_back(e.name);
  for (const auto& entry : fs::directory_iterator(baseline_path("x").parent_path())) {
    const std::string stem = entry.path().stem().string();
    EXPECT_NE(std::find(names.begin(), names.end(), stem), names.end())
        << entry.path() << " has no experiment: remove it or run scripts/update-baselines.sh";
  }
}

TEST(ExperimentLibraryTest, SameFileAndSeedGiveByteIdenticalSummaries) {
  // The metastable run has the most feedback (timeouts, retries, abandoned calls): any
  // dependence on wall time or iteration order would show here first.
  const std::string file = source_path("experiments/metastable-retry-storm.json");
  ScratchDir a, b;
  ASSERT_EQ(run_faultline("run " + file + " --quiet --out " + a.str()).exit_code, 0);
  ASSERT_EQ(run_faultline("run " + file + " --quiet --out " + b.str()).exit_code, 0);
  const std::string first = read_file(a.path() / "metastable-retry-storm/summary.json");
  ASSERT_FALSE(first.empty());
  EXPECT_EQ(first, read_file(b.path() / "metastable-retry-storm/summary.json"));
}

// The acceptance figure: goodput after the trigger below 50 % of the offered load
// without a retry budget, above 95 % with one. warmup_s marks the trigger's end, so the SLIs
// (requests issued after warm-up) measure exactly "after the trigger".
TEST(ExperimentLibraryTest, MetastablePairDiffersInGoodputAfterTheTrigger) {
  ScratchDir out;
  double availability[2] = {0, 0};
  const char* names[2] = {"metastable-retry-storm", "metastable-retry-budget"};
  for (int i = 0; i < 2; ++i) {
    const std::string file = source_path(std::string("experiments/") + names[i] + ".json");
    const json doc = json::parse(read_file(file));
    const json& trigger = doc.at("faults").at(0);
    EXPECT_EQ(doc.at("warmup_s").get<double>(),
              trigger.at("start_s").get<double>() + trigger.at("duration_s").get<double>())
        << names[i] << ": warmup_s must end with the trigger";
    ASSERT_EQ(run_faultline("run " + file + " --quiet --out " + out.str()).exit_code, 0);
    const json summary = json::parse(read_file(out.path() / names[i] / "summary.json"));
    availability[i] = sli(summary, "availability");
    EXPECT_GE(sli(summary, "throughput"), 590) << names[i] << ": the offered load must not change";
  }
  EXPECT_LT(availability[0], 50) << "without a budget the system must stay down after the trigger";
  EXPECT_GT(availability[1], 95) << "with a budget the system must recover after the trigger";
}

}  // namespace
}  // namespace faultline::e2e

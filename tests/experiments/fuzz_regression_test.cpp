// Replays every input the fuzzer (tests/fuzz/) or review found to crash, hang or exhaust
// memory, kept in tests/fuzz/corpus/ in the fuzzer's format: the first line is a --set
// argument (empty: none), the rest the document. Each must now end in a located diagnostic,
// or load and run its first virtual seconds as the fuzzer runs them.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "experiments/loader.h"
#include "experiments/world.h"

namespace faultline::experiments {
namespace {

// The fuzzer's label: relative data files resolve against experiments/.
const std::string kLabel = std::string(FAULTLINE_SOURCE_DIR) + "/experiments/fuzz-input.json";

std::vector<std::filesystem::path> corpus() {
  std::vector<std::filesystem::path> files;
  const std::filesystem::path dir = std::string(FAULTLINE_SOURCE_DIR) + "/tests/fuzz/corpus";
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.is_regular_file() && entry.path().filename().string()[0] != '.')
      files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

LoadResult replay(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  const std::string input = s.str();
  std::vector<std::string> overrides;
  std::string_view document = input;
  if (const auto newline = input.find('\n'); newline != std::string::npos) {
    if (newline > 0) overrides.push_back(input.substr(0, newline));
    document = std::string_view(input).substr(newline + 1);
  }
  return load_experiment_text(document, kLabel, overrides);
}

TEST(FuzzRegressionTest, CorpusIsThere) { EXPECT_FALSE(corpus().empty()); }

TEST(FuzzRegressionTest, EveryFindingEndsInALocatedDiagnosticOrABoundedRun) {
  for (const auto& file : corpus()) {
    SCOPED_TRACE(file.filename().string());
    const LoadResult r = replay(file);
    ASSERT_EQ(r.ok(), r.diagnostics.empty());
    if (!r.ok()) {
      const bool located = std::any_of(r.diagnostics.begin(), r.diagnostics.end(),
                                       [](const Diagnostic& d) {
                                         return !d.pointer.empty() || d.line > 0;
                                       });
      EXPECT_TRUE(located) << format(r.diagnostics);
      continue;
    }
    World world(*r.experiment);
    const Instant until = std::min<Instant>(world.end(), std::chrono::seconds(3));
    for (Instant t{}; t < until && world.events() < 300'000;) {
      t = std::min<Instant>(until, t + std::chrono::milliseconds(5));
      world.run_until(t);
    }
    world.finish();
    const auto& totals = world.metrics().totals();
    EXPECT_EQ(totals.succeeded + totals.failed, totals.total);
  }
}

}  // namespace
}  // namespace faultline::experiments

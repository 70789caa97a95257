// The loader never throws or crashes, whatever the text: every prefix of a real file, every
// single-byte corruption of it, and odd --set arguments all end in diagnostics. (A fuzzer
// explores further; these run in every build, under the sanitizers too.)
#include <gtest/gtest.h>

#include <cctype>
#include <cstdint>
#include <fstream>
#include <sstream>

#include "experiments/loader.h"

namespace faultline::experiments {
namespace {

std::string contract_text() {
  std::ifstream in(std::string(FAULTLINE_SOURCE_DIR) +
                   "/tests/experiments/data/contract-example.json");
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(RobustnessTest, EveryPrefixFailsCleanly) {
  std::string text = contract_text();
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
  for (std::size_t n = 0; n < text.size(); ++n) {
    const LoadResult r = load_experiment_text(std::string_view(text).substr(0, n), "x.json");
    ASSERT_FALSE(r.ok()) << n;
    ASSERT_FALSE(r.diagnostics.empty()) << n;
  }
  EXPECT_TRUE(load_experiment_text(text, "x.json").ok());
}

TEST(RobustnessTest, SingleByteCorruptionsNeverThrow) {
  const std::string text = contract_text();
  // 3000 (position, byte) pairs from a fixed linear congruential sequence: every byte value,
  // spread over the whole file, cheap enough for sanitizer builds.
  std::uint64_t state = 42;
  auto next = [&state] {
    state = state * 6364136223846793005u + 1442695040888963407u;
    return state >> 33;
  };
  std::size_t failures = 0;
  for (int i = 0; i < 3000; ++i) {
    std::string corrupt = text;
    corrupt[next() % corrupt.size()] = static_cast<char>(next() % 256);
    const LoadResult r = load_experiment_text(corrupt, "x.json");
    ASSERT_EQ(r.ok(), r.diagnostics.empty());
    if (!r.ok()) ++failures;
  }
  EXPECT_GT(failures, 0u);
}

TEST(RobustnessTest, OddOverridesFailCleanly) {
  const std::string text = contract_text();
  const std::vector<std::string> odd = {"",
                                        "=",
                                        "==",
                                        ".",
                                        "\"",
                                        "\"\"=1",
                                        "a.\"b",
                                        "faults.-1.start_s=1",
                                        "faults.99999999999.start_s=1",
                                        "faults.0.start_s=1e999",
                                        "faults.0.start_s=[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]",
                                        "name={\"a\":",
                                        "endpoints=null",
                                        "load=[]",
                                        "dependencies.openai=7",
                                        "seed=-0",
                                        "seed=1.5",
                                        "expect.0.after_fault=1e30"};
  for (const std::string& o : odd) {
    const LoadResult r = load_experiment_text(text, "x.json", {o});
    EXPECT_EQ(r.ok(), r.diagnostics.empty()) << o;
  }
}

}  // namespace
}  // namespace faultline::experiments

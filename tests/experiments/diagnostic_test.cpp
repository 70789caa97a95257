#include "experiments/diagnostic.h"

#include <gtest/gtest.h>

#include "experiments/suggest.h"

namespace faultline::experiments {
namespace {

TEST(DiagnosticTest, FormatsByPointerOrByLine) {
  EXPECT_EQ(format(Diagnostic{"experiments/x.json", "/endpoints/0/steps/1/call", 0, 0,
                              "unknown dependency"}),
            "experiments/x.json: /endpoints/0/steps/1/call: unknown dependency");
  EXPECT_EQ(format(Diagnostic{"x.json", "", 12, 7, "syntax error: oops"}),
            "x.json:12:7: syntax error: oops");
  EXPECT_EQ(format(Diagnostic{"x.json", "", 0, 0, "cannot open"}), "x.json: cannot open");
  EXPECT_EQ(format(Diagnostic{"", "/seed", 0, 0, "bad"}), "/seed: bad");
  EXPECT_EQ(format(std::vector<Diagnostic>{{"a", "/x", 0, 0, "m"}, {"a", "", 2, 0, "n"}}),
            "a: /x: m\na:2: n\n");
}

TEST(DiagnosticTest, PointerTokensAreEscaped) {
  EXPECT_EQ(pointer_append("/a", "b/c~d"), "/a/b~1c~0d");
  EXPECT_EQ(pointer_append("", "x"), "/x");
  EXPECT_EQ(pointer_append("/faults", 3), "/faults/3");
  EXPECT_EQ(pointer_append("", ""), "/");
}

TEST(DiagnosticTest, QuoteIsShortAndSafe) {
  EXPECT_EQ(quote("abc"), "\"abc\"");
  EXPECT_EQ(quote(std::string(200, 'x')).size(), 63u);  // 60 bytes and "..."
  EXPECT_EQ(quote("caf\xE9"), "\"caf\xEF\xBF\xBD\"");   // not UTF-8: replaced, not thrown
  EXPECT_EQ(quote_value(nlohmann::json::array({1, 2})), "an array of 2 items");
  EXPECT_EQ(quote_value(nlohmann::json(2.5)), "2.5");
}

TEST(SuggestTest, ClosestAllowsPlausibleTyposOnly) {
  const std::vector<std::string> keys = {"failure_threshold", "recovery_timeout_ms", "type"};
  EXPECT_EQ(closest("failure_treshold", keys), "failure_threshold");
  EXPECT_EQ(closest("failure_thershold", keys), "failure_threshold");  // a transposition
  EXPECT_EQ(closest("tpye", keys), "type");
  EXPECT_EQ(closest("colour", keys), std::nullopt);
  EXPECT_EQ(closest(std::string(10000, 'a'), keys), std::nullopt);
  EXPECT_EQ(known_list({"a", "b", "c"}, 2), "a, b, ... (3 in all)");
}

}  // namespace
}  // namespace faultline::experiments

// Reading experiment text: syntax errors at line:column, encodings, nesting, duplicates,
// numbers JSON cannot hold, and the size bound.
#include "experiments/json_reader.h"

#include <gtest/gtest.h>

#include "experiments/limits.h"
#include "experiments/loader.h"

namespace faultline::experiments {
namespace {

std::string data_path(const std::string& name) {
  return std::string(FAULTLINE_SOURCE_DIR) + "/tests/experiments/data/" + name;
}

Diagnostic only_error(const LoadResult& r) {
  EXPECT_FALSE(r.experiment.has_value());
  EXPECT_EQ(r.diagnostics.size(), 1u) << format(r.diagnostics);
  return r.diagnostics.empty() ? Diagnostic{} : r.diagnostics[0];
}

TEST(JsonReaderTest, SyntaxErrorGivesLineAndColumn) {
  const std::string path = data_path("syntax-error.json");
  const Diagnostic d = only_error(load_experiment_file(path));
  EXPECT_EQ(d.line, 4);
  EXPECT_EQ(d.column, 3);
  EXPECT_EQ(
      format(d),
      path +
          ":4:3: syntax error: while parsing object key - unexpected ','; expected string literal");
}

TEST(JsonReaderTest, ColumnsCountCharactersNotBytes) {
  const Diagnostic d =
      only_error(load_experiment_text("{\"d\": \"caf\xC3\xA9\xE2\x82\xAC\" x}", "x.json"));
  EXPECT_EQ(d.line, 1);
  EXPECT_EQ(d.column, 15);  // the 'x': after {"d": "café€" and a space
}

TEST(JsonReaderTest, EndOfInputAndEmptyInput) {
  Diagnostic d = only_error(load_experiment_text("{\n  \"name\": \"x\"\n", "x.json"));
  EXPECT_EQ(d.line, 3);
  EXPECT_EQ(d.column, 1);
  EXPECT_NE(d.message.find("unexpected end of input"), std::string::npos) << d.message;
  d = only_error(load_experiment_text("", "x.json"));
  EXPECT_EQ(d.line, 1);
  EXPECT_EQ(d.column, 1);
}

TEST(JsonReaderTest, Utf8ByteOrderMarkIsAccepted) {
  const LoadResult r = load_experiment_file(data_path("bom.json"));
  EXPECT_TRUE(r.ok()) << format(r.diagnostics);
}

TEST(JsonReaderTest, NonUtf8IsRejectedWithItsPosition) {
  const std::string path = data_path("latin1.json");
  const Diagnostic d = only_error(load_experiment_file(path));
  EXPECT_EQ(format(d), path + ":1:39: byte 0xE9 is not valid UTF-8; save the file as UTF-8");
}

TEST(JsonReaderTest, Utf8ValidatorRefusesOverlongSurrogatesAndTruncation) {
  EXPECT_EQ(find_invalid_utf8("ok \xC3\xA9 \xF0\x9F\x98\x80"), std::nullopt);
  EXPECT_EQ(find_invalid_utf8("a\xC0\xAF"), 1u);         // overlong '/'
  EXPECT_EQ(find_invalid_utf8("ab\xED\xA0\x80"), 2u);    // a UTF-16 surrogate
  EXPECT_EQ(find_invalid_utf8("\xF4\x90\x80\x80"), 0u);  // above U+10FFFF
  EXPECT_EQ(find_invalid_utf8("abc\xE2\x82"), 3u);       // cut short
  EXPECT_EQ(find_invalid_utf8("\x80"), 0u);              // a lone continuation byte
}

TEST(JsonReaderTest, Utf16IsRecognised) {
  const Diagnostic d = only_error(load_experiment_text(std::string("\xFF\xFE{\0}\0", 6), "x.json"));
  EXPECT_EQ(d.message, "file is UTF-16 or UTF-32 encoded; save it as UTF-8");
}

TEST(JsonReaderTest, NanAndInfinityAreSyntaxErrors) {
  EXPECT_NE(only_error(load_experiment_text("{\"duration_s\": NaN}", "x.json"))
                .message.find("syntax error"),
            std::string::npos);
  EXPECT_NE(only_error(load_experiment_text("{\"duration_s\": Infinity}", "x.json"))
                .message.find("syntax error"),
            std::string::npos);
}

TEST(JsonReaderTest, HugeNumbersAreRangeErrorsAtTheirPointer) {
  const std::string head = R"({"name": "n", "endpoints": [{"name": "a"}], "load": {"users": 1}, )";
  LoadResult r = load_experiment_text(head + R"("duration_s": 1e400})", "x.json");
  ASSERT_EQ(r.diagnostics.size(), 1u) << format(r.diagnostics);
  EXPECT_EQ(format(r.diagnostics[0]), "x.json:1:81: number 1e400 is too large for a double");
  r = load_experiment_text(head + R"("duration_s": 1e300})", "x.json");
  ASSERT_EQ(r.diagnostics.size(), 1u) << format(r.diagnostics);
  EXPECT_EQ(r.diagnostics[0].pointer, "/duration_s");
  EXPECT_EQ(r.diagnostics[0].message, "must be at most 2592000 (30 days) (got 1e+300)");
  r = load_experiment_text(head + R"("seed": 123456789012345678901234567890})", "x.json");
  ASSERT_EQ(r.diagnostics.size(), 1u) << format(r.diagnostics);
  EXPECT_EQ(r.diagnostics[0].pointer, "/seed");
  r = load_experiment_text(head + R"("seed": 18446744073709551615})", "x.json");
  ASSERT_TRUE(r.ok()) << format(r.diagnostics);
  EXPECT_EQ(r.experiment->seed, 18446744073709551615u);
  r = load_experiment_text(head + R"("seed": -1})", "x.json");
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].pointer, "/seed");
}

TEST(JsonReaderTest, DeepNestingIsRefusedBeforeParsing) {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  Diagnostic d = only_error(load_experiment_text(deep, "x.json"));
  EXPECT_EQ(d.message, "nesting deeper than 64 levels");
  EXPECT_EQ(d.line, 1);
  EXPECT_EQ(d.column, 65);
  // Brackets inside strings do not count.
  EXPECT_TRUE(
      parse_json_text("{\"a\": \"" + std::string(1000, '[') + "\"}", "x.json").doc.has_value());

  nlohmann::json doc = nlohmann::json::array();
  for (int i = 0; i < 200; ++i) doc = nlohmann::json::array({doc});
  d = only_error(load_experiment_json(doc, "x.json"));
  EXPECT_EQ(d.message, "nesting deeper than 64 levels");
}

TEST(JsonReaderTest, DuplicateKeysAreRefused) {
  const JsonText t = parse_json_text(R"({"a": [1, {"b": 1, "c": 2, "b": 3}], "a": 2})", "x.json");
  EXPECT_FALSE(t.doc.has_value());
  ASSERT_EQ(t.diagnostics.size(), 2u);
  EXPECT_EQ(t.diagnostics[0].pointer, "/a/1/b");
  EXPECT_EQ(t.diagnostics[1].pointer, "/a");
  EXPECT_EQ(t.diagnostics[0].message, "duplicate key (the earlier value would be lost)");
}

TEST(JsonReaderTest, SizeIsBounded) {
  const std::string big = "\"" + std::string(kMaxFileBytes, 'x') + "\"";
  const Diagnostic d = only_error(load_experiment_text(big, "x.json"));
  EXPECT_NE(d.message.find("the limit is 16777216 (16 MiB)"), std::string::npos) << d.message;
}

TEST(JsonReaderTest, MissingFileAndDirectory) {
  Diagnostic d = only_error(load_experiment_file(data_path("does-not-exist.json")));
  EXPECT_EQ(d.message, "cannot open: No such file or directory");
  d = only_error(load_experiment_file(data_path("")));
  EXPECT_EQ(d.message, "cannot read: it is a directory");
}

TEST(JsonReaderTest, NotAnObject) {
  const Diagnostic d = only_error(load_experiment_text("[1, 2]", "x.json"));
  EXPECT_EQ(format(d), "x.json: expected an object, got an array of 2 items");
}

TEST(JsonReaderTest, TextPositions) {
  EXPECT_EQ(text_position("ab\ncd", 0).line, 1);
  EXPECT_EQ(text_position("ab\ncd", 4).line, 2);
  EXPECT_EQ(text_position("ab\ncd", 4).column, 2);
  EXPECT_EQ(text_position("ab", 99).column, 3);  // past the end: just after the last character
}

}  // namespace
}  // namespace faultline::experiments

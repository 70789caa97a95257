// The live headers' text: a key survives format then parse; anything else reads as absent,
// so a receiver falls back to call order rather than keying on garbage.
#include "live/call_key_header.h"

#include <gtest/gtest.h>

#include <limits>

namespace faultline::live {
namespace {

TEST(CallKeyHeader, FormatsAsRequestStepAttempt) {
  EXPECT_EQ(format_call_key({.request = 17, .step = 1, .attempt = 2}), "17.1.2");
  EXPECT_EQ(format_call_key({}), "0.0.0");
}

TEST(CallKeyHeader, ParsesWhatItFormatsUpToTheLimits) {
  for (const sim::CallKey key : {sim::CallKey{}, sim::CallKey{.request = 42, .step = 3, .attempt = 1},
                                 sim::CallKey{.request = std::numeric_limits<std::uint64_t>::max(),
                                              .step = std::numeric_limits<std::uint32_t>::max(),
                                              .attempt = std::numeric_limits<std::uint32_t>::max()},
                                 sim::CallKey{.request = (std::uint64_t{7} << 32) | 9}}) {
    const auto parsed = parse_call_key(format_call_key(key));
    ASSERT_TRUE(parsed.has_value()) << format_call_key(key);
    EXPECT_EQ(*parsed, key);
  }
}

TEST(CallKeyHeader, MalformedReadsAsAbsent) {
  for (const char* text : {"", "1", "1.2", "1.2.", ".1.2", "1..2", "1.2.3.4", "1.2.3 ", " 1.2.3", "+1.2.3",
                           "-1.2.3", "1.-2.3", "a.2.3", "1.2.3x", "0x1.2.3", "1.4294967296.0",
                           "18446744073709551616.0.0"}) {
    EXPECT_FALSE(parse_call_key(text).has_value()) << "'" << text << "'";
  }
}

TEST(CallKeyHeader, RequestNumbers) {
  EXPECT_EQ(parse_request_number("0"), std::optional<std::uint64_t>(0));
  EXPECT_EQ(parse_request_number("4294967303"), std::optional<std::uint64_t>(4294967303ULL));
  for (const char* text : {"", "1.2", "-1", "+1", "1 ", "x", "18446744073709551616"}) {
    EXPECT_FALSE(parse_request_number(text).has_value()) << "'" << text << "'";
  }
}

}  // namespace
}  // namespace faultline::live

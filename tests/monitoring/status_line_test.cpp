// StatusLine: the exact bytes of a line rewritten with "\r" — padding over a longer earlier
// text, columns counted in code points, clear() only after a show().
#include "monitoring/status_line.h"

#include <gtest/gtest.h>

#include <string>

#include "written_text.h"

namespace faultline::monitoring {
namespace {

using test_support::written_text;

TEST(StatusLine, CountsColumnsInCodePoints) {
  EXPECT_EQ(terminal_columns(""), 0u);
  EXPECT_EQ(terminal_columns("abc"), 3u);
  EXPECT_EQ(terminal_columns("[\u2588\u2591]"), 4u);  // two three-byte blocks
  EXPECT_EQ(terminal_columns("\u00e9"), 1u);
}

TEST(StatusLine, PadsOverTheWidestEarlierTextAndClears) {
  std::FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  StatusLine line(f);
  line.clear();  // nothing shown yet: nothing written
  EXPECT_EQ(written_text(f), "");
  EXPECT_FALSE(line.shown());
  line.show("abcd");
  EXPECT_TRUE(line.shown());
  line.show("ab");       // two spaces cover "cd"
  line.show("\u2588x");  // two columns (four bytes): still padded to four columns
  EXPECT_EQ(written_text(f), "\rabcd\rab  \r\u2588x  ");
  line.clear();
  EXPECT_FALSE(line.shown());
  line.clear();  // idempotent
  line.show("z");  // after a clear, no padding from before it
  EXPECT_EQ(written_text(f), "\rabcd\rab  \r\u2588x  \r    \r\rz");
  std::fclose(f);
}

}  // namespace
}  // namespace faultline::monitoring

// BatchProgress: the exact line it writes, and that finish() erases it to its full width in
// columns (the bar's blocks are three bytes, one column).
#include "batch/batch_progress.h"

#include <gtest/gtest.h>

#include <string>

#include "written_text.h"

namespace faultline::batch {
namespace {

using test_support::written_text;

TEST(BatchProgress, WritesTheLineAndErasesItsColumns) {
  std::FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  {
    BatchProgress bar("tune", 10, true, f);
    bar.update(5, 0);   // none run by this process yet: no rate, no ETA
    bar.update(6, 0);   // within 100 ms and not the last: dropped
    bar.update(10, 0);  // the last is always shown
    // The destructor finishes.
  }
  const auto bar = [](int filled) {
    std::string out;
    for (int i = 0; i < 24; ++i) out += i < filled ? "\u2588" : "\u2591";
    return out;
  };
  const std::string half = "tune  [" + bar(12) + "]  5/10 runs  0.0 runs/s  ETA --";
  const std::string full = "tune  [" + bar(24) + "]  10/10 runs  0.0 runs/s  ETA --";
  // 7 + 24 + 33 columns: the erase covers the longer line's columns, not its bytes.
  EXPECT_EQ(written_text(f), "\r" + half + "\r" + full + "\r" + std::string(64, ' ') + "\r");
  std::fclose(f);
}

TEST(BatchProgress, DisabledWritesNothing) {
  std::FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  {
    BatchProgress bar("tune", 10, false, f);
    bar.update(10, 10);
    bar.finish();
  }
  EXPECT_EQ(std::ftell(f), 0);
  std::fclose(f);
}

}  // namespace
}  // namespace faultline::batch

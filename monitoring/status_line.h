// StatusLine: one line of a terminal rewritten in place with "\r", the mechanics shared by the
// run's progress line (monitoring/progress.h) and a batch's (batch/batch_progress.h).
//
//   StatusLine line(stderr);
//   line.show("ai-outage  [███░░░]  50%");   // "\r" + text, padded over a longer last text
//   line.clear();                            // blanks it, so what follows starts clean
//
// "\r" moves the cursor back but erases nothing: a shorter text is padded with spaces to the
// widest one shown since the last clear(). Widths are counted in code points (the progress
// bars' blocks are one column each). No rate limit: the callers decide when to show.
// Single-threaded.
#pragma once

#include <cstdio>
#include <string_view>

namespace faultline::monitoring {

// Terminal columns of a UTF-8 string, one per code point (no wide or combining characters).
std::size_t terminal_columns(std::string_view text);

class StatusLine {
 public:
  explicit StatusLine(std::FILE* out) : out_(out) {}

  // Writes "\r", `text` and the padding that covers the widest earlier text; flushes.
  void show(std::string_view text);
  // Overwrites the line with spaces and returns to its start, if anything was shown since the
  // last clear(); otherwise writes nothing.
  void clear();
  bool shown() const { return columns_ > 0; }

 private:
  std::FILE* out_;
  std::size_t columns_ = 0;  // the widest text shown since the last clear()
};

}  // namespace faultline::monitoring

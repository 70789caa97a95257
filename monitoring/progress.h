// ProgressLine: one self-overwriting status line ("\r") on stderr while a long run executes.
//
//   ProgressLine progress(experiment.name, stderr_is_terminal() && !quiet);
//   for (Instant t = slice; ...; t += slice) { loop.run_until(t); progress.update(f, s, eps); }
//   progress.finish();   // erases the line, so the report that follows starts clean
//
// Called between slices of the event loop, never from inside it, so it may read the wall
// clock: writes are limited to ~10 per wall-clock second. Single-threaded.
#pragma once

#include <chrono>
#include <cstdio>
#include <string>
#include <string_view>

#include "monitoring/status_line.h"

namespace faultline::monitoring {

// The line's text, e.g. "ai-outage  [██████░░░░░░]  42%  t=378.0 s  1.25 M events/s".
std::string format_progress(std::string_view label, double fraction, double virtual_s,
                            double events_per_s);

class ProgressLine {
 public:
  // A disabled line writes nothing (pass false when stderr is not a terminal or in --quiet).
  ProgressLine(std::string label, bool enabled, std::FILE* out = stderr);
  ~ProgressLine();
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  // `fraction` of the run done (0-1), the virtual time reached and the loop's speed. Drops the
  // update when the previous write was less than 100 ms of wall time ago.
  void update(double fraction, double virtual_s, double events_per_s);
  // Erases the line if anything was written. Idempotent; the destructor calls it.
  void finish();

  bool enabled() const { return enabled_; }

 private:
  std::string label_;
  bool enabled_;
  StatusLine line_;
  std::chrono::steady_clock::time_point last_write_{};
};

}  // namespace faultline::monitoring

// BatchProgress: "tune-ai-breaker  [██████░░░░░░]  12/27 runs  3.1 runs/s  ETA 5 s" on stderr
// ("\r", rewritten at most ten times a second) while a batch's runs go.
//
//   BatchProgress bar("tune-ai-breaker", runs.size(), stderr_is_terminal());
//   bar.update(finished, ran_now);  ...  bar.finish();
//
// Single-threaded: the runner calls it on one thread.
#pragma once

#include <chrono>
#include <cstdio>
#include <string>

#include "monitoring/status_line.h"

namespace faultline::batch {

class BatchProgress {
 public:
  BatchProgress(std::string label, std::size_t total, bool enabled, std::FILE* out = stderr);
  ~BatchProgress();
  BatchProgress(const BatchProgress&) = delete;
  BatchProgress& operator=(const BatchProgress&) = delete;

  // `finished` runs of `total` (reused ones included), `ran_now` of them run by this process.
  void update(std::size_t finished, std::size_t ran_now);
  // Erases the line, so what follows starts clean. Idempotent.
  void finish();

 private:
  std::string label_;
  std::size_t total_;
  bool enabled_;
  monitoring::StatusLine line_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_write_{};
};

}  // namespace faultline::batch

#include "batch/batch_progress.h"

#include <fmt/format.h>

#include <cmath>

namespace faultline::batch {

BatchProgress::BatchProgress(std::string label, std::size_t total, bool enabled, std::FILE* out)
    : label_(std::move(label)),
      total_(total),
      enabled_(enabled && out != nullptr),
      line_(out),
      start_(std::chrono::steady_clock::now()) {}

BatchProgress::~BatchProgress() { finish(); }

void BatchProgress::update(std::size_t finished, std::size_t ran_now) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (line_.shown() && now - last_write_ < std::chrono::milliseconds(100) && finished < total_) {
    return;
  }
  last_write_ = now;
  constexpr int kWidth = 24;
  const double fraction =
      total_ == 0 ? 1.0 : static_cast<double>(finished) / static_cast<double>(total_);
  const int filled = static_cast<int>(fraction * kWidth);
  std::string bar;
  for (int i = 0; i < kWidth; ++i) bar += i < filled ? "\u2588" : "\u2591";
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double rate = elapsed > 0 ? static_cast<double>(ran_now) / elapsed : 0;
  std::string eta = "ETA --";
  if (rate > 0) {
    const auto left =
        static_cast<long long>(std::ceil(static_cast<double>(total_ - finished) / rate));
    eta = left >= 3600 ? fmt::format("ETA {}h{:02}m", left / 3600, left / 60 % 60)
                       : fmt::format("ETA {}:{:02}", left / 60, left % 60);
  }
  line_.show(fmt::format("{}  [{}]  {}/{} runs  {:.1f} runs/s  {}", label_, bar, finished, total_,
                         rate, eta));
}

void BatchProgress::finish() {
  if (enabled_) line_.clear();
}

}  // namespace faultline::batch

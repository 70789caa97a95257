#include "monitoring/progress.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace faultline::monitoring {

namespace {

constexpr int kBarCells = 24;
constexpr auto kMinInterval = std::chrono::milliseconds(100);

// Terminal columns of a UTF-8 string: one per code point (the bar's blocks are one column).
std::size_t columns_of(std::string_view s) {
  return static_cast<std::size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::string rate_text(double events_per_s) {
  if (!(events_per_s > 0)) return "- events/s";
  if (events_per_s >= 1e6) return fmt::format("{:.2f} M events/s", events_per_s / 1e6);
  if (events_per_s >= 1e3) return fmt::format("{:.1f} k events/s", events_per_s / 1e3);
  return fmt::format("{:.0f} events/s", events_per_s);
}

}  // namespace

std::string format_progress(std::string_view label, double fraction, double virtual_s,
                            double events_per_s) {
  const double f = std::isfinite(fraction) ? std::clamp(fraction, 0.0, 1.0) : 0.0;
  const int filled = static_cast<int>(std::lround(f * kBarCells));
  std::string bar;
  for (int i = 0; i < kBarCells; ++i) bar += i < filled ? "\u2588" : "\u2591";
  return fmt::format("{}  [{}] {:3.0f}%  t={:.1f} s  {}", label, bar, f * 100, virtual_s,
                     rate_text(events_per_s));
}

ProgressLine::ProgressLine(std::string label, bool enabled, std::FILE* out)
    : label_(std::move(label)), enabled_(enabled && out != nullptr), out_(out) {}

ProgressLine::~ProgressLine() { finish(); }

void ProgressLine::update(double fraction, double virtual_s, double events_per_s) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (written_ && now - last_write_ < kMinInterval) return;
  last_write_ = now;
  std::string line = format_progress(label_, fraction, virtual_s, events_per_s);
  const std::size_t columns = columns_of(line);
  // Pad over the previous line: it may have been longer, and "\r" does not erase.
  if (columns < last_columns_) line.append(last_columns_ - columns, ' ');
  last_columns_ = std::max(columns, last_columns_);
  fmt::print(out_, "\r{}", line);
  std::fflush(out_);
  written_ = true;
}

void ProgressLine::finish() {
  if (!enabled_ || !written_) return;
  fmt::print(out_, "\r{}\r", std::string(last_columns_, ' '));
  std::fflush(out_);
  written_ = false;
  last_columns_ = 0;
}

}  // namespace faultline::monitoring

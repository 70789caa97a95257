#include "monitoring/progress.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace faultline::monitoring {

namespace {

constexpr int kBarCells = 24;
constexpr auto kMinInterval = std::chrono::milliseconds(100);

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
    : label_(std::move(label)), enabled_(enabled && out != nullptr), line_(out) {}

ProgressLine::~ProgressLine() { finish(); }

void ProgressLine::update(double fraction, double virtual_s, double events_per_s) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (line_.shown() && now - last_write_ < kMinInterval) return;
  last_write_ = now;
  line_.show(format_progress(label_, fraction, virtual_s, events_per_s));
}

void ProgressLine::finish() {
  if (enabled_) line_.clear();
}

}  // namespace faultline::monitoring

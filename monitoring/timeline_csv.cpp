#include "monitoring/timeline_csv.h"

#include <fmt/format.h>

#include <iterator>

namespace faultline::monitoring {

std::string csv_field(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

std::string_view breaker_state_name(sim::BreakerSecondState state) {
  switch (state) {
    case sim::BreakerSecondState::kClosed:
      return "CLOSED";
    case sim::BreakerSecondState::kHalfOpen:
      return "HALF_OPEN";
    case sim::BreakerSecondState::kOpen:
      return "OPEN";
  }
  return "CLOSED";
}

namespace {

constexpr std::size_t kPiece = 64 * 1024;

bool write_timeline_csv(const RunOutcome& run, const ContentSink& sink) {
  const sim::Metrics& m = *run.metrics;
  const auto& breakers = m.layout().breakers;
  fmt::memory_buffer out;
  auto it = std::back_inserter(out);
  fmt::format_to(
      it,
      "second,issued,answered,succeeded,degraded,errors_5xx,rejected_503,timeouts_504,"
      "rate_limited_429,client_timeouts_499,p50_ms,p95_ms,p99_ms,busy_workers,queued,in_flight,active_faults");
  for (const auto& name : breakers) fmt::format_to(it, ",{}", csv_field("breaker:" + name));
  fmt::format_to(it, "\n");

  const auto& rows = m.timeline();
  for (std::size_t s = 0; s < rows.size(); ++s) {
    const sim::TimelineRow r = rows[s];
    fmt::format_to(it, "{},{},{},{},{},{},{},{},{},{},{:.3f},{:.3f},{:.3f},{},{},{},", s, r.issued,
                   r.answered, r.succeeded, r.degraded, r.server_errors, r.rejected, r.timeouts,
                   r.rate_limited, r.client_timeouts, r.p50_ms, r.p95_ms, r.p99_ms, r.busy_workers, r.queued,
                   r.in_flight);
    bool first = true;
    for (unsigned bit = 0; bit < 64; ++bit) {
      if ((r.active_faults >> bit & 1u) == 0) continue;
      fmt::format_to(it, "{}{}", first ? "" : ";", bit);
      first = false;
    }
    for (std::size_t b = 0; b < breakers.size(); ++b) {
      fmt::format_to(it, ",{}", breaker_state_name(m.breaker_state(s, b)));
    }
    fmt::format_to(it, "\n");
    if (out.size() >= kPiece) {
      if (!sink(std::string_view(out.data(), out.size()))) return false;
      out.clear();
    }
  }
  return sink(std::string_view(out.data(), out.size()));
}

}  // namespace

std::string timeline_csv(const RunOutcome& run) {
  std::string text;
  write_timeline_csv(run, [&text](std::string_view piece) {
    text.append(piece);
    return true;
  });
  return text;
}

ContentWriter timeline_csv_writer(const RunOutcome& run) {
  return [&run](const ContentSink& sink) { return write_timeline_csv(run, sink); };
}

}  // namespace faultline::monitoring

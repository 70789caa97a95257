#include "monitoring/openmetrics_writer.h"

#include <fmt/format.h>

#include <array>
#include <iterator>
#include <vector>

namespace faultline::monitoring {

namespace {

constexpr std::size_t kPiece = 64 * 1024;
constexpr std::int64_t kNanosPerSecond = 1'000'000'000;

// The bucket bounds as client libraries write them in OpenMetrics ("1.0", not "1"), so that a
// selector such as {le="0.5"} written against a real service matches.
constexpr std::array<std::string_view, sim::LabelledSeries::kBuckets> kLe = {
    "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1.0", "2.5", "5.0", "10.0", "+Inf"};
static_assert(sim::LabelledSeries::kBoundNanos[6] == 500'000'000 && sim::LabelledSeries::kBoundNanos[7] == kNanosPerSecond,
              "kLe names LabelledSeries' bounds");

// A non-negative number of nanoseconds as decimal seconds, exact: "12", "0.005", "1.25".
std::string seconds_text(std::uint64_t nanos) {
  const std::uint64_t whole = nanos / kNanosPerSecond;
  std::uint64_t frac = nanos % kNanosPerSecond;
  if (frac == 0) return fmt::format("{}", whole);
  int digits = 9;
  while (frac % 10 == 0) {
    frac /= 10;
    --digits;
  }
  return fmt::format("{}.{:0{}}", whole, frac, digits);
}

// Buffers the text and hands it to the sink in pieces; remembers a failed sink.
class Out {
 public:
  explicit Out(const ContentSink& sink) : sink_(sink) {}
  template <typename... Args>
  void line(fmt::format_string<Args...> format, Args&&... args) {
    fmt::format_to(std::back_inserter(buffer_), format, std::forward<Args>(args)...);
    buffer_.push_back('\n');
    if (buffer_.size() >= kPiece) flush();
  }
  bool flush() {
    if (ok_ && buffer_.size() > 0) ok_ = sink_(std::string_view(buffer_.data(), buffer_.size()));
    buffer_.clear();
    return ok_;
  }
  bool ok() const { return ok_; }

 private:
  const ContentSink& sink_;
  fmt::memory_buffer buffer_;
  bool ok_ = true;
};

class Writer {
 public:
  Writer(const RunOutcome& run, Out& out)
      : run_(run), m_(*run.metrics), s_(m_.labelled_series()), out_(out), epoch_(run.experiment->report.metrics_epoch_s) {
    seconds_ = m_.timeline().size();
  }

  void write() {
    requests();
    request_durations();
    dependency_counters();
    dependency_durations();
    breaker_states();
    gauges();
    fault_gauges();
    out_.line("# EOF");
  }

 private:
  Duration stamp_of(std::size_t r) const { return openmetrics_sample_at(run_, r); }
  // Formatted for each line: no per-record table, so memory stays flat however long the run.
  std::string ts(std::size_t r) const { return openmetrics_timestamp(epoch_, stamp_of(r)); }

  std::string endpoint_label(std::size_t e) const {
    const auto& names = m_.layout().endpoints;
    return openmetrics_label_value(e < names.size() ? names[e] : "");
  }
  std::string dependency_labels(std::size_t d) const {
    const auto& names = m_.layout().dependencies;
    const auto& deps = run_.experiment->dependencies;
    const std::string type = d < deps.size() ? deps[d].type : "";
    return fmt::format("dependency=\"{}\",type=\"{}\"", openmetrics_label_value(names[d]), openmetrics_label_value(type));
  }

  void requests() {
    out_.line("# TYPE http_requests counter");
    out_.line(
        "# HELP http_requests Requests answered, by endpoint and status (499: the client's own timeout; 0: no answer by "
        "the drain's end).");
    const auto& statuses = s_.statuses();
    for (std::size_t e = 0; e < s_.endpoints(); ++e) {
      for (std::size_t k = 0; k < statuses.size(); ++k) {
        if (s_.answers_total(e, k) == 0) continue;
        const std::string status =
            statuses[k] == sim::LabelledSeries::kOtherStatus ? "other" : std::to_string(statuses[k]);
        const std::string labels = fmt::format("endpoint=\"{}\",status=\"{}\"", endpoint_label(e), status);
        std::uint64_t total = 0;
        for (std::size_t r = 0; r < s_.records(); ++r) {
          total += s_.answers(r, e, k);
          out_.line("http_requests_total{{{}}} {} {}", labels, total, ts(r));
        }
      }
    }
  }

  // One histogram point per record: cumulative buckets, count, sum.
  template <typename BucketOf, typename SumOf>
  void histogram(std::string_view name, const std::string& labels, BucketOf bucket_of, SumOf sum_of) {
    std::array<std::uint64_t, sim::LabelledSeries::kBuckets> cumulative{};
    std::uint64_t sum = 0;
    for (std::size_t r = 0; r < s_.records(); ++r) {
      std::uint64_t below = 0;
      for (std::size_t b = 0; b < sim::LabelledSeries::kBuckets; ++b) {
        cumulative[b] += bucket_of(r, b);
        below += cumulative[b];
        out_.line("{}_bucket{{{},le=\"{}\"}} {} {}", name, labels, kLe[b], below, ts(r));
      }
      sum += sum_of(r);
      out_.line("{}_count{{{}}} {} {}", name, labels, below, ts(r));
      out_.line("{}_sum{{{}}} {} {}", name, labels, seconds_text(sum), ts(r));
    }
  }

  void request_durations() {
    out_.line("# TYPE http_request_duration_seconds histogram");
    out_.line("# UNIT http_request_duration_seconds seconds");
    out_.line("# HELP http_request_duration_seconds Latency of the requests answered, as their clients saw it.");
    for (std::size_t e = 0; e < s_.endpoints(); ++e) {
      const std::string labels = fmt::format("endpoint=\"{}\"", endpoint_label(e));
      histogram(
          "http_request_duration_seconds", labels, [&](std::size_t r, std::size_t b) { return s_.request_bucket(r, e, b); },
          [&](std::size_t r) { return s_.request_latency_sum(r, e); });
    }
  }

  void dependency_counters() {
    using F = sim::LabelledSeries::DependencyOffsets;
    struct Family {
      std::string_view name;
      std::string_view help;
      std::size_t field;
    };
    static constexpr Family kFamilies[] = {
        {"dependency_calls", "Calls that reached the dependency, retries included.", F::kCalls},
        {"dependency_errors", "Calls answered with an error, refused, or rejected by the dependency's queue.", F::kErrors},
        {"dependency_timeouts", "Calls abandoned by the caller's timeout.", F::kTimeouts},
    };
    for (const Family& f : kFamilies) {
      out_.line("# TYPE {} counter", f.name);
      out_.line("# HELP {} {}", f.name, f.help);
      for (std::size_t d = 0; d < s_.dependencies(); ++d) {
        const std::string labels = dependency_labels(d);
        std::uint64_t total = 0;
        for (std::size_t r = 0; r < s_.records(); ++r) {
          total += s_.dependency_field(r, d, f.field);
          out_.line("{}_total{{{}}} {} {}", f.name, labels, total, ts(r));
        }
      }
    }
  }

  void dependency_durations() {
    out_.line("# TYPE dependency_call_duration_seconds histogram");
    out_.line("# UNIT dependency_call_duration_seconds seconds");
    out_.line("# HELP dependency_call_duration_seconds Latency of the dependency's answers, as the caller saw it.");
    using F = sim::LabelledSeries::DependencyOffsets;
    for (std::size_t d = 0; d < s_.dependencies(); ++d) {
      histogram(
          "dependency_call_duration_seconds", dependency_labels(d),
          [&](std::size_t r, std::size_t b) { return s_.dependency_field(r, d, F::kBuckets + b); },
          [&](std::size_t r) { return s_.dependency_latency_sum(r, d); });
    }
  }

  void breaker_states() {
    out_.line("# TYPE circuit_breaker_state gauge");
    out_.line("# HELP circuit_breaker_state State at the end of each second: 0 CLOSED, 1 HALF_OPEN, 2 OPEN.");
    const auto& names = m_.layout().breakers;
    const auto& types = m_.layout().breaker_types;
    for (std::size_t b = 0; b < names.size(); ++b) {
      const std::string labels = fmt::format("name=\"{}\",type=\"{}\"", openmetrics_label_value(names[b]),
                                             openmetrics_label_value(b < types.size() ? types[b] : ""));
      for (std::size_t r = 0; r < seconds_; ++r) {
        out_.line("circuit_breaker_state{{{}}} {} {}", labels, static_cast<int>(m_.breaker_state(r, b)), ts(r));
      }
    }
  }

  void gauges() {
    struct Gauge {
      std::string_view name;
      std::string_view help;
      std::uint32_t sim::TimelineRow::*field;
    };
    static constexpr Gauge kGauges[] = {
        {"http_requests_in_flight", "Requests issued and not yet answered, at the end of each second.",
         &sim::TimelineRow::in_flight},
        {"api_workers_busy", "API workers busy at the end of each second.", &sim::TimelineRow::busy_workers},
        {"api_queue_length", "Requests waiting in the API's queue at the end of each second.", &sim::TimelineRow::queued},
    };
    const auto& rows = m_.timeline();
    for (const Gauge& g : kGauges) {
      out_.line("# TYPE {} gauge", g.name);
      out_.line("# HELP {} {}", g.name, g.help);
      for (std::size_t r = 0; r < seconds_; ++r) out_.line("{} {} {}", g.name, rows[r].*g.field, ts(r));
    }
  }

  void fault_gauges() {
    out_.line("# TYPE faultline_fault_active gauge");
    out_.line("# HELP faultline_fault_active 1 when the fault was active at some point of the second, else 0.");
    const auto& labels = m_.layout().faults;
    const auto& rows = m_.timeline();
    for (std::size_t f = 0; f < labels.size() && f < 64; ++f) {
      const std::string l = fmt::format("fault=\"{}\",index=\"{}\"", openmetrics_label_value(labels[f]), f);
      for (std::size_t r = 0; r < seconds_; ++r) {
        out_.line("faultline_fault_active{{{}}} {} {}", l, (rows[r].active_faults >> f) & 1u, ts(r));
      }
    }
  }

  const RunOutcome& run_;
  const sim::Metrics& m_;
  const sim::LabelledSeries& s_;
  Out& out_;
  std::int64_t epoch_;
  std::size_t seconds_ = 0;
};

bool write_openmetrics(const RunOutcome& run, const ContentSink& sink) {
  Out out(sink);
  Writer(run, out).write();
  return out.flush();
}

}  // namespace

std::string openmetrics_label_value(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

Duration openmetrics_sample_at(const RunOutcome& run, std::size_t r) {
  const std::size_t seconds = run.metrics->timeline().size();
  if (r < seconds) {
    Duration at = std::chrono::seconds(r + 1);
    if (r + 1 == seconds && run.end > std::chrono::seconds(r) && run.end < at) at = run.end;
    return at;
  }
  const Duration last = seconds == 0 ? Duration{} : openmetrics_sample_at(run, seconds - 1);
  Duration at = std::chrono::ceil<std::chrono::seconds>(run.metrics->labelled_series().drain_end());
  if (at <= last) at = std::chrono::floor<std::chrono::seconds>(last) + std::chrono::seconds(1);
  return at;
}

std::string openmetrics_timestamp(std::int64_t epoch_s, Duration at) {
  return seconds_text(static_cast<std::uint64_t>(epoch_s) * kNanosPerSecond + static_cast<std::uint64_t>(at.count()));
}

std::string openmetrics_text(const RunOutcome& run) {
  std::string text;
  write_openmetrics(run, [&text](std::string_view piece) {
    text.append(piece);
    return true;
  });
  return text;
}

ContentWriter openmetrics_writer(const RunOutcome& run) {
  return [&run](const ContentSink& sink) { return write_openmetrics(run, sink); };
}

}  // namespace faultline::monitoring

#include "monitoring/promql_series.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>

#include "monitoring/openmetrics_writer.h"

namespace faultline::monitoring::promql {

namespace {

constexpr std::uint64_t kStaleBits = 0x7ff0000000000002ULL;  // Prometheus's value.StaleNaN
constexpr double kNanosPerSecond = 1e9;

// The `le` values metrics.om writes (monitoring/openmetrics_writer.cpp's kLe).
constexpr std::array<const char*, sim::LabelledSeries::kBuckets> kLe = {
    "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1.0", "2.5", "5.0", "10.0", "+Inf"};

Labels make_labels(std::string name, Labels rest) {
  rest.emplace_back(kMetricName, std::move(name));
  std::sort(rest.begin(), rest.end());
  return rest;
}

// Builds the run's families in metrics.om's order, each only when wanted.
class Builder {
 public:
  Builder(const RunOutcome& run, const std::function<bool(const std::string&)>& wanted, std::vector<Series>* out)
      : run_(run), m_(*run.metrics), s_(m_.labelled_series()), wanted_(wanted), out_(out) {
    seconds_ = m_.timeline().size();
    grid_ = std::make_shared<std::vector<std::int64_t>>();
    for (std::size_t r = 0; r < s_.records() || r < seconds_; ++r) {
      grid_->push_back(std::chrono::floor<std::chrono::milliseconds>(openmetrics_sample_at(run, r)).count());
    }
  }

  std::int64_t last() const { return grid_->empty() ? -1 : grid_->back(); }

  void build() {
    requests();
    histogram_family("http_request_duration_seconds", s_.endpoints(),
                     [&](std::size_t e) { return Labels{{"endpoint", endpoint_name(e)}}; },
                     [&](std::size_t r, std::size_t e, std::size_t b) { return s_.request_bucket(r, e, b); },
                     [&](std::size_t r, std::size_t e) { return s_.request_latency_sum(r, e); });
    dependency_counters();
    using F = sim::LabelledSeries::DependencyOffsets;
    histogram_family("dependency_call_duration_seconds", s_.dependencies(),
                     [&](std::size_t d) { return dependency_labels(d); },
                     [&](std::size_t r, std::size_t d, std::size_t b) { return s_.dependency_field(r, d, F::kBuckets + b); },
                     [&](std::size_t r, std::size_t d) { return s_.dependency_latency_sum(r, d); });
    breakers();
    gauges();
    faults();
  }

 private:
  bool want(const std::string& name) const { return wanted_(name); }
  void push(std::string name, Labels labels, std::vector<double> values) {
    out_->push_back(Series{make_labels(std::move(name), std::move(labels)), grid_, std::move(values)});
  }
  std::string endpoint_name(std::size_t e) const {
    const auto& names = m_.layout().endpoints;
    return e < names.size() ? names[e] : "";
  }
  Labels dependency_labels(std::size_t d) const {
    const auto& deps = run_.experiment->dependencies;
    return {{"dependency", m_.layout().dependencies[d]}, {"type", d < deps.size() ? deps[d].type : ""}};
  }

  void requests() {
    if (!want("http_requests_total")) return;
    const auto& statuses = s_.statuses();
    for (std::size_t e = 0; e < s_.endpoints(); ++e) {
      for (std::size_t k = 0; k < statuses.size(); ++k) {
        if (s_.answers_total(e, k) == 0) continue;  // as metrics.om: no series for a status never given
        const std::string status =
            statuses[k] == sim::LabelledSeries::kOtherStatus ? "other" : std::to_string(statuses[k]);
        std::vector<double> v;
        v.reserve(s_.records());
        std::uint64_t total = 0;
        for (std::size_t r = 0; r < s_.records(); ++r) {
          total += s_.answers(r, e, k);
          v.push_back(static_cast<double>(total));
        }
        push("http_requests_total", {{"endpoint", endpoint_name(e)}, {"status", status}}, std::move(v));
      }
    }
  }

  template <typename LabelsOf, typename BucketOf, typename SumOf>
  void histogram_family(const std::string& name, std::size_t n, LabelsOf labels_of, BucketOf bucket_of, SumOf sum_of) {
    const bool buckets = want(name + "_bucket"), count = want(name + "_count"), sum = want(name + "_sum");
    if (!buckets && !count && !sum) return;
    constexpr std::size_t kB = sim::LabelledSeries::kBuckets;
    for (std::size_t i = 0; i < n; ++i) {
      std::array<std::vector<double>, kB> bucket_values;
      std::vector<double> count_values, sum_values;
      std::array<std::uint64_t, kB> cumulative{};
      std::uint64_t total_sum = 0;
      for (std::size_t r = 0; r < s_.records(); ++r) {
        std::uint64_t below = 0;
        for (std::size_t b = 0; b < kB; ++b) {
          cumulative[b] += bucket_of(r, i, b);
          below += cumulative[b];
          if (buckets) bucket_values[b].push_back(static_cast<double>(below));
        }
        total_sum += sum_of(r, i);
        if (count) count_values.push_back(static_cast<double>(below));
        // metrics.om writes the exact decimal of the nanoseconds; its nearest double is this.
        if (sum) sum_values.push_back(static_cast<double>(total_sum) / kNanosPerSecond);
      }
      const Labels base = labels_of(i);
      if (buckets) {
        for (std::size_t b = 0; b < kB; ++b) {
          Labels l = base;
          l.emplace_back("le", kLe[b]);
          push(name + "_bucket", std::move(l), std::move(bucket_values[b]));
        }
      }
      if (count) push(name + "_count", base, std::move(count_values));
      if (sum) push(name + "_sum", base, std::move(sum_values));
    }
  }

  void dependency_counters() {
    using F = sim::LabelledSeries::DependencyOffsets;
    const std::pair<const char*, std::size_t> kFamilies[] = {
        {"dependency_calls_total", F::kCalls}, {"dependency_errors_total", F::kErrors}, {"dependency_timeouts_total", F::kTimeouts}};
    for (const auto& [name, field] : kFamilies) {
      if (!want(name)) continue;
      for (std::size_t d = 0; d < s_.dependencies(); ++d) {
        std::vector<double> v;
        std::uint64_t total = 0;
        for (std::size_t r = 0; r < s_.records(); ++r) {
          total += s_.dependency_field(r, d, field);
          v.push_back(static_cast<double>(total));
        }
        push(name, dependency_labels(d), std::move(v));
      }
    }
  }

  void breakers() {
    if (!want("circuit_breaker_state")) return;
    const auto& names = m_.layout().breakers;
    const auto& types = m_.layout().breaker_types;
    for (std::size_t b = 0; b < names.size(); ++b) {
      std::vector<double> v;
      for (std::size_t r = 0; r < seconds_; ++r) v.push_back(static_cast<int>(m_.breaker_state(r, b)));
      push("circuit_breaker_state", {{"name", names[b]}, {"type", b < types.size() ? types[b] : ""}}, std::move(v));
    }
  }

  void gauges() {
    const std::pair<const char*, std::uint32_t sim::TimelineRow::*> kGauges[] = {
        {"http_requests_in_flight", &sim::TimelineRow::in_flight},
        {"api_workers_busy", &sim::TimelineRow::busy_workers},
        {"api_queue_length", &sim::TimelineRow::queued}};
    const auto& rows = m_.timeline();
    for (const auto& [name, field] : kGauges) {
      if (!want(name)) continue;
      std::vector<double> v;
      for (std::size_t r = 0; r < seconds_; ++r) v.push_back(rows[r].*field);
      push(name, {}, std::move(v));
    }
  }

  void faults() {
    if (!want("faultline_fault_active")) return;
    const auto& labels = m_.layout().faults;
    const auto& rows = m_.timeline();
    for (std::size_t f = 0; f < labels.size() && f < 64; ++f) {
      std::vector<double> v;
      for (std::size_t r = 0; r < seconds_; ++r) v.push_back(static_cast<double>((rows[r].active_faults >> f) & 1u));
      push("faultline_fault_active", {{"fault", labels[f]}, {"index", std::to_string(f)}}, std::move(v));
    }
  }

  const RunOutcome& run_;
  const sim::Metrics& m_;
  const sim::LabelledSeries& s_;
  const std::function<bool(const std::string&)>& wanted_;
  std::vector<Series>* out_;
  std::size_t seconds_ = 0;
  std::shared_ptr<std::vector<std::int64_t>> grid_;
};

}  // namespace

double stale_marker() { return std::bit_cast<double>(kStaleBits); }
bool is_stale_marker(double v) { return std::bit_cast<std::uint64_t>(v) == kStaleBits; }

bool labels_less(const Labels& a, const Labels& b) {
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end());
}

const std::string& label_value(const Labels& labels, const std::string& name) {
  static const std::string kEmpty;
  for (const auto& [n, v] : labels) {
    if (n == name) return v;
  }
  return kEmpty;
}

SeriesStore SeriesStore::from_run(const RunOutcome& run, const std::function<bool(const std::string&)>& wanted) {
  SeriesStore store;
  Builder b(run, wanted, &store.series_);
  b.build();
  store.last_run_sample_ = b.last();
  std::sort(store.series_.begin(), store.series_.end(),
            [](const Series& x, const Series& y) { return labels_less(x.labels, y.labels); });
  return store;
}

void SeriesStore::add(Labels labels, std::vector<std::int64_t> times, std::vector<double> values) {
  std::sort(labels.begin(), labels.end());
  for (std::int64_t t : times) last_run_sample_ = std::max(last_run_sample_, t);
  series_.push_back(Series{std::move(labels), std::make_shared<std::vector<std::int64_t>>(std::move(times)), std::move(values)});
  std::sort(series_.begin(), series_.end(), [](const Series& x, const Series& y) { return labels_less(x.labels, y.labels); });
}

void SeriesStore::append(const Labels& labels, std::int64_t t, double v) {
  const auto it = std::lower_bound(series_.begin(), series_.end(), labels,
                                   [](const Series& s, const Labels& l) { return labels_less(s.labels, l); });
  if (it != series_.end() && it->labels == labels) {
    it->times->push_back(t);
    it->values.push_back(v);
    return;
  }
  series_.insert(it, Series{labels, std::make_shared<std::vector<std::int64_t>>(1, t), std::vector<double>(1, v)});
}

}  // namespace faultline::monitoring::promql

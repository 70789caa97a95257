// LabelledSeries: the per-second counts behind metrics.om (monitoring/openmetrics_writer.h) —
// answers by (endpoint, status), request latency in fixed Prometheus buckets per endpoint, and
// per dependency its calls, errors, timeouts and latency buckets. Each virtual second's counts
// are one fixed-size record spilled to disk (SpilledVector), so a day-long run costs the same
// memory as a minute; the cumulative values a Prometheus counter shows are summed by the
// writer as it reads the records in order.
//
//   LabelledSeries s(LabelledSeriesLayout{.endpoints = 2, .statuses = {200}, .dependencies = 1});
//   s.on_request(/*endpoint=*/0, 200, millis(12));
//   s.close_second();                          // with the timeline's row
//
// Recording is O(1) with no allocation; single-threaded (the event loop's thread).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "resilience/clock.h"
#include "sim/spilled_vector.h"

namespace faultline::sim {

struct LabelledSeriesLayout {
  std::size_t endpoints = 1;      // at least one (an unnamed endpoint when the run has none)
  std::vector<int> statuses;      // statuses the run can give besides the fixed set below
  std::size_t dependencies = 0;
};

class LabelledSeries {
 public:
  // Upper bounds of the latency buckets (Prometheus client libraries' defaults, in seconds:
  // .005 .01 .025 .05 .1 .25 .5 1 2.5 5 10), then +Inf. Fixed, so that a rule or dashboard
  // written for a real service's histogram reads this one unchanged.
  static constexpr std::size_t kBounds = 11;
  static constexpr std::size_t kBuckets = kBounds + 1;  // the last one: above 10 s (+Inf)
  static constexpr std::array<std::int64_t, kBounds> kBoundNanos = {
      5'000'000, 10'000'000, 25'000'000, 50'000'000, 100'000'000, 250'000'000,
      500'000'000, 1'000'000'000, 2'500'000'000, 5'000'000'000, 10'000'000'000};
  // Statuses every run can give (contract "Statuses"): no answer, 200, 429, 499, 500, 502-504.
  static constexpr std::array<int, 8> kFixedStatuses = {0, 200, 429, 499, 500, 502, 503, 504};
  // A status below 0 or above 999, or not named by the layout, is counted under this slot's
  // label "other" (a bug in the models if it ever shows).
  static constexpr int kOtherStatus = -1;

  // Positions inside one second's count record.
  struct DependencyOffsets {
    static constexpr std::size_t kCalls = 0, kErrors = 1, kTimeouts = 2, kBuckets = 3;
    static constexpr std::size_t kStride = 3 + LabelledSeries::kBuckets;
  };

  explicit LabelledSeries(const LabelledSeriesLayout& layout);

  // --- recording (hot path) ---
  void on_request(std::size_t endpoint, int status, Duration latency) {
    std::uint32_t* e = current_.data() + endpoint * endpoint_stride_;
    ++e[slot_of(status)];
    ++e[statuses_.size() + bucket_of(latency)];
    sums_current_[endpoint] += static_cast<std::uint64_t>(latency.count());
  }
  void on_dependency_call(std::size_t dep) { ++dependency(dep)[DependencyOffsets::kCalls]; }
  void on_dependency_timeout(std::size_t dep) { ++dependency(dep)[DependencyOffsets::kTimeouts]; }
  void on_dependency_answer(std::size_t dep, Duration latency, bool ok) {
    std::uint32_t* d = dependency(dep);
    if (!ok) ++d[DependencyOffsets::kErrors];
    ++d[DependencyOffsets::kBuckets + bucket_of(latency)];
    sums_current_[endpoints_ + dep] += static_cast<std::uint64_t>(latency.count());
  }
  // Stores the second's record and starts the next one.
  void close_second();
  // After the run's last second (the drain, and requests failed for no answer): stores what was
  // counted since as one more record, ended at `at`, when anything was counted.
  void close_drain(Instant at);

  // --- reading ---
  std::size_t endpoints() const { return endpoints_; }
  std::size_t dependencies() const { return dependencies_; }
  // The statuses of the per-endpoint slots, ascending; kOtherStatus last.
  const std::vector<int>& statuses() const { return statuses_; }
  // Records stored: the run's seconds, plus one when the drain counted anything.
  std::size_t records() const { return sums_.size() / sum_stride(); }
  bool has_drain_record() const { return drain_end_.has_value(); }
  Instant drain_end() const { return drain_end_.value_or(Instant{}); }
  // Answers of record r for endpoint e with status slot k.
  std::uint32_t answers(std::size_t r, std::size_t e, std::size_t k) const {
    return counts_[r * record_stride_ + e * endpoint_stride_ + k];
  }
  // Request latencies of record r for endpoint e in bucket b (not cumulative).
  std::uint32_t request_bucket(std::size_t r, std::size_t e, std::size_t b) const {
    return counts_[r * record_stride_ + e * endpoint_stride_ + statuses_.size() + b];
  }
  // Sum of the latencies of record r, in ns, for endpoint e.
  std::uint64_t request_latency_sum(std::size_t r, std::size_t e) const { return sums_[r * sum_stride() + e]; }
  // Field `field` (DependencyOffsets) of dependency d in record r.
  std::uint32_t dependency_field(std::size_t r, std::size_t d, std::size_t field) const {
    return counts_[r * record_stride_ + endpoints_ * endpoint_stride_ + d * DependencyOffsets::kStride + field];
  }
  std::uint64_t dependency_latency_sum(std::size_t r, std::size_t d) const {
    return sums_[r * sum_stride() + endpoints_ + d];
  }
  // Answers over the whole run for endpoint e with status slot k (every record).
  std::uint64_t answers_total(std::size_t e, std::size_t k) const { return answer_totals_[e * statuses_.size() + k]; }

 private:
  std::size_t slot_of(int status) const {
    return status >= 0 && status < static_cast<int>(kStatusTable) ? slot_by_status_[status] : other_slot_;
  }
  static std::size_t bucket_of(Duration latency) {
    std::size_t b = 0;
    while (b < kBounds && latency.count() > kBoundNanos[b]) ++b;
    return b;
  }
  std::uint32_t* dependency(std::size_t dep) {
    return current_.data() + endpoints_ * endpoint_stride_ + dep * DependencyOffsets::kStride;
  }
  std::size_t sum_stride() const { return endpoints_ + dependencies_; }
  void store_current();

  static constexpr std::size_t kStatusTable = 1000;
  std::size_t endpoints_;
  std::size_t dependencies_;
  std::vector<int> statuses_;
  std::array<std::uint8_t, kStatusTable> slot_by_status_{};
  std::size_t other_slot_ = 0;
  std::size_t endpoint_stride_ = 0;  // statuses, then kBuckets
  std::size_t record_stride_ = 0;
  std::vector<std::uint32_t> current_;       // the second being counted
  std::vector<std::uint64_t> sums_current_;  // per endpoint, then per dependency
  std::vector<std::uint64_t> answer_totals_;
  SpilledVector<std::uint32_t> counts_;
  SpilledVector<std::uint64_t> sums_;
  std::optional<Instant> drain_end_;
};

}  // namespace faultline::sim

// LatencyHistogram: log-linear latency buckets over int64 nanoseconds (HdrHistogram's layout),
// with quantiles never below the exact sample quantile and within 0.78% above it, in fixed
// memory.
//
//   LatencyHistogram h;  h.record(millis(12));  h.record_ns(830'000);
//   Duration p99 = h.quantile(0.99);   // h.mean_ms(), h.min() and h.max() are exact
//
// Not thread-safe (a value type).
#pragma once

#include <algorithm>
#include <bit>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "resilience/clock.h"

namespace faultline::sim {

// Values below 2 * 2^kSubBucketBits ns are counted exactly; above, each power of two is split
// into 2^kSubBucketBits buckets, so a bucket is at most 2^-kSubBucketBits of its values wide.
// A quantile is reported as its bucket's upper edge (conservative: never below the true
// sample quantile) and at most 2^-kSubBucketBits above it: 0.78% for 7 bits
// (LatencyHistogram), 3.1% for 5 bits (CoarseLatencyHistogram). Counters live in
// (64 - kSubBucketBits) * 2^kSubBucketBits buckets (58 KB for 7 bits, 15 KB for 5), allocated
// at the first record: an empty histogram owns no memory.
template <int kSubBucketBits>
class BasicLatencyHistogram {
 public:
  static constexpr int kSubBuckets = 1 << kSubBucketBits;
  static constexpr int kBucketCount = (64 - kSubBucketBits) * kSubBuckets;
  // quantile(q) lies in [exact q-quantile, exact q-quantile * (1 + kRelativeError)].
  static constexpr double kRelativeError = 1.0 / kSubBuckets;

  // Records one value; a negative one is a bug (asserts) and counts as 0.
  void record(Duration d) { record_ns(d.count()); }
  void record_ns(std::int64_t ns) {
    assert(ns >= 0);
    if (ns < 0) ns = 0;
    if (counts_.empty()) counts_.resize(kBucketCount);
    const int b = bucket_of(ns);
    ++counts_[b];
    if (count_ == 0 || ns < min_) min_ = ns;
    if (count_ == 0 || ns > max_) max_ = ns;
    if (b < lo_) lo_ = b;
    if (b > hi_) hi_ = b;
    ++count_;
    sum_ns_ += static_cast<std::uint64_t>(ns);
  }

  std::uint64_t count() const { return count_; }
  // Exact smallest and largest values recorded; 0 when empty (see subtract()).
  Duration min() const { return Duration(count_ == 0 ? 0 : min_); }
  Duration max() const { return Duration(count_ == 0 ? 0 : max_); }
  // Exact mean in ms; 0 when empty.
  double mean_ms() const;
  // The smallest recorded value v with at least ceil(q * count) values <= v (q in [0, 1]),
  // as its bucket's upper edge clamped to [min, max]: never below the exact sample quantile,
  // exact for q = 0, q = 1 and small values.
  // 0 when empty.
  Duration quantile(double q) const;
  // quantile(qs[i]) into out[i] for n quantiles in ascending order, in one walk of the buckets.
  void quantiles(const double* qs, std::size_t n, Duration* out) const;

  // Adds every value of `other`.
  void merge(const BasicLatencyHistogram& other);
  // Removes the values of `other`, which must all have been recorded here (sliding windows).
  // min() and max() then become the bounds of the remaining buckets (within one bucket).
  void subtract(const BasicLatencyHistogram& other);
  // Forgets every value; costs the range of buckets touched, keeps the memory.
  void clear();

  // The bucket of a value, and the smallest and largest values of a bucket (for tests).
  static int bucket_of(std::int64_t ns) {
    // The top kSubBucketBits + 1 significant bits select the bucket: bit operations, no log().
    const auto v = static_cast<std::uint64_t>(ns);
    const int shift = std::max(0, static_cast<int>(std::bit_width(v)) - (kSubBucketBits + 1));
    return shift * kSubBuckets + static_cast<int>(v >> shift);
  }
  static std::int64_t bucket_low(int bucket);
  static std::int64_t bucket_high(int bucket);

 private:
  void trim_range();

  std::vector<std::uint64_t> counts_;  // kBucketCount once used
  std::uint64_t count_ = 0;
  // Exact: a uint64 of ns overflows at 584 years of summed latency (2e8 answers of 90 s).
  unsigned __int128 sum_ns_ = 0;
  std::int64_t min_ = 0;
  std::int64_t max_ = 0;
  int lo_ = kBucketCount;  // every non-zero counter lies in [lo_, hi_]
  int hi_ = -1;
};

extern template class BasicLatencyHistogram<7>;
extern template class BasicLatencyHistogram<5>;

// The default: 128 buckets per power of two, quantiles at most 0.78% above the truth.
using LatencyHistogram = BasicLatencyHistogram<7>;
// For many short windows (per-second rings): 32 buckets per power of two, within 3.1%.
using CoarseLatencyHistogram = BasicLatencyHistogram<5>;

}  // namespace faultline::sim

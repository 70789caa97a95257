#include "sim/histogram.h"

#include <cmath>

namespace faultline::sim {

template <int kBits>
std::int64_t BasicLatencyHistogram<kBits>::bucket_low(int bucket) {
  const int shift = std::max(0, bucket / kSubBuckets - 1);
  return static_cast<std::int64_t>(bucket - shift * kSubBuckets) << shift;
}

template <int kBits>
std::int64_t BasicLatencyHistogram<kBits>::bucket_high(int bucket) {
  const int shift = std::max(0, bucket / kSubBuckets - 1);
  return bucket_low(bucket) + ((std::int64_t{1} << shift) - 1);
}

template <int kBits>
double BasicLatencyHistogram<kBits>::mean_ms() const {
  if (count_ == 0) return 0;
  return static_cast<double>(sum_ns_) / static_cast<double>(count_) / 1e6;
}

template <int kBits>
Duration BasicLatencyHistogram<kBits>::quantile(double q) const {
  if (count_ == 0) return Duration::zero();
  assert(q >= 0 && q <= 1);
  const double wanted = std::ceil(q * static_cast<double>(count_));
  const std::uint64_t rank = wanted <= 1 ? 1 : std::min(count_, static_cast<std::uint64_t>(wanted));
  if (rank == 1) return min();
  if (rank == count_) return max();
  std::uint64_t seen = 0;
  for (int b = lo_; b <= hi_; ++b) {
    seen += counts_[b];
    if (seen >= rank) {
      // The bucket's upper edge (HdrHistogram's highestEquivalentValue): never below the
      // true sample quantile, which lies in this bucket; the exact max bounds it above.
      return Duration(std::clamp(bucket_high(b), min_, max_));
    }
  }
  return max();
}

template <int kBits>
void BasicLatencyHistogram<kBits>::quantiles(const double* qs, std::size_t n, Duration* out) const {
  // quantile()'s rule for each q; ranks grow with q, so the walk resumes where the last stopped.
  std::uint64_t before = 0;  // values in the buckets below b
  int b = lo_;
  for (std::size_t i = 0; i < n; ++i) {
    if (count_ == 0) {
      out[i] = Duration::zero();
      continue;
    }
    assert(qs[i] >= 0 && qs[i] <= 1 && (i == 0 || qs[i] >= qs[i - 1]));
    const double wanted = std::ceil(qs[i] * static_cast<double>(count_));
    const std::uint64_t rank = wanted <= 1 ? 1 : std::min(count_, static_cast<std::uint64_t>(wanted));
    if (rank == 1) {
      out[i] = min();
      continue;
    }
    if (rank == count_) {
      out[i] = max();
      continue;
    }
    while (b <= hi_ && before + counts_[b] < rank) before += counts_[b++];
    if (b > hi_) {
      out[i] = max();
      continue;
    }
    out[i] = Duration(std::clamp(bucket_high(b), min_, max_));
  }
}

template <int kBits>
void BasicLatencyHistogram<kBits>::merge(const BasicLatencyHistogram& other) {
  if (other.count_ == 0) return;
  if (counts_.empty()) counts_.resize(kBucketCount);
  for (int b = other.lo_; b <= other.hi_; ++b) counts_[b] += other.counts_[b];
  min_ = count_ == 0 ? other.min_ : std::min(min_, other.min_);
  max_ = count_ == 0 ? other.max_ : std::max(max_, other.max_);
  lo_ = std::min(lo_, other.lo_);
  hi_ = std::max(hi_, other.hi_);
  count_ += other.count_;
  sum_ns_ += other.sum_ns_;
}

template <int kBits>
void BasicLatencyHistogram<kBits>::subtract(const BasicLatencyHistogram& other) {
  if (other.count_ == 0) return;
  assert(other.count_ <= count_ && other.sum_ns_ <= sum_ns_);
  assert(other.lo_ >= lo_ && other.hi_ <= hi_);
  for (int b = other.lo_; b <= other.hi_; ++b) {
    assert(counts_[b] >= other.counts_[b]);
    counts_[b] -= other.counts_[b];
  }
  count_ -= other.count_;
  sum_ns_ -= other.sum_ns_;
  if (count_ == 0) {
    clear();
    return;
  }
  trim_range();
  // The exact extremes may have been among the removed values; the remaining buckets bound them.
  min_ = std::max(min_, bucket_low(lo_));
  max_ = std::min(max_, bucket_high(hi_));
}

template <int kBits>
void BasicLatencyHistogram<kBits>::trim_range() {
  while (lo_ <= hi_ && counts_[lo_] == 0) ++lo_;
  while (hi_ >= lo_ && counts_[hi_] == 0) --hi_;
}

template <int kBits>
void BasicLatencyHistogram<kBits>::clear() {
  for (int b = lo_; b <= hi_; ++b) counts_[b] = 0;
  lo_ = kBucketCount;
  hi_ = -1;
  count_ = 0;
  sum_ns_ = 0;
  min_ = 0;
  max_ = 0;
}

template class BasicLatencyHistogram<7>;
template class BasicLatencyHistogram<5>;

}  // namespace faultline::sim

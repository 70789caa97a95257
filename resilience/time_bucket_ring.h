// TimeBucketRing<T>: a sum over a sliding time window, kept in a fixed ring of time buckets
// (the circuit breaker's failure window, the retry budget's balance).
//
//   TimeBucketRing<std::int64_t> ring(std::chrono::seconds(10), 10);
//   ring.add(now, 1);  std::int64_t in_window = ring.total(now);
//
// Bucket i covers [i*width, (i+1)*width) with width = window / buckets; at instant `now` the
// window is the current bucket and the buckets-1 before it, so an entry counts for between
// window - width and window after it was added. O(1) amortised, no allocation after
// construction. T needs a zero value T{}, += and -=. Single-threaded.
#pragma once

#include <algorithm>
#include <cassert>
#include <cstdint>
#include <vector>

#include "resilience/clock.h"

namespace faultline::resilience {

template <typename T>
class TimeBucketRing {
 public:
  TimeBucketRing(Duration window, int buckets)
      : width_(std::max<std::int64_t>(1, window.count() / std::max(1, buckets))),
        slots_(static_cast<std::size_t>(std::max(1, buckets))) {}

  // Adds `value` to the bucket of `now`. Instants must not decrease between calls.
  void add(Instant now, const T& value) {
    advance(now);
    slots_[slot_of(head_)].value += value;
    total_ += value;
  }

  // Returns the sum over the window ending at `now`, dropping buckets that left it.
  const T& total(Instant now) {
    advance(now);
    return total_;
  }

  // Same sum without dropping anything (for const queries; O(buckets)).
  T total_at(Instant now) const {
    const std::int64_t current = now.count() / width_;
    const auto n = static_cast<std::int64_t>(slots_.size());
    T sum{};
    for (const Slot& s : slots_) {
      if (s.index > current - n && s.index <= current) sum += s.value;
    }
    return sum;
  }

  void clear() {
    for (Slot& s : slots_) s = Slot{};
    total_ = T{};
  }

  Duration bucket_width() const { return Duration(width_); }

 private:
  struct Slot {
    std::int64_t index = 0;  // the bucket number this slot holds
    T value{};
  };

  std::size_t slot_of(std::int64_t index) const {
    return static_cast<std::size_t>(index % static_cast<std::int64_t>(slots_.size()));
  }

  void advance(Instant now) {
    const std::int64_t current = now.count() / width_;
    assert(current >= head_ && "time went backwards");
    if (current <= head_) return;
    const auto n = static_cast<std::int64_t>(slots_.size());
    // Each skipped bucket is cleared once, so the work is bounded by elapsed buckets (and by n).
    for (std::int64_t i = std::max(head_ + 1, current - n + 1); i <= current; ++i) {
      Slot& s = slots_[slot_of(i)];
      total_ -= s.value;
      s.value = T{};
      s.index = i;
    }
    if (current - head_ >= n) total_ = T{};  // every old bucket left the window
    head_ = current;
  }

  std::int64_t width_;
  std::vector<Slot> slots_;
  std::int64_t head_ = 0;
  T total_{};
};

}  // namespace faultline::resilience

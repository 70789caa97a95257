#include "sim/labelled_series.h"

#include <algorithm>
#include <cassert>

namespace faultline::sim {

LabelledSeries::LabelledSeries(const LabelledSeriesLayout& layout)
    : endpoints_(std::max<std::size_t>(1, layout.endpoints)), dependencies_(layout.dependencies) {
  for (int s : kFixedStatuses) statuses_.push_back(s);
  for (int s : layout.statuses) {
    if (s >= 0 && s < static_cast<int>(kStatusTable)) statuses_.push_back(s);
  }
  std::sort(statuses_.begin(), statuses_.end());
  statuses_.erase(std::unique(statuses_.begin(), statuses_.end()), statuses_.end());
  statuses_.push_back(kOtherStatus);
  assert(statuses_.size() < 256 && "a slot index is one byte");
  other_slot_ = statuses_.size() - 1;
  slot_by_status_.fill(static_cast<std::uint8_t>(other_slot_));
  for (std::size_t k = 0; k < other_slot_; ++k) slot_by_status_[statuses_[k]] = static_cast<std::uint8_t>(k);
  endpoint_stride_ = statuses_.size() + kBuckets;
  record_stride_ = endpoints_ * endpoint_stride_ + dependencies_ * DependencyOffsets::kStride;
  current_.assign(record_stride_, 0);
  sums_current_.assign(sum_stride(), 0);
  answer_totals_.assign(endpoints_ * statuses_.size(), 0);
}

void LabelledSeries::store_current() {
  for (std::size_t e = 0; e < endpoints_; ++e) {
    for (std::size_t k = 0; k < statuses_.size(); ++k) answer_totals_[e * statuses_.size() + k] += current_[e * endpoint_stride_ + k];
  }
  for (std::uint32_t c : current_) counts_.push_back(c);
  for (std::uint64_t s : sums_current_) sums_.push_back(s);
  std::fill(current_.begin(), current_.end(), 0);
  std::fill(sums_current_.begin(), sums_current_.end(), 0);
}

void LabelledSeries::close_second() {
  assert(!drain_end_ && "no second after the drain");
  store_current();
}

void LabelledSeries::close_drain(Instant at) {
  assert(!drain_end_ && "one drain");
  const bool any = std::any_of(current_.begin(), current_.end(), [](std::uint32_t c) { return c != 0; });
  if (!any) return;
  drain_end_ = at;
  store_current();
}

}  // namespace faultline::sim

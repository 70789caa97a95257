#include "resilience/bulkhead.h"

#include <algorithm>
#include <utility>

namespace faultline::resilience {
namespace {

Bulkhead::WaitId make_id(std::uint32_t slot, std::uint32_t generation) {
  return (static_cast<std::uint64_t>(generation) << 32) | slot;
}
std::uint32_t slot_of(Bulkhead::WaitId id) { return static_cast<std::uint32_t>(id & 0xffffffffu); }
std::uint32_t generation_of(Bulkhead::WaitId id) { return static_cast<std::uint32_t>(id >> 32); }

}  // namespace

Bulkhead::Bulkhead(Scheduler& scheduler, BulkheadConfig config)
    : scheduler_(scheduler), config_(config), ring_(16) {
  config_.max_concurrent = std::max(0, config_.max_concurrent);
  config_.max_queue = std::max(0, config_.max_queue);
}

Bulkhead::~Bulkhead() {
  for (Waiter& w : waiters_) {
    if (w.live && w.timer != kNoTimer) scheduler_.cancel(w.timer);
  }
}

bool Bulkhead::try_acquire() {
  if (in_use_ < config_.max_concurrent && live_waiters_ == 0) {
    ++in_use_;
    ++counters_.admitted;
    return true;
  }
  ++counters_.rejected;
  return false;
}

Bulkhead::Ticket Bulkhead::acquire(Granted on_result) {
  if (in_use_ < config_.max_concurrent && live_waiters_ == 0) {
    ++in_use_;
    ++counters_.admitted;
    return {Decision::kAdmitted};
  }
  if (live_waiters_ >= config_.max_queue) {
    ++counters_.rejected;
    return {Decision::kRejected};
  }
  const std::uint32_t slot = new_waiter();
  Waiter& w = waiters_[slot];
  w.granted = std::move(on_result);
  w.live = true;
  if (config_.max_wait.has_value()) {
    w.timer = scheduler_.schedule_after(
        *config_.max_wait, [this, slot, g = w.generation] { on_wait_timeout(slot, g); });
  }
  const WaitId id = make_id(slot, w.generation);
  push(id);
  ++live_waiters_;
  ++counters_.queued;
  return {Decision::kQueued, id};
}

void Bulkhead::release() {
  if (in_use_ > 0) --in_use_;
  drop_dead_head();
  if (size_ == 0 || in_use_ >= config_.max_concurrent) return;
  const std::uint32_t slot = slot_of(pop());
  Waiter& w = waiters_[slot];
  if (w.timer != kNoTimer) scheduler_.cancel(w.timer);
  Granted granted = std::move(w.granted);
  free_waiter(slot);
  --live_waiters_;
  ++in_use_;
  ++counters_.admitted;
  granted(true);  // last: it may acquire or release again
}

bool Bulkhead::cancel(WaitId id) {
  if (!is_live(id)) return false;
  const std::uint32_t slot = slot_of(id);
  Waiter& w = waiters_[slot];
  if (w.timer != kNoTimer) scheduler_.cancel(w.timer);
  free_waiter(slot);  // its ring entry stays until it reaches the head (a tombstone)
  --live_waiters_;
  ++counters_.cancelled;
  drop_dead_head();
  return true;
}

void Bulkhead::on_wait_timeout(std::uint32_t slot, std::uint32_t generation) {
  Waiter& w = waiters_[slot];
  if (!w.live || w.generation != generation) return;
  w.timer = kNoTimer;
  Granted granted = std::move(w.granted);
  free_waiter(slot);
  --live_waiters_;
  ++counters_.wait_timeouts;
  drop_dead_head();
  granted(false);
}

std::uint32_t Bulkhead::new_waiter() {
  if (!free_.empty()) {
    const std::uint32_t slot = free_.back();
    free_.pop_back();
    return slot;
  }
  waiters_.emplace_back();
  return static_cast<std::uint32_t>(waiters_.size() - 1);
}

void Bulkhead::free_waiter(std::uint32_t slot) {
  Waiter& w = waiters_[slot];
  w.granted = nullptr;
  w.timer = kNoTimer;
  w.live = false;
  if (++w.generation == 0) w.generation = 1;  // ids are never 0
  free_.push_back(slot);
}

bool Bulkhead::is_live(WaitId id) const {
  const std::uint32_t slot = slot_of(id);
  return slot < waiters_.size() && waiters_[slot].live &&
         waiters_[slot].generation == generation_of(id);
}

// Ring entries of waiters that left (timed out, cancelled) are skipped lazily; with one
// max_wait for all, timeouts leave from the head, so the ring stays as long as the queue.
void Bulkhead::drop_dead_head() {
  while (size_ > 0 && !is_live(ring_[head_])) {
    head_ = (head_ + 1) & (ring_.size() - 1);
    --size_;
  }
}

void Bulkhead::push(WaitId id) {
  if (size_ == ring_.size()) {
    std::vector<WaitId> bigger(ring_.size() * 2);
    for (std::size_t i = 0; i < size_; ++i) bigger[i] = ring_[(head_ + i) & (ring_.size() - 1)];
    ring_.swap(bigger);
    head_ = 0;
  }
  ring_[(head_ + size_) & (ring_.size() - 1)] = id;
  ++size_;
}

Bulkhead::WaitId Bulkhead::pop() {
  const WaitId id = ring_[head_];
  head_ = (head_ + 1) & (ring_.size() - 1);
  --size_;
  return id;
}

}  // namespace faultline::resilience

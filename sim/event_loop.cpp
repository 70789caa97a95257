#include "sim/event_loop.h"

#include <algorithm>
#include <bit>
#include <cassert>
#include <limits>
#include <utility>

namespace faultline::sim {

// Cancellation is lazy: cancel() frees the slot and leaves the heap entry behind, and popping
// skips entries whose seq no longer matches their slot. Compared with an indexed heap (each
// slot knowing its heap position), cancel is O(1) instead of O(log n), entries stay 24 bytes
// and sifting never writes back positions. Timeouts are cancelled far more often than they
// fire, so the dead entries are purged in one O(n) pass whenever they outnumber the live ones:
// the heap stays under 2 * pending() + kCompactMin entries and the purge costs O(1) per cancel.
//
// A TimerId is (low 32 bits of the event's seq) << 32 | (slot + 1): never 0, and a stale id
// matches a reused slot only if 2^32 events were scheduled in between and the seqs collide.
// Heap entries compare the full 64-bit seq, so a dead entry can never run a reused slot.

namespace {

constexpr std::size_t kCompactMin = 1024;
constexpr int kFirstBlockBits = 8;  // 256 callbacks (16 KB) in each of the first two blocks
constexpr std::size_t kArity = 4;

TimerId make_id(std::uint32_t slot, std::uint64_t seq) {
  return ((seq & 0xffffffffULL) << 32) | (static_cast<std::uint64_t>(slot) + 1);
}

}  // namespace

EventLoop::EventLoop() = default;
EventLoop::~EventLoop() = default;

Scheduler::Callback& EventLoop::callback(std::uint32_t slot) {
  // Block 0 holds slots [0, 256); block j >= 1 holds [2^(7+j), 2^(8+j)).
  const int width = static_cast<int>(std::bit_width(slot));
  if (width <= kFirstBlockBits) return blocks_[0][slot];
  return blocks_[width - kFirstBlockBits][slot - (std::uint32_t{1} << (width - 1))];
}

std::uint32_t EventLoop::acquire_slot() {
  if (free_.empty()) {
    // Grow by one block, doubling the pool; reserving free_ for every slot keeps
    // release_slot() from allocating (it may run in a destructor-like path after a callback).
    const std::size_t size = slot_seq_.size();
    const std::size_t add = size == 0 ? std::size_t{1} << kFirstBlockBits : size;
    assert(size + add <= std::numeric_limits<std::uint32_t>::max());
    blocks_.push_back(std::make_unique<Callback[]>(add));
    slot_seq_.resize(size + add, 0);
    free_.reserve(size + add);
    for (std::size_t s = size + add; s > size; --s)
      free_.push_back(static_cast<std::uint32_t>(s - 1));
  }
  const std::uint32_t slot = free_.back();
  free_.pop_back();
  return slot;
}

void EventLoop::release_slot(std::uint32_t slot) {
  callback(slot).reset();
  free_.push_back(slot);
}

TimerId EventLoop::schedule_at(Instant t, Callback cb) {
  assert(t >= now_ && "scheduling in the past");
  return push_event(t < now_ ? now_ : t, cb);
}

TimerId EventLoop::schedule_after(Duration d, Callback cb) {
  Instant t = now_;
  if (d > Duration::zero()) t = d > Instant::max() - now_ ? Instant::max() : now_ + d;
  return push_event(t, cb);
}

// Takes `cb` by reference so that the callback is moved once, into its slot.
TimerId EventLoop::push_event(Instant t, Callback& cb) {
  assert(cb && "scheduling an empty callback");
  const std::uint32_t slot = acquire_slot();
  callback(slot) = std::move(cb);
  const std::uint64_t seq = ++next_seq_;
  slot_seq_[slot] = seq;
  heap_push(Entry{t.count(), seq, slot});
  ++live_;
  return make_id(slot, seq);
}

bool EventLoop::cancel(TimerId id) {
  const std::uint64_t slot_plus_one = id & 0xffffffffULL;
  if (slot_plus_one == 0 || slot_plus_one > slot_seq_.size()) return false;
  const auto slot = static_cast<std::uint32_t>(slot_plus_one - 1);
  const std::uint64_t seq = slot_seq_[slot];
  if (seq == 0 || (seq & 0xffffffffULL) != (id >> 32)) return false;
  slot_seq_[slot] = 0;
  release_slot(slot);
  --live_;
  ++stale_;
  if (stale_ > kCompactMin && stale_ > live_) compact();
  return true;
}

bool EventLoop::run_next(Instant limit) {
  while (!heap_.empty()) {
    const Entry top = heap_.front();
    if (slot_seq_[top.slot] != top.seq) {  // cancelled
      heap_pop();
      --stale_;
      continue;
    }
    if (top.time > limit.count()) return false;
    heap_pop();
    now_ = Instant(top.time);
    slot_seq_[top.slot] = 0;  // its id is stale from now on: cancel() returns false
    --live_;
    ++processed_;
    // The callback runs in place (blocks never move) and its slot is freed afterwards, even if
    // it throws, so that an event it schedules never lands in the slot that is running.
    struct Release {
      EventLoop* loop;
      std::uint32_t slot;
      ~Release() { loop->release_slot(slot); }
    } release{this, top.slot};
    callback(top.slot)();
    return true;
  }
  return false;
}

void EventLoop::run_until(Instant t) {
  stopped_ = false;
  while (!stopped_ && run_next(t)) {
  }
  if (!stopped_ && t > now_) now_ = t;
  stopped_ = false;
}

bool EventLoop::run_one() { return run_next(Instant::max()); }

void EventLoop::run() {
  stopped_ = false;
  while (!stopped_ && run_next(Instant::max())) {
  }
  stopped_ = false;
}

void EventLoop::stop() { stopped_ = true; }

void EventLoop::heap_push(const Entry& e) {
  heap_.push_back(e);
  std::size_t i = heap_.size() - 1;
  while (i > 0) {
    const std::size_t parent = (i - 1) / kArity;
    if (!before(e, heap_[parent])) break;
    heap_[i] = heap_[parent];
    i = parent;
  }
  heap_[i] = e;
}

void EventLoop::heap_pop() {
  const Entry last = heap_.back();
  heap_.pop_back();
  if (!heap_.empty()) sift_down(0, last);
}

// Moves the hole at `i` down to where `e` belongs, then fills it with `e`.
void EventLoop::sift_down(std::size_t i, Entry e) {
  const std::size_t n = heap_.size();
  for (;;) {
    const std::size_t first = kArity * i + 1;
    if (first >= n) break;
    std::size_t best = first;
    if (first + kArity <= n) {
      // A tournament of conditional moves instead of a chain of unpredictable branches.
      const std::size_t a = first + (before(heap_[first + 1], heap_[first]) ? 1 : 0);
      const std::size_t b = first + 2 + (before(heap_[first + 3], heap_[first + 2]) ? 1 : 0);
      best = before(heap_[b], heap_[a]) ? b : a;
    } else {
      for (std::size_t c = first + 1; c < n; ++c) {
        if (before(heap_[c], heap_[best])) best = c;
      }
    }
    if (!before(heap_[best], e)) break;
    heap_[i] = heap_[best];
    i = best;
  }
  heap_[i] = e;
}

void EventLoop::compact() {
  std::erase_if(heap_, [this](const Entry& e) { return slot_seq_[e.slot] != e.seq; });
  stale_ = 0;
  if (heap_.size() < 2) return;
  for (std::size_t i = (heap_.size() - 2) / kArity + 1; i-- > 0;) sift_down(i, heap_[i]);
}

}  // namespace faultline::sim

#include "sim/event_loop.h"

#include <algorithm>
#include <bit>
#include <cassert>
#include <limits>
#include <utility>

namespace faultline::sim {

// Cancellation is lazy: cancel() frees the slot and leaves the entry where it is, and popping
// skips entries whose seq no longer matches their slot. Compared with an indexed heap (each
// slot knowing its heap position), cancel is O(1) instead of O(log n), entries stay 24 bytes
// and sifting never writes back positions. Dead entries are purged in one O(n) pass whenever
// they outnumber the live ones of their container: it stays under twice its live entries plus
// kCompactMin, and the purge costs O(1) per cancel.
//
// Timer lanes. Timeouts are scheduled with a handful of fixed delays (a request timeout, a
// step timeout, a constant overhead, zero) and are nearly all cancelled, so a plain heap holds
// tens of thousands of dead or far-off entries and every operation sifts through them. But
// now() never decreases, so the events scheduled with one delay d are due in scheduling
// order: now() + d is non-decreasing and seq increasing. Such events go to d's lane, a FIFO
// already sorted by (time, seq); only each lane's first event sits in the heap. When the heap
// pops a lane's head, the lane's next live event takes its place (one sift instead of a pop
// and a push), and cancelled events behind the head are dropped without touching the heap.
// The order stays exact: every entry keeps its global seq, each lane's head is its smallest
// (time, seq), and the heap orders those heads with the other events by (time, seq), so
// same-instant FIFO holds across lanes and heap alike. schedule_at() (absolute times) always
// uses the heap. A delay gets a lane once its counter in a direct-mapped table of recent delays
// reaches kLaneAfterHits (another delay landing on the counter restarts it); random draws
// practically never repeat to the nanosecond and stay in the heap. Zero delays have a lane of
// their own that never enters the heap: its events are all due at now() (time cannot move
// past them), so run_next() compares its first one with the heap's root.
//
// A TimerId is (low 32 bits of the event's seq) << 32 | (slot + 1): never 0, and a stale id
// matches a reused slot only if 2^32 events were scheduled in between and the seqs collide.
// Entries compare the full 64-bit seq, so a dead entry can never run a reused slot.

namespace {

constexpr std::size_t kCompactMin = 1024;
constexpr std::size_t kArity = 4;
constexpr std::uint32_t kLaneAfterHits = 4;  // a delay seen this often gets a lane
constexpr std::size_t kMaxLanes = 256;       // each lane costs at most one heap entry
constexpr int kLaneTableBits = 9;            // 512 >= 2 * kMaxLanes: probes stay short
constexpr int kDelayHitsBits = 8;            // 256 counters of recent delays
constexpr std::size_t kFirstRing = 16;

TimerId make_id(std::uint32_t slot, std::uint64_t seq) {
  return ((seq & 0xffffffffULL) << 32) | (static_cast<std::uint64_t>(slot) + 1);
}

}  // namespace

EventLoop::EventLoop()
    : lane_of_delay_(std::size_t{1} << kLaneTableBits),
      delay_hits_(std::size_t{1} << kDelayHitsBits) {}
EventLoop::~EventLoop() = default;

// Doubles the pool, in blocks of a fixed size (a shift and a mask find a callback). free_ has
// room for every slot, so release_slot() never allocates (it may run in a destructor-like path
// after a callback).
[[gnu::noinline]] void EventLoop::grow_slots() {
  const std::size_t size = slots_.size();
  const std::size_t add = size == 0 ? std::size_t{1} << kBlockBits : size;
  assert(size + add <= std::numeric_limits<std::uint32_t>::max());
  for (std::size_t b = 0; b < add >> kBlockBits; ++b) {
    blocks_.push_back(std::make_unique<Callback[]>(std::size_t{1} << kBlockBits));
  }
  slots_.resize(size + add, SlotState{0, 0});
  free_.resize(size + add);
  for (std::size_t s = size + add; s > size; --s)
    free_[free_count_++] = static_cast<std::uint32_t>(s - 1);
}

[[gnu::always_inline]] inline void EventLoop::release_slot(std::uint32_t slot) {
  callback(slot).reset();
  free_[free_count_++] = slot;
}

// Returns k + 1 if `delay` has lane k (creating it once the delay recurs), else 0.
[[gnu::always_inline]] inline std::uint32_t EventLoop::lane_for(std::int64_t delay) {
  // Round delays (2 s, 10 s, 12 s) share many low zero bits: mix before indexing.
  std::uint64_t h = static_cast<std::uint64_t>(delay) * 0xbf58476d1ce4e5b9ULL;
  h ^= h >> 31;
  std::size_t i = h >> (64 - kLaneTableBits);
  for (;; i = (i + 1) & ((std::size_t{1} << kLaneTableBits) - 1)) {
    const DelayEntry& e = lane_of_delay_[i];
    if (e.delay == delay && e.value != 0) return e.value;
    if (e.value == 0) break;  // not there; `i` is where it would go
  }
  DelayEntry& seen = delay_hits_[h & ((std::size_t{1} << kDelayHitsBits) - 1)];
  if (seen.delay != delay) {
    seen = DelayEntry{delay, 1};
    return 0;
  }
  if (++seen.value < kLaneAfterHits) return 0;
  seen = DelayEntry{};
  return add_lane(i, delay);
}

// Kept out of lane_for() so that its fast path stays small enough to inline.
[[gnu::noinline]] std::uint32_t EventLoop::add_lane(std::size_t table_index, std::int64_t delay) {
  if (lanes_.size() >= kMaxLanes) return 0;
  lanes_.emplace_back();
  const auto lane = static_cast<std::uint32_t>(lanes_.size());
  lane_of_delay_[table_index] = DelayEntry{delay, lane};
  return lane;
}

// Files the event whose callback already sits in `slot`.
[[gnu::always_inline]] inline TimerId EventLoop::push_slot(Instant t, std::uint32_t lane,
                                                           std::uint32_t slot) {
  const std::uint64_t seq = ++next_seq_;
  const Entry e = Entry::make(t.count(), seq, slot, lane);
  if (lane == 0) {
    slots_[slot] = SlotState{seq, 0};
    heap_push(e);
  } else if (lane == kNowLane) {
    ring_push(now_lane_, e);
    slots_[slot] = SlotState{seq, kNowLane};
  } else {
    lane_push(lane, e);
  }
  ++live_;
  return make_id(slot, seq);
}

// Takes `cb` by reference so that the callback is moved once, into its slot.
[[gnu::always_inline]] inline TimerId EventLoop::push_event(Instant t, std::uint32_t lane,
                                                            Callback& cb) {
  assert(cb && "scheduling an empty callback");
  const std::uint32_t slot = acquire_slot();
  callback(slot) = std::move(cb);
  return push_slot(t, lane, slot);
}

TimerId EventLoop::schedule_at(Instant t, Callback cb) {
  assert(t >= now_ && "scheduling in the past");
  return push_event(t < now_ ? now_ : t, 0, cb);
}

TimerId EventLoop::schedule_after(Duration d, Callback cb) {
  if (d <= Duration::zero()) return push_event(now_, kNowLane, cb);
  const Instant t = d > Instant::max() - now_ ? Instant::max() : now_ + d;
  return push_event(t, lane_for(d.count()), cb);
}

TimerId EventLoop::schedule_slot_after(Duration d, std::uint32_t slot) {
  assert(callback(slot) && "scheduling an empty callback");
  if (d <= Duration::zero()) return push_slot(now_, kNowLane, slot);
  const Instant t = d > Instant::max() - now_ ? Instant::max() : now_ + d;
  return push_slot(t, lane_for(d.count()), slot);
}

TimerId EventLoop::schedule_slot_drawn_after(Duration d, std::uint32_t slot) {
  assert(callback(slot) && "scheduling an empty callback");
  if (d <= Duration::zero()) return push_slot(now_, kNowLane, slot);
  const Instant t = d > Instant::max() - now_ ? Instant::max() : now_ + d;
  return push_slot(t, 0, slot);
}

void EventLoop::lane_push(std::uint32_t lane, const Entry& e) {
  Lane& l = lanes_[lane - 1];
  if (!l.head_in_heap) {
    // An empty lane: its first event is its head, and goes straight to the heap.
    l.head_in_heap = true;
    slots_[e.slot()] = SlotState{e.seq, 0};
    heap_push(e);
    return;
  }
  ring_push(l, e);
  slots_[e.slot()] = SlotState{e.seq, lane};
}

[[gnu::noinline]] void EventLoop::grow_ring(Lane& l) {
  std::vector<Entry> bigger(std::max(kFirstRing, 2 * l.ring.size()));
  for (std::size_t i = 0; i < l.size; ++i) bigger[i] = l.ring[(l.head + i) & (l.ring.size() - 1)];
  l.ring.swap(bigger);
  l.head = 0;
}

[[gnu::always_inline]] inline void EventLoop::ring_push(Lane& l, const Entry& e) {
  if (l.size == l.ring.size()) grow_ring(l);
  l.ring[(l.head + l.size) & (l.ring.size() - 1)] = e;
  ++l.size;
}

// Takes the lane's next live entry out of its ring into `*out`, dropping the dead ones before
// it; records whether the lane still has a head.
bool EventLoop::lane_take_live(Lane& l, Entry* out) {
  const std::size_t mask = l.ring.size() - 1;
  while (l.size > 0) {
    const Entry e = l.ring[l.head];
    l.head = (l.head + 1) & mask;
    --l.size;
    if (dead(e)) {
      --l.dead;
      continue;
    }
    slots_[e.slot()].lane = 0;  // from now on it is a heap entry (for cancel()'s counts)
    *out = e;
    l.head_in_heap = true;
    return true;
  }
  l.head_in_heap = false;
  return false;
}

// Keeps the ring's live entries, in order.
void EventLoop::compact_lane(Lane& l) {
  const std::size_t mask = l.ring.size() - 1;
  std::size_t kept = 0;
  for (std::size_t i = 0; i < l.size; ++i) {
    const Entry e = l.ring[(l.head + i) & mask];
    if (!dead(e)) l.ring[(l.head + kept++) & mask] = e;
  }
  l.size = kept;
  l.dead = 0;
}

bool EventLoop::cancel(TimerId id) {
  const std::uint64_t slot_plus_one = id & 0xffffffffULL;
  if (slot_plus_one == 0 || slot_plus_one > slots_.size()) return false;
  const auto slot = static_cast<std::uint32_t>(slot_plus_one - 1);
  SlotState& s = slots_[slot];
  if (s.seq == 0 || (s.seq & 0xffffffffULL) != (id >> 32)) return false;
  const std::uint32_t lane = s.lane;
  s.seq = 0;
  release_slot(slot);
  --live_;
  if (lane == 0) {
    ++stale_;
    if (stale_ > kCompactMin && 2 * stale_ > heap_size_) compact();
  } else {
    Lane& l = lane == kNowLane ? now_lane_ : lanes_[lane - 1];
    ++l.dead;
    if (l.dead > kCompactMin && 2 * l.dead > l.size) compact_lane(l);
  }
  return true;
}

// Removes the heap's root, whose lane is `lane`; a lane's head gives its place to the lane's
// next live event.
void EventLoop::pop_root(std::uint32_t lane) {
  Entry next;
  if (lane != 0 && lane_take_live(lanes_[lane - 1], &next)) {
    sift_down(0, next.time, next.seq, next.where);
  } else {
    heap_pop();
  }
}

bool EventLoop::run_next(Instant limit) {
  while (heap_size_ > 0 && dead(heap_[0])) {
    pop_root(heap_[0].lane());
    --stale_;
  }
  Lane& z = now_lane_;
  while (z.size > 0 && dead(z.ring[z.head])) {
    z.head = (z.head + 1) & (z.ring.size() - 1);
    --z.size;
    --z.dead;
  }
  Entry next;
  if (z.size > 0 && (heap_size_ == 0 || before(z.ring[z.head], heap_[0]))) {
    next = z.ring[z.head];
    if (next.time > limit.count()) return false;
    z.head = (z.head + 1) & (z.ring.size() - 1);
    --z.size;
  } else if (heap_size_ > 0) {
    next = heap_[0];
    if (next.time > limit.count()) return false;
    pop_root(next.lane());
  } else {
    return false;
  }
  now_ = Instant(next.time);
  slots_[next.slot()].seq = 0;  // its id is stale from now on: cancel() returns false
  --live_;
  ++processed_;
  // The callback runs in place (blocks never move) and its slot is freed afterwards, even if
  // it throws, so that an event it schedules never lands in the slot that is running. A
  // handler, not a guard's destructor: the guard asked std::uncaught_exceptions() on every
  // event (a call into the C++ runtime, 1.5 % of an M/M/1 run); a handler costs nothing until
  // something throws.
  const std::uint32_t slot = next.slot();
  running_ = true;
  try {
    callback(slot)();
  } catch (...) {
    release_slot(slot);
    running_ = false;
    continuation_ = nullptr;  // a callback that throws after registering one takes it along
    throw;
  }
  release_slot(slot);
  running_ = false;
  if (continuation_ != nullptr) {
    // The continuation is the event after this one (same now()). running_ is false, so it
    // cannot register another.
    void (*const run)(void*) = continuation_;
    continuation_ = nullptr;
    ++processed_;
    run(continuation_bytes_);
  }
  return true;
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

[[gnu::always_inline]] inline void EventLoop::heap_push(const Entry& e) {
  // heap_ only grows (by doubling): a size of our own keeps push free of vector's checks.
  if (heap_size_ == heap_.size()) heap_.resize(std::max<std::size_t>(64, 2 * heap_.size()));
  // The new entry stays in registers and is stored field by field: copied as a struct, it
  // went through the stack as three 8-byte stores read back by a 16-byte load, which the CPU
  // cannot forward (a stall on every push, the hottest spot of schedule_after()).
  const std::int64_t time = e.time;
  const std::uint64_t seq = e.seq;
  const std::uint64_t where = e.where;
  std::size_t i = heap_size_++;
  while (i > 0) {
    const std::size_t parent = (i - 1) / kArity;
    if (!before(e, heap_[parent])) break;
    heap_[i] = heap_[parent];
    i = parent;
  }
  Entry& slot = heap_[i];
  slot.time = time;
  slot.seq = seq;
  slot.where = where;
}

void EventLoop::heap_pop() {
  const Entry& last = heap_[--heap_size_];  // beyond the heap now: sift_down() never writes it
  if (heap_size_ > 0) sift_down(0, last.time, last.seq, last.where);
}

// Moves the hole at `i` down to where the entry (time, seq, where) belongs, then fills it.
// Takes the entry's fields one by one so that they stay in registers, as heap_push() does: an
// Entry parameter was copied through the stack in 8-byte pieces and read back 16 bytes at a
// time, which the CPU cannot forward from the stores (a stall on every pop).
void EventLoop::sift_down(std::size_t i, std::int64_t time, std::uint64_t seq, std::uint64_t where) {
  const Entry e{time, seq, where};
  const std::size_t n = heap_size_;
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
  Entry& hole = heap_[i];
  hole.time = e.time;
  hole.seq = e.seq;
  hole.where = e.where;
}

// Drops the heap's dead entries; a dead lane head is replaced by its lane's next live event,
// so that every non-empty lane keeps exactly one entry in the heap. Allocates nothing.
void EventLoop::compact() {
  std::size_t kept = 0;
  for (std::size_t i = 0; i < heap_size_; ++i) {
    Entry e = heap_[i];
    if (dead(e) && (e.lane() == 0 || !lane_take_live(lanes_[e.lane() - 1], &e))) continue;
    heap_[kept++] = e;
  }
  heap_size_ = kept;
  stale_ = 0;
  if (heap_size_ < 2) return;
  for (std::size_t i = (heap_size_ - 2) / kArity + 1; i-- > 0;) sift_down(i, heap_[i].time, heap_[i].seq, heap_[i].where);
}

}  // namespace faultline::sim

// EventLoop: the simulator's discrete-event core. It owns virtual time (integer ns from 0),
// which moves only when run(), run_until() or run_one() takes the next event.
//
//   EventLoop loop;
//   loop.schedule_after(millis(5), [&] { ... });   // runs with loop.now() == 5 ms
//   loop.run_until(std::chrono::seconds(1));       // then loop.now() == 1 s
//
// Single-threaded: schedule, cancel and run from the loop's thread only (callbacks included).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>
#include <vector>

#include "resilience/clock.h"

namespace faultline::sim {

// Events run in (time, scheduling order) order: events due at the same instant run FIFO, and
// time never moves backwards. A callback may schedule and cancel events, at now() included
// (those run in the same run()/run_until(), after the events already due at now()).
// Steady state allocates nothing per event: callbacks are stored inline in pooled slots.
class EventLoop final : public Scheduler {
 public:
  EventLoop();
  ~EventLoop() override;
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  Instant now() const override { return now_; }

  // Runs `cb` at instant `t`. A `t` before now() is a bug: it asserts, and in release builds
  // runs at now().
  TimerId schedule_at(Instant t, Callback cb);
  // Runs `cb` `d` from now; a negative `d` counts as zero.
  TimerId schedule_after(Duration d, Callback cb) override;
  // The same for a callable that is not yet a Callback: it is built in its slot, which saves
  // moving it there (what the models call, through an EventLoop&).
  template <typename F,
            typename = std::enable_if_t<!std::is_same_v<std::decay_t<F>, Callback> &&
                                        std::is_nothrow_constructible_v<std::decay_t<F>, F&&>>>
  TimerId schedule_after(Duration d, F&& f) {
    return schedule_slot_after(d, emplace_callback(std::forward<F>(f)));
  }
  // The same for a delay drawn from a continuous distribution (a service time, a Poisson
  // gap): such a delay practically never recurs to the nanosecond, so the event skips the
  // search for a recurring delay's lane (see event_loop.cpp) and goes straight to the heap.
  // Only where the event is filed differs: the order of events is the same either way.
  template <typename F,
            typename = std::enable_if_t<!std::is_same_v<std::decay_t<F>, Callback> &&
                                        std::is_nothrow_constructible_v<std::decay_t<F>, F&&>>>
  TimerId schedule_drawn_after(Duration d, F&& f) {
    return schedule_slot_drawn_after(d, emplace_callback(std::forward<F>(f)));
  }
  // Runs `f` as the event that follows the running callback, in place of a zero-delay event,
  // when nothing could run between the two. Returns true if `f` will run right after the
  // running callback returns; false, doing nothing (schedule an event instead), if no callback
  // is running, if an event is already due at now() (it must run first), or if a continuation
  // is pending or running. Events the rest of the callback schedules at now() run after `f`,
  // exactly as after a zero-delay event scheduled here, so the order of events is unchanged;
  // `f` counts as one in events_processed() and cannot be cancelled (it checks its state).
  // It saves a request with no API overhead a trip through the queue (a third of the events
  // of an M/M/1 run). `f` must be trivially copyable and at most 16 bytes (a few captured
  // indices): kept as raw bytes beside a plain function pointer, it costs no construction,
  // move or destruction through a type-erased table.
  template <typename F>
  bool try_continue_with(const F& f) {
    static_assert(std::is_trivially_copyable_v<F> && sizeof(F) <= sizeof(continuation_bytes_) &&
                      alignof(F) <= alignof(std::max_align_t),
                  "a continuation captures at most 16 trivially copyable bytes");
    if (!running_ || continuation_ != nullptr || due_now()) return false;
    ::new (static_cast<void*>(continuation_bytes_)) F(f);
    continuation_ = [](void* p) { (*static_cast<F*>(p))(); };
    return true;
  }
  // Prevents a pending event from running, in O(1). Returns false if it already ran (or is
  // running), was cancelled, or `id` is unknown; a stale id never cancels a newer event.
  bool cancel(TimerId id) override;

  // Runs every event due at or before `t`, then sets now() to `t` (if later than now()).
  void run_until(Instant t);
  // Runs the next event, if any, and returns whether there was one.
  bool run_one();
  // Runs the next event if it is due at or before `t` (now() becomes its time); returns
  // whether one ran. For a caller that stops on a condition of its own (the run's drain).
  bool run_one_until(Instant t) { return run_next(t); }
  // Runs events until none is left.
  void run();
  // Makes the running run() or run_until() return after the current event (and the
  // continuation it registered, if any), leaving now() at that event's time. Has no effect
  // outside them.
  void stop();

  // Events scheduled and neither run nor cancelled.
  // The instant of the earliest pending event, or Instant::max() when none: live mode wakes
  // the loop then on the wall clock. A cancelled event may be reported (an early wake is
  // harmless: it runs nothing).
  Instant next_event_hint() const {
    if (now_lane_.size > 0) return now_;
    return heap_size_ > 0 ? Instant(heap_[0].time) : Instant::max();
  }

  std::size_t pending() const { return live_; }
  // Events run since construction.
  std::uint64_t events_processed() const { return processed_; }

 private:
  // An event's place in the order, 24 bytes: a 4-ary heap's four siblings span two cache
  // lines. The slot (where its callback lives) and the lane (0 for an event of the heap
  // proper, k + 1 for the head of lane k) share one 64-bit word: built in a register and
  // stored whole, an entry is copied with full-width loads that the CPU can forward from
  // the store. Two 32-bit stores read back as one 64-bit load stall instead (measured: the
  // hottest instruction of run_next() when the lane was a field of its own).
  struct Entry {
    std::int64_t time;
    std::uint64_t seq;     // scheduling order: the tie-breaker, and the entry's identity
    std::uint64_t where;   // slot | lane << 32
    static Entry make(std::int64_t time, std::uint64_t seq, std::uint32_t slot, std::uint32_t lane) {
      return Entry{time, seq, static_cast<std::uint64_t>(lane) << 32 | slot};
    }
    std::uint32_t slot() const { return static_cast<std::uint32_t>(where); }
    std::uint32_t lane() const { return static_cast<std::uint32_t>(where >> 32); }
  };

  // A FIFO of the events scheduled with one recurring delay (see event_loop.cpp), on a
  // power-of-two ring. Its first event sits in the heap; the ring holds the ones behind it.
  struct Lane {
    std::vector<Entry> ring;
    std::size_t head = 0;
    std::size_t size = 0;
    std::size_t dead = 0;       // cancelled entries in the ring
    bool head_in_heap = false;  // false iff the lane holds no event at all
  };

  // Per slot: the seq of the event it holds (0 when free or running) and where its entry is
  // (0: the heap, k + 1: the ring of lane k, kNowLane: the ring of now_lane_), so that
  // cancel() knows which count to bump.
  static constexpr std::uint32_t kNowLane = 0xffffffff;
  struct SlotState {
    std::uint64_t seq;
    std::uint32_t lane;
  };

  // A delay and its lane (k + 1 for lane k; 0 marks an empty entry of the lane table), or a
  // delay and how often it was seen (the direct-mapped table that spots recurring delays).
  struct DelayEntry {
    std::int64_t delay = -1;
    std::uint32_t value = 0;
  };

  // (time, seq) as one 128-bit comparison: branch-free, which matters because sifting random
  // times mispredicts every other branch. Times are never negative.
  static bool before(const Entry& a, const Entry& b) {
    const auto key = [](const Entry& e) {
      return static_cast<unsigned __int128>(static_cast<std::uint64_t>(e.time)) << 64 | e.seq;
    };
    return key(a) < key(b);
  }
  bool dead(const Entry& e) const { return slots_[e.slot()].seq != e.seq; }
  // Whether an event (live or cancelled but not yet dropped) is due at now().
  bool due_now() const {
    return now_lane_.size > 0 || (heap_size_ > 0 && heap_[0].time <= now_.count());
  }

  // Runs the next live event due at or before `limit`; false if there is none.
  bool run_next(Instant limit);
  TimerId push_event(Instant t, std::uint32_t lane, Callback& cb);
  TimerId push_slot(Instant t, std::uint32_t lane, std::uint32_t slot);
  TimerId schedule_slot_after(Duration d, std::uint32_t slot);
  TimerId schedule_slot_drawn_after(Duration d, std::uint32_t slot);
  std::uint32_t lane_for(std::int64_t delay);
  std::uint32_t add_lane(std::size_t table_index, std::int64_t delay);
  void lane_push(std::uint32_t lane, const Entry& e);
  void ring_push(Lane& lane, const Entry& e);
  void grow_ring(Lane& lane);
  bool lane_take_live(Lane& lane, Entry* out);
  void compact_lane(Lane& lane);
  void pop_root(std::uint32_t lane);
  std::uint32_t acquire_slot() {
    if (free_count_ == 0) grow_slots();
    return free_[--free_count_];
  }
  void grow_slots();
  // Builds `f` in a free slot's callback (empty while free) and returns the slot.
  template <typename F>
  std::uint32_t emplace_callback(F&& f) {
    const std::uint32_t slot = acquire_slot();
    Callback* cb = &callback(slot);
    cb->~Callback();
    ::new (static_cast<void*>(cb)) Callback(std::forward<F>(f));
    return slot;
  }
  void release_slot(std::uint32_t slot);
  Callback& callback(std::uint32_t slot) {
    return blocks_[slot >> kBlockBits][slot & ((std::uint32_t{1} << kBlockBits) - 1)];
  }
  static constexpr int kBlockBits = 8;  // 256 callbacks (14 KB) a block
  void heap_push(const Entry& e);
  void heap_pop();
  void sift_down(std::size_t i, std::int64_t time, std::uint64_t seq, std::uint64_t where);
  void compact();

  Instant now_{0};
  std::uint64_t next_seq_ = 0;
  std::uint64_t processed_ = 0;
  std::size_t live_ = 0;   // pending events
  std::size_t stale_ = 0;  // heap entries of cancelled events, not yet popped
  bool stopped_ = false;
  bool running_ = false;  // a callback is running (not a continuation)
  // The continuation registered by the running callback (null when none), and its captures.
  void (*continuation_)(void*) = nullptr;
  alignas(std::max_align_t) unsigned char continuation_bytes_[16];

  std::vector<Entry> heap_;  // 4-ary min-heap on (time, seq) in [0, heap_size_)
  std::size_t heap_size_ = 0;
  std::vector<Lane> lanes_;
  // Zero-delay events, which never enter the heap: all of them are due at now() (time cannot
  // pass them), so run_next() needs only compare the first one with the heap's root.
  Lane now_lane_;
  std::vector<DelayEntry> lane_of_delay_;  // open addressing, at most half full
  std::vector<DelayEntry> delay_hits_;     // delays without a lane; a newcomer evicts
  // A heap entry is live iff slots_[entry.slot].seq == entry.seq, so a slot can be reused at
  // once after a cancel.
  std::vector<SlotState> slots_;
  // Free slots in [0, free_count_), most recently freed last (still in cache).
  std::vector<std::uint32_t> free_;
  std::size_t free_count_ = 0;
  // Callbacks in blocks of 256: growing never moves a callback, so one can run in place while
  // it schedules more events.
  std::vector<std::unique_ptr<Callback[]>> blocks_;
};

}  // namespace faultline::sim

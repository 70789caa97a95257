// Bulkhead: at most `max_concurrent` calls at once; optionally up to `max_queue` more wait
// FIFO for a slot, each at most `max_wait`. Everything beyond is rejected (503 upstream).
//
//   if (!bulkhead.try_acquire()) return answer(503);  ... bulkhead.release();
//   auto t = bulkhead.acquire([this](bool admitted) { admitted ? go() : answer(503); });
//   // t.decision: kAdmitted (go now, no callback), kQueued (callback later), kRejected
//
// Waiters live in a reused slab and ring: no allocation per call once warmed up.
// Single-threaded.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "resilience/clock.h"
#include "resilience/inplace_function.h"

namespace faultline::resilience {

struct BulkheadConfig {
  int max_concurrent = 10;
  int max_queue = 0;                 // 0: no waiting, a full bulkhead rejects at once
  std::optional<Duration> max_wait;  // unset: wait until a slot frees
};

class Bulkhead {
 public:
  using WaitId = std::uint64_t;  // 0 is never a valid id
  // Called once for a queued caller: true = it now holds a slot (release() it later);
  // false = it waited max_wait and was turned away.
  using Granted = InplaceFunction<void(bool admitted), 48>;
  enum class Decision : std::uint8_t { kAdmitted, kQueued, kRejected };
  struct Ticket {
    Decision decision;
    WaitId wait = 0;  // set for kQueued
  };
  struct Counters {
    std::uint64_t admitted = 0;  // at once or from the queue
    std::uint64_t queued = 0;
    std::uint64_t rejected = 0;       // full, and the queue full (or absent)
    std::uint64_t wait_timeouts = 0;  // waited max_wait
    std::uint64_t cancelled = 0;      // left the queue by cancel()
  };

  Bulkhead(Scheduler& scheduler, BulkheadConfig config);
  ~Bulkhead();
  Bulkhead(const Bulkhead&) = delete;
  Bulkhead& operator=(const Bulkhead&) = delete;

  // Takes a slot if one is free and nobody is waiting (FIFO fairness); never queues.
  bool try_acquire();
  // Takes a slot now, or queues `on_result`, or rejects. `on_result` never runs inside acquire().
  Ticket acquire(Granted on_result);
  // Frees a slot; the longest waiter (if any) gets it and its callback runs inside release().
  void release();
  // Removes a waiter from the queue without calling it. Returns false if it already left.
  bool cancel(WaitId id);

  int in_use() const { return in_use_; }
  int queued() const { return live_waiters_; }
  const Counters& counters() const { return counters_; }
  const BulkheadConfig& config() const { return config_; }

 private:
  struct Waiter {
    Granted granted;
    TimerId timer = kNoTimer;
    std::uint32_t generation = 1;
    bool live = false;
  };

  std::uint32_t new_waiter();
  void free_waiter(std::uint32_t slot);
  void on_wait_timeout(std::uint32_t slot, std::uint32_t generation);
  bool is_live(WaitId id) const;
  void drop_dead_head();
  void push(WaitId id);
  WaitId pop();

  Scheduler& scheduler_;
  BulkheadConfig config_;
  int in_use_ = 0;
  int live_waiters_ = 0;
  std::vector<Waiter> waiters_;
  std::vector<std::uint32_t> free_;
  std::vector<WaitId> ring_;  // FIFO of waiter ids (slot + generation); power-of-two capacity
  std::size_t head_ = 0;
  std::size_t size_ = 0;
  Counters counters_;
};

}  // namespace faultline::resilience

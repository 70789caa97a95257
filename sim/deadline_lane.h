// DeadlineLane: deadlines that all lie one fixed delay after their push (every request of an
// endpoint gets the same client timeout), kept in push order behind a single event-loop timer.
// A request that ends first costs nothing: its entry is dropped, unseen, when it reaches the
// head. Per deadline, one 16-byte ring push and pop, instead of a timer scheduled and
// cancelled (which cost about a third of an M/M/1 run's time).
//
//   DeadlineLane lane(loop, seconds(60), {this, &Api::client_live, &Api::client_timeout});
//   lane.push(token);   // expires at now() + 60 s unless live(token) is false by then
//
// Expiries run at their deadline, in push order. Single-threaded.
#pragma once

#include <cstdint>

#include "sim/event_loop.h"
#include "sim/index_ring.h"

namespace faultline::sim {

class DeadlineLane {
 public:
  // The owner's view of a token: whether it still waits, and what to do when it expires.
  // Plain function pointers and a context: the lane is on every request's path.
  struct Owner {
    void* context = nullptr;
    bool (*live)(void* context, std::uint64_t token) = nullptr;
    void (*expire)(void* context, std::uint64_t token) = nullptr;
  };

  DeadlineLane(EventLoop& loop, Duration delay, Owner owner);
  ~DeadlineLane();
  DeadlineLane(const DeadlineLane&) = delete;
  DeadlineLane& operator=(const DeadlineLane&) = delete;

  // Adds a deadline at now() + delay for `token`.
  void push(std::uint64_t token);
  Duration delay() const { return delay_; }
  // Entries not yet dropped or expired (live or not).
  std::size_t size() const { return tokens_.size(); }

 private:
  void on_timer();
  // Drops dead heads; arms the timer for the first live one, if any.
  void arm();

  EventLoop& loop_;
  Duration delay_;
  Owner owner_;
  IndexRing deadlines_;  // ns, non-decreasing
  IndexRing tokens_;
  TimerId timer_ = kNoTimer;
  bool firing_ = false;  // in on_timer(): pushes wait for its own re-arm
};

}  // namespace faultline::sim

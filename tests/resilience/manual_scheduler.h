// ManualScheduler: a Scheduler for tests whose time moves only when the test says so.
//
//   ManualScheduler s;  s.schedule_after(millis(5), [&] { fired = true; });
//   s.advance_by(millis(4));  // not yet      s.advance_by(millis(1));  // fired, now() == 5 ms
//
// Due timers run in (time, scheduling order) order, each with now() equal to its due instant;
// timers scheduled by a callback run in the same advance if they fall due. Single-threaded.
#pragma once

#include <cassert>
#include <map>
#include <utility>

#include "resilience/clock.h"

namespace faultline::testing {

class ManualScheduler final : public Scheduler {
 public:
  Instant now() const override { return now_; }

  TimerId schedule_after(Duration delay, Callback cb) override {
    const TimerId id = ++last_id_;
    const Instant due = now_ + (delay.count() < 0 ? Duration::zero() : delay);
    timers_.emplace(Key{due, id}, std::move(cb));
    due_.emplace(id, due);
    return id;
  }

  bool cancel(TimerId id) override {
    const auto it = due_.find(id);
    if (it == due_.end()) return false;
    timers_.erase(Key{it->second, id});
    due_.erase(it);
    return true;
  }

  // Runs every timer due at or before `t`, then sets now() to `t`.
  void advance_to(Instant t) {
    assert(t >= now_);
    while (!timers_.empty() && timers_.begin()->first.first <= t) {
      auto node = timers_.extract(timers_.begin());
      due_.erase(node.key().second);
      now_ = node.key().first;
      node.mapped()();
    }
    now_ = t;
  }
  void advance_by(Duration d) { advance_to(now_ + d); }
  // Runs timers until none is left (or the next is beyond `limit`).
  void run_until_idle(Instant limit = Instant::max()) {
    while (!timers_.empty() && timers_.begin()->first.first <= limit) {
      advance_to(timers_.begin()->first.first);
    }
  }

  std::size_t pending() const { return timers_.size(); }

 private:
  using Key = std::pair<Instant, TimerId>;  // ids grow, so they order same-instant timers
  Instant now_{};
  TimerId last_id_ = kNoTimer;
  std::map<Key, Callback> timers_;
  std::map<TimerId, Instant> due_;
};

}  // namespace faultline::testing

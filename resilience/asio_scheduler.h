// AsioScheduler: faultline::Scheduler in real time over a boost::asio::io_context, so the
// resilience components run unchanged in a real service. The only place in the library that
// reads a system clock: now() is steady_clock time since construction.
//
//   boost::asio::io_context io;  AsioScheduler scheduler(io);
//   CircuitBreaker breaker(scheduler, config);  ...  io.run();
//
// One steady_timer is armed at the earliest due timer; due timers run in (due instant,
// scheduling order) order on the io_context's thread. Call it only from that thread.
#pragma once

// Boost 1.74's umbrella <boost/asio.hpp> does not build with GCC 12 in C++20: only the
// specific headers, with <utility> first.
// clang-format off
#include <utility>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
// clang-format on

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <unordered_map>

#include "resilience/clock.h"

namespace faultline::resilience {

class AsioScheduler final : public Scheduler {
 public:
  explicit AsioScheduler(boost::asio::io_context& io);
  AsioScheduler(const AsioScheduler&) = delete;
  AsioScheduler& operator=(const AsioScheduler&) = delete;

  Instant now() const override;
  TimerId schedule_after(Duration delay, Callback cb) override;
  bool cancel(TimerId id) override;

  std::size_t pending() const { return queue_.size(); }

 private:
  using Key = std::pair<Instant, TimerId>;  // ids grow: same-instant timers keep their order

  // Points the asio timer at the earliest due timer, or disarms it when none is left (so
  // that io_context::run() can return).
  void arm();
  void on_wake(std::uint64_t wake);

  boost::asio::steady_timer timer_;
  std::chrono::steady_clock::time_point start_;
  std::map<Key, Callback> queue_;
  std::unordered_map<TimerId, Instant> due_;
  TimerId last_id_ = kNoTimer;
  std::optional<Instant> armed_for_;
  std::uint64_t wake_ = 0;  // identifies the current async_wait
};

}  // namespace faultline::resilience

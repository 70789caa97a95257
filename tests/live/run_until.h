// Test helper for live tests: runs an io_context until a condition holds or a wall-clock
// limit passes, so a broken test fails in seconds instead of hanging.
#pragma once

// clang-format off
#include <utility>
#include <boost/asio/io_context.hpp>
// clang-format on

#include <chrono>

namespace faultline::live::testing {

// Returns true iff `done()` became true within `limit`.
template <typename Pred>
bool run_until(boost::asio::io_context& io, Pred done, std::chrono::milliseconds limit = std::chrono::seconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    io.restart();
    io.run_one_for(std::chrono::milliseconds(5));
  }
  return true;
}

// Runs the io_context for `d` of wall time (handlers due meanwhile run).
inline void run_for(boost::asio::io_context& io, std::chrono::milliseconds d) {
  const auto deadline = std::chrono::steady_clock::now() + d;
  while (std::chrono::steady_clock::now() < deadline) {
    io.restart();
    io.run_one_until(deadline);
  }
}

}  // namespace faultline::live::testing

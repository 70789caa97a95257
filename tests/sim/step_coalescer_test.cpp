// StepCoalescer's call keys: an execution is named by its coalescing key and its number, not by
// the request that led it, so live mode (where another request may lead) draws the same fate.
#include "sim/step_coalescer.h"

#include <set>

#include <gtest/gtest.h>

namespace faultline::sim {
namespace {

TEST(StepCoalescer, FlightKeysNameTheNthExecutionOfAKey) {
  std::set<std::uint64_t> seen;
  for (std::uint64_t key : {0ull, 1ull, 42ull, ~0ull}) {
    for (std::uint64_t n = 0; n < 1000; ++n) {
      const CallKey k = StepCoalescer::flight_key(key, n, 3);
      // The same execution, the same key: a function of (key, n, step) alone.
      EXPECT_EQ(k, StepCoalescer::flight_key(key, n, 3));
      // Never a load-plan request number (those stay below 2^63: open arrivals count from 0,
      // closed users are user << 32 | sequence), so no plain call shares its draws.
      EXPECT_NE(k.request >> 63, 0u);
      EXPECT_EQ(k.step, 3u);
      EXPECT_EQ(k.attempt, 0u);
      seen.insert(k.request);
    }
  }
  EXPECT_EQ(seen.size(), 4000u);  // every (key, n) its own stream
  EXPECT_NE(StepCoalescer::flight_key(7, 0, 1).request, StepCoalescer::flight_key(8, 0, 1).request);
}

}  // namespace
}  // namespace faultline::sim

// round_half_away: std::llround for a double in [0, 2^63), without the libm call. Every
// sampled delay goes through it (two per simulated request at least), and llround is an
// out-of-line call that the compiler cannot inline for the baseline x86-64 target.
#pragma once

#include <cstdint>

namespace faultline::sim {

// The nearest integer to `x`, halves away from zero: the same value as std::llround(x) for
// every x in [0, 2^63). The truncation is exact, and so is x - trunc(x): below 1 it is x
// itself, above 1 the two are within a factor of 2 (Sterbenz), so the comparison with 0.5 sees
// the true fraction: 0.49999999999999994 rounds down, unlike floor(x + 0.5), which rounds it up.
inline std::int64_t round_half_away(double x) {
  const auto whole = static_cast<std::int64_t>(x);
  return whole + (x - static_cast<double>(whole) >= 0.5 ? 1 : 0);
}

}  // namespace faultline::sim

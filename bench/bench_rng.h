// BenchRng: the random source of bench/'s reference programs (minimal_loop, simgrid_mmc):
// faultline's own sim::Rng (xoshiro256**, inlined) and the same -mean ln u, so that every
// contender pays the same price per draw. Nothing else of faultline is used by those programs.
//
//   BenchRng rng(1);  std::int64_t ns = rng.exponential_ns(1e6);  double s = rng.exponential(1e-3);
//
// A value type; one per stream.
#pragma once

#include <cmath>
#include <cstdint>

#include "sim/rng.h"

class BenchRng {
 public:
  explicit BenchRng(std::uint64_t seed) : rng_(seed) {}
  // Exponential with the given mean (in whatever unit the mean is): -mean ln u, u in (0, 1).
  double exponential(double mean) { return -mean * std::log(rng_.next_double_open()); }
  // The same, rounded to an integer (nanoseconds).
  std::int64_t exponential_ns(double mean_ns) {
    return static_cast<std::int64_t>(exponential(mean_ns) + 0.5);
  }

 private:
  faultline::sim::Rng rng_;
};

// Mean response time of an M/M/c queue (Erlang C), in the unit of `service`.
inline double erlang_c_response(int servers, double rho, double service) {
  const double a = servers * rho;
  double term = 1, sum = 0;
  for (int k = 0; k < servers; ++k) {
    sum += term;
    term *= a / (k + 1);
  }
  const double p_wait = term / ((1 - rho) * sum + term);
  return service + p_wait * service / (servers * (1 - rho));
}

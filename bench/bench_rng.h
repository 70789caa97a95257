// BenchRng: the random source of bench/'s reference programs (minimal_loop, simgrid_mmc) —
// xoshiro256** seeded through splitmix64, as faultline's sim::Rng, so that every contender pays
// the same price per draw.
//
//   BenchRng rng(1);  std::int64_t ns = rng.exponential_ns(1e6);  double s = rng.exponential(1e-3);
//
// A value type; one per stream.
#pragma once

#include <cmath>
#include <cstdint>

class BenchRng {
 public:
  explicit BenchRng(std::uint64_t seed) {
    for (std::uint64_t& w : s_) {
      seed += 0x9e3779b97f4a7c15ULL;
      std::uint64_t z = seed;
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
      w = z ^ (z >> 31);
    }
  }
  std::uint64_t next() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  // Exponential with the given mean (in whatever unit the mean is): -mean ln u, u in (0, 1).
  double exponential(double mean) {
    const double u = (static_cast<double>(next() >> 12) + 0.5) * 0x1.0p-52;
    return -mean * std::log(u);
  }
  // The same, rounded to an integer (nanoseconds).
  std::int64_t exponential_ns(double mean_ns) {
    return static_cast<std::int64_t>(exponential(mean_ns) + 0.5);
  }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4];
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

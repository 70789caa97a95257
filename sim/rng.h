// Rng: the simulator's pseudo-random generator (xoshiro256**, seeded through splitmix64),
// make_stream(), which derives one independent stream per owner from the experiment seed, and
// keyed_stream(), one small stream per (owner, call) that does not depend on call order.
//
//   Rng rng = make_stream(seed, "dependency/openai");
//   if (rng.bernoulli(0.02)) fail();  const double u = rng.next_double();
//   Rng call = keyed_stream(keyed_base(seed, "fault/0"), CallKey{.request = 17});
//
// A value type; one owner per stream, no sharing between threads.
#pragma once

#include <cassert>
#include <cstdint>
#include <string_view>

#include "sim/call_key.h"

namespace faultline::sim {

// Written here rather than taken from <random> because the standard fixes the engines but not
// the distributions (uniform_real_distribution, normal_distribution... differ between
// libstdc++, libc++ and MSVC): the same seed must give byte-identical results everywhere.
class Rng {
 public:
  // Expands `seed` into the 256-bit state with splitmix64, so that nearby seeds (1, 2, 3...)
  // still give unrelated sequences and the state is never all zero.
  explicit Rng(std::uint64_t seed);

  // The next 64 uniformly distributed bits.
  std::uint64_t next_u64() {
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

  // Uniform in [0, 1): the top 53 bits, so every value is a multiple of 2^-53.
  double next_double() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }

  // Uniform in (0, 1): never 0, so log(u) and u^(-1/a) stay finite.
  double next_double_open() { return (static_cast<double>(next_u64() >> 12) + 0.5) * 0x1.0p-52; }

  // Uniform in [0, n), without modulo bias (Lemire's multiply-and-reject). n must be > 0.
  std::uint64_t next_below(std::uint64_t n) {
    assert(n > 0);
    unsigned __int128 m = static_cast<unsigned __int128>(next_u64()) * n;
    auto low = static_cast<std::uint64_t>(m);
    if (low < n) {
      const std::uint64_t threshold = (0 - n) % n;  // 2^64 mod n
      while (low < threshold) {
        m = static_cast<unsigned __int128>(next_u64()) * n;
        low = static_cast<std::uint64_t>(m);
      }
    }
    return static_cast<std::uint64_t>(m >> 64);
  }

  // True with probability p. Always consumes exactly one draw, whatever p is, so that a
  // changing probability (a fault starting) does not shift the draws that follow.
  bool bernoulli(double p) { return next_double() < p; }

 private:
  static constexpr std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

  std::uint64_t s_[4];
};

// One step of splitmix64 on `x` (the increment, then the finalizer): a bijective 64-bit mix.
std::uint64_t splitmix64(std::uint64_t x);

// 64-bit FNV-1a of `text`: stable across platforms and releases, unlike std::hash.
std::uint64_t fnv1a64(std::string_view text);

// The stream of `owner` in the experiment with `seed`:
// Rng(splitmix64(seed ^ splitmix64(fnv1a64(owner)))). Each owner's draws depend only on the
// seed and its own name, so adding or removing a component never shifts another's draws.
Rng make_stream(std::uint64_t seed, std::string_view owner);

// The 64-bit base of `owner`'s stream: make_stream(seed, owner) is Rng(keyed_base(seed, owner)).
std::uint64_t keyed_base(std::uint64_t seed, std::string_view owner);

// The draws of call `key` by the owner whose base is `base`: Rng(mix of base and the key's
// three fields), a chain of bijective splitmix64 steps, so two keys that differ only in the
// request, or only in (step, attempt), never share a seed (any two distinct keys: about 2^-64).
// A function of the key alone: the call gets the same draws whichever calls came before.
// No allocation; three splitmix64 steps plus the generator's four-word seeding.
Rng keyed_stream(std::uint64_t base, const CallKey& key);

}  // namespace faultline::sim

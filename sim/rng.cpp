#include "sim/rng.h"

namespace faultline::sim {

std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

std::uint64_t fnv1a64(std::string_view text) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (const char c : text) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return h;
}

// The reference seeding of xoshiro256**: four successive outputs of a splitmix64 generator
// whose state starts at `seed`.
Rng::Rng(std::uint64_t seed) {
  std::uint64_t state = seed;
  for (std::uint64_t& word : s_) {
    word = splitmix64(state);
    state += 0x9e3779b97f4a7c15ULL;
  }
}

Rng make_stream(std::uint64_t seed, std::string_view owner) {
  return Rng(splitmix64(seed ^ splitmix64(fnv1a64(owner))));
}

}  // namespace faultline::sim

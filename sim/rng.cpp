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

std::uint64_t keyed_base(std::uint64_t seed, std::string_view owner) {
  return splitmix64(seed ^ splitmix64(fnv1a64(owner)));
}

Rng make_stream(std::uint64_t seed, std::string_view owner) { return Rng(keyed_base(seed, owner)); }

Rng keyed_stream(std::uint64_t base, const CallKey& key) {
  // Each step is a bijection of its input, so for one base two keys that differ in one field
  // differ after every step; the request is mixed before the XOR so that nearby requests
  // (17, 18) do not give nearby inputs to the next step.
  std::uint64_t h = splitmix64(base ^ splitmix64(key.request));
  h = splitmix64(h ^ ((static_cast<std::uint64_t>(key.step) << 32) | key.attempt));
  return Rng(h);
}

}  // namespace faultline::sim

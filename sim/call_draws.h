// CallDraws: one owner's random draws about calls (a dependency's service times, a fault's
// hits, retry jitter). A call with a key draws from its own keyed stream (sim/rng.h), so its
// fate does not depend on which calls came first; a call without one (a user's own service
// behind `faultline proxy`, a unit test calling a model directly) draws from the owner's
// stream in call order, as make_stream(seed, owner) would.
//
//   CallDraws draws(seed, "dependency/db");
//   Rng& rng = draws.for_call(options.key);   // keyed, or the ordered stream
//   const Duration service = latency.sample(rng);
//
// A value type; single-threaded.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "sim/call_key.h"
#include "sim/rng.h"

namespace faultline::sim {

class CallDraws {
 public:
  CallDraws(std::uint64_t seed, std::string_view owner) : CallDraws(keyed_base(seed, owner)) {}
  explicit CallDraws(std::uint64_t base) : base_(base), ordered_(base), keyed_(base) {}

  // The generator for one call: with a key, that call's fresh keyed stream (valid until the
  // next for_call()); without, the owner's stream in call order.
  Rng& for_call(const std::optional<CallKey>& key) {
    if (!key) return ordered_;
    keyed_ = keyed_stream(base_, *key);
    return keyed_;
  }
  // The stream in call order (make_stream(seed, owner)).
  Rng& ordered() { return ordered_; }

 private:
  std::uint64_t base_;
  Rng ordered_;
  Rng keyed_;
};

}  // namespace faultline::sim

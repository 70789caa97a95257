#include "sim/step_coalescer.h"

#include <algorithm>

#include "sim/rng.h"

namespace faultline::sim {

void StepCoalescer::started(std::uint64_t key) {
  if (std::find(running_.begin(), running_.end(), key) != running_.end()) ++overlapping_;
  running_.push_back(key);
}

void StepCoalescer::finished(std::uint64_t key) {
  const auto it = std::find(running_.begin(), running_.end(), key);
  if (it == running_.end()) return;
  *it = running_.back();
  running_.pop_back();
}

CallKey StepCoalescer::flight_key(std::uint64_t key, std::uint64_t n, std::uint32_t step) {
  const std::uint64_t mixed = splitmix64(splitmix64(key) ^ n);
  return CallKey{.request = std::uint64_t{1} << 63 | mixed >> 1, .step = step, .attempt = 0};
}

std::uint64_t StepCoalescer::next_flight(std::uint64_t key) {
  if (key >= kDenseKeys) return sparse_flights_[key]++;
  if (key >= flights_.size()) flights_.resize(key + 1, 0);
  return flights_[key]++;
}

void StepCoalescer::join(StepRunner& runner, const StepSpec& step, std::uint64_t key, CallKey call, OpId waiter) {
  joining_ = true;
  coalescer_.coalesce(
      key, step.coalesce_ttl,
      [this, &runner, &step, key, call](Coalescer::Completion complete) {
        started(key);
        runner.run_shared(step, flight_key(key, next_flight(key), call.step), [this, complete, key](CallStatus s) {
          finished(key);
          complete({s == CallStatus::kOk, s});
        });
      },
      [this, &runner, waiter](const Coalescer::Result& r) {
        const CallStatus s = r.ok ? CallStatus::kOk : r.value;
        // A cache hit answers inside coalesce(); the runner's contract is that results never
        // arrive inside run(), so those are deferred to the next event at this instant.
        if (joining_) {
          runner.deliver_later(waiter, s);
        } else {
          runner.deliver(waiter, s);
        }
      });
  joining_ = false;
}

}  // namespace faultline::sim

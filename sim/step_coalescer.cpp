#include "sim/step_coalescer.h"

namespace faultline::sim {

void StepCoalescer::join(StepRunner& runner, const StepSpec& step, std::uint64_t key, OpId waiter) {
  joining_ = true;
  coalescer_.coalesce(
      key, step.coalesce_ttl,
      [&runner, &step](Coalescer::Completion complete) {
        runner.run_shared(step, [complete](CallStatus s) { complete({s == CallStatus::kOk, s}); });
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

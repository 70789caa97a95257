// The `live` section: the tolerances of `faultline live`'s fidelity verdict (docs/live.md).
// It changes nothing in `run`.
#include "experiments/sections.h"

namespace faultline::experiments {

void read_live(const Fields& root, Experiment& e) {
  const nlohmann::json* live = root.get("live", Need::kOptional);
  if (live == nullptr) return;
  const Fields l(root.context(), *live, root.pointer("live"), Keys::kLive);
  const nlohmann::json* fidelity = l.get("fidelity", Need::kOptional);
  if (fidelity == nullptr) return;
  const Fields f(root.context(), *fidelity, l.pointer("fidelity"), Keys::kLiveFidelity);
  FidelityTolerances& t = e.live.fidelity;
  if (auto v = f.number("availability_points", Range::at_least(0, 100))) t.availability_points = *v;
  if (auto v = f.number("latency_relative", Range::at_least(0, 10))) t.latency_relative = *v;
  if (auto v = f.number("breaker_s", Range::at_least(0, 3600))) t.breaker_seconds = *v;
  if (auto v = f.boolean("same_alerts")) t.same_alerts = *v;
}

}  // namespace faultline::experiments

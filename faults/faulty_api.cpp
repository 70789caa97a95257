#include "faults/faulty_api.h"

#include "faults/capacity_schedule.h"

#include <algorithm>
#include <limits>
#include <optional>
#include <utility>

#include "sim/status.h"

namespace faultline::faults {

FaultyApi::FaultyApi(sim::EventLoop& loop, sim::ApiModel& api, std::vector<Fault> faults,
                     std::vector<sim::CallDraws> draws, sim::Metrics& metrics)
    : loop_(loop), api_(api), faults_(std::move(faults)), draws_(std::move(draws)), metrics_(metrics) {}

void FaultyApi::arm() {
  api_.set_fault_hook(this);
  base_workers_ = api_.workers();
  schedule_capacity_edges(loop_, faults_, [this] { update_capacity(); });
}

void FaultyApi::update_capacity() { api_.set_workers(capacity_at(faults_, loop_.now(), base_workers_)); }

sim::ApiFaultEffect FaultyApi::on_request(std::uint64_t request) {
  sim::ApiFaultEffect effect;
  const Instant now = loop_.now();
  // Drawn from the request's key, so a request gets the same fate whatever order the
  // requests reach the API in (live mode's HTTP reorders them).
  const std::optional<sim::CallKey> key = sim::CallKey{.request = request};
  for (std::size_t i = 0; i < faults_.size(); ++i) {
    const Fault& f = faults_[i];
    if (!f.active(now) || f.kind == FaultKind::kCapacity || !f.down(now)) continue;
    sim::Rng& rng = draws_[i].for_call(key);
    if (f.probability < 1 && !rng.bernoulli(f.probability)) continue;
    switch (f.kind) {
      case FaultKind::kOutage:
      case FaultKind::kFlapping:
        if (effect.refuse_status == 0) effect.refuse_status = f.status != 0 ? f.status : sim::kStatusUnavailable;
        break;
      case FaultKind::kHang:
        effect.hang = true;
        break;
      case FaultKind::kLatency:
        effect.extra_latency += f.add.sample(rng);
        break;
      case FaultKind::kSlowdown:
        effect.overhead_scale *= f.factor;
        break;
      case FaultKind::kError:
        if (!rng.bernoulli(f.rate)) continue;
        if (effect.error_status == 0) effect.error_status = f.status != 0 ? f.status : sim::kStatusInternalError;
        break;
      case FaultKind::kCapacity:
        break;
    }
    metrics_.on_fault_hit(f.index);
  }
  // A request admitted now (not refused, hung or delayed) is hit by a capacity fault when it
  // finds every worker of the lowered capacity busy.
  if (effect.refuse_status == 0 && !effect.hang && effect.extra_latency.count() == 0) {
    if (const Fault* f = capacity_fault_in_the_way(faults_, now, api_.busy_workers(), base_workers_)) {
      metrics_.on_fault_hit(f->index);
    }
  }
  return effect;
}

}  // namespace faultline::faults

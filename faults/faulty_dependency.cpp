#include "faults/faulty_dependency.h"

#include "faults/call_fate.h"
#include "faults/capacity_schedule.h"

#include <algorithm>
#include <utility>

namespace faultline::faults {

FaultyDependency::FaultyDependency(sim::EventLoop& loop, sim::Dependency& inner, std::vector<Fault> faults,
                                   std::vector<sim::CallDraws> draws, sim::Metrics& metrics)
    : loop_(loop), inner_(inner), faults_(std::move(faults)), draws_(std::move(draws)), metrics_(metrics) {}

void FaultyDependency::arm() {
  base_concurrency_ = inner_.concurrency();
  schedule_capacity_edges(loop_, faults_, [this] { update_capacity(); });
}

void FaultyDependency::update_capacity() {
  inner_.set_concurrency(capacity_at(faults_, loop_.now(), base_concurrency_));
}

std::uint32_t FaultyDependency::acquire() {
  std::uint32_t index;
  if (free_.empty()) {
    pending_.emplace_back();
    index = static_cast<std::uint32_t>(pending_.size() - 1);
  } else {
    index = free_.back();
    free_.pop_back();
  }
  Pending& p = pending_[index];
  p.in_use = true;
  p.inner_live = false;
  p.timer = kNoTimer;
  p.add = Duration::zero();
  p.fail = false;
  return index;
}

void FaultyDependency::release(std::uint32_t index) {
  Pending& p = pending_[index];
  p.done.reset();
  p.in_use = false;
  ++p.generation;
  if (p.generation == 0) p.generation = 1;
  free_.push_back(index);
}

sim::CallId FaultyDependency::call(Done done, const sim::CallOptions& options) {
  const Instant now = loop_.now();
  const CallFate fate =
      decide_call_fate(faults_, draws_, now, options.key, [this](const Fault& f) { metrics_.on_fault_hit(f.index); });
  const bool refuse = fate.refuse;
  const bool hang = fate.hang;
  const bool fail = fate.fail;
  const Duration add = fate.add;
  sim::CallOptions forwarded = options;
  forwarded.service_scale *= fate.service_scale;

  const std::uint32_t index = acquire();
  Pending& p = pending_[index];
  p.done = std::move(done);
  const sim::CallId id = id_of(index);
  if (refuse) {
    // A refused connection fails at once, on the next event at this instant.
    p.timer = loop_.schedule_after(Duration::zero(), [this, index] {
      pending_[index].timer = kNoTimer;
      deliver(index, sim::CallStatus::kRefused);
    });
    return id;
  }
  if (hang) return id;  // never answers; the caller's abandon() frees it
  if (const Fault* f = capacity_fault_in_the_way(faults_, now, inner_.busy(), base_concurrency_)) {
    metrics_.on_fault_hit(f->index);
  }
  p.add = add;
  p.fail = fail;
  p.inner_live = true;
  p.inner = inner_.call(
      [this, index, gen = p.generation](sim::CallStatus s) {
        Pending& q = pending_[index];
        if (q.generation != gen) return;
        q.inner_live = false;
        if (q.fail && s == sim::CallStatus::kOk) s = sim::CallStatus::kError;
        if (q.add.count() > 0) {
          q.timer = loop_.schedule_after(q.add, [this, index, s] {
            pending_[index].timer = kNoTimer;
            deliver(index, s);
          });
        } else {
          deliver(index, s);
        }
      },
      forwarded);
  return id;
}

void FaultyDependency::deliver(std::uint32_t index, sim::CallStatus status) {
  Done done = std::move(pending_[index].done);
  release(index);
  if (done) done(status);
}

void FaultyDependency::abandon(sim::CallId id) {
  const auto index = static_cast<std::uint32_t>(id & 0xffffffffu);
  if (index >= pending_.size()) return;
  Pending& p = pending_[index];
  if (!p.in_use || p.generation != static_cast<std::uint32_t>(id >> 32)) return;
  if (p.inner_live) inner_.abandon(p.inner);
  if (p.timer != kNoTimer) loop_.cancel(p.timer);
  release(index);
}

}  // namespace faultline::faults

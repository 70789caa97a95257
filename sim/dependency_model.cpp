#include "sim/dependency_model.h"

#include <cassert>
#include <utility>

namespace faultline::sim {

DependencyModel::DependencyModel(EventLoop& loop, DependencySpec spec, CallDraws draws)
    : loop_(loop),
      spec_(std::move(spec)),
      draws_(draws),
      drawn_latency_(spec_.latency.continuous()),
      draw_ahead_(spec_.error_rate == 0 && spec_.latency.kind() != Distribution::Kind::kConstant),
      concurrency_(spec_.concurrency) {}

std::uint32_t DependencyModel::acquire_slot() {
  if (free_.empty()) {
    slots_.emplace_back();
    return static_cast<std::uint32_t>(slots_.size() - 1);
  }
  const std::uint32_t index = free_.back();
  free_.pop_back();
  return index;
}

void DependencyModel::release_slot(std::uint32_t index) {
  Slot& s = slots_[index];
  s.done.reset();
  s.in_use = false;
  s.queued = false;
  s.abandoned = false;
  ++s.generation;
  free_.push_back(index);
}

CallId DependencyModel::call(Done done, const CallOptions& options) {
  const bool can_start = busy_ < concurrency_;
  if (!can_start && queued_live_ >= spec_.queue_limit) {
    // Queue full: the server turns the call away at once (answered on the next event so the
    // caller never sees its callback run inside call()).
    const std::uint32_t index = acquire_slot();
    Slot& s = slots_[index];
    s.in_use = true;
    s.done = std::move(done);
    const CallId id = make_id(index, s.generation);
    loop_.schedule_after(Duration::zero(), [this, index, gen = s.generation] {
      Slot& slot = slots_[index];
      if (slot.generation != gen) return;
      Done d = std::move(slot.done);
      const bool abandoned = slot.abandoned;
      release_slot(index);
      if (!abandoned) d(CallStatus::kRejected);
    });
    return id;
  }
  const std::uint32_t index = acquire_slot();
  Slot& s = slots_[index];
  s.in_use = true;
  s.done = std::move(done);
  s.key = options.key;
  s.service_scale = options.service_scale;
  const CallId id = make_id(index, s.generation);
  if (can_start) {
    start_service(index);
  } else {
    queue_.push(index);
    s.queued = true;
    ++queued_live_;
  }
  return id;
}

void DependencyModel::start_service(std::uint32_t index) {
  ++busy_;
  Slot& s = slots_[index];
  s.queued = false;
  Duration service;
  const bool keyed = s.key.has_value();
  if (keyed) {
    // The call's own stream: its service time, then its error, whenever it comes.
    Rng& rng = draws_.for_call(s.key);
    service = spec_.latency.sample(rng);
    s.fail = spec_.error_rate > 0 && rng.bernoulli(spec_.error_rate);
  } else if (next_service_.count() >= 0) {
    service = next_service_;
    next_service_ = Duration(-1);
  } else {
    service = spec_.latency.sample(draws_.ordered());
  }
  if (s.service_scale != 1.0) {
    service = Duration(static_cast<std::int64_t>(static_cast<double>(service.count()) * s.service_scale));
  }
  if (drawn_latency_) {
    loop_.schedule_drawn_after(service, [this, index] { finish_service(index); });
  } else {
    loop_.schedule_after(service, [this, index] { finish_service(index); });
  }
  // Without errors the ordered stream draws nothing but service times, so the next one can be
  // drawn ahead: the same draws in the same order, with the draw's latency (a logarithm for
  // the usual distributions) off the path that files this service's completion.
  if (draw_ahead_ && !keyed) next_service_ = spec_.latency.sample(draws_.ordered());
}

void DependencyModel::finish_service(std::uint32_t index) {
  Slot& s = slots_[index];
  // An unkeyed call's error draw is taken for every call, abandoned or not, so that one
  // caller's timeout does not shift the outcomes of the calls after it.
  const bool failed =
      s.key ? s.fail : spec_.error_rate > 0 && draws_.ordered().bernoulli(spec_.error_rate);
  Done done = std::move(s.done);
  const bool abandoned = s.abandoned;
  release_slot(index);
  --busy_;
  start_queued();
  if (!abandoned) done(failed ? CallStatus::kError : CallStatus::kOk);
}

void DependencyModel::start_queued() {
  while (busy_ < concurrency_ && !queue_.empty()) {
    const auto index = static_cast<std::uint32_t>(queue_.pop());
    Slot& s = slots_[index];
    if (s.abandoned) {
      release_slot(index);
      continue;
    }
    --queued_live_;
    start_service(index);
  }
}

void DependencyModel::abandon(CallId id) {
  const auto index = static_cast<std::uint32_t>(id & 0xffffffffu);
  const auto generation = static_cast<std::uint32_t>(id >> 32);
  if (index >= slots_.size()) return;
  Slot& s = slots_[index];
  if (!s.in_use || s.generation != generation || s.abandoned) return;
  s.abandoned = true;
  s.done.reset();
  if (s.queued) --queued_live_;  // its ring entry is skipped when it reaches the head
}

void DependencyModel::set_concurrency(int concurrency) {
  assert(concurrency >= 0);
  concurrency_ = concurrency;
  start_queued();
}

}  // namespace faultline::sim

#include "sim/deadline_lane.h"

namespace faultline::sim {

DeadlineLane::DeadlineLane(EventLoop& loop, Duration delay, Owner owner)
    : loop_(loop), delay_(delay), owner_(owner) {}

DeadlineLane::~DeadlineLane() {
  if (timer_ != kNoTimer) loop_.cancel(timer_);
}

void DeadlineLane::push(std::uint64_t token) {
  deadlines_.push(static_cast<std::uint64_t>((loop_.now() + delay_).count()));
  tokens_.push(token);
  if (timer_ == kNoTimer && !firing_) arm();
}

void DeadlineLane::arm() {
  while (!tokens_.empty() && !owner_.live(owner_.context, tokens_.front())) {
    deadlines_.pop();
    tokens_.pop();
  }
  if (tokens_.empty()) return;
  timer_ = loop_.schedule_at(Instant(static_cast<std::int64_t>(deadlines_.front())), [this] { on_timer(); });
}

void DeadlineLane::on_timer() {
  timer_ = kNoTimer;
  firing_ = true;
  const auto now = static_cast<std::uint64_t>(loop_.now().count());
  // An expiry may push (a closed user's next request): that deadline lies a whole delay
  // ahead, behind everything due now, so the loop stops before reaching it.
  while (!tokens_.empty() && deadlines_.front() <= now) {
    deadlines_.pop();
    const std::uint64_t token = tokens_.pop();
    if (owner_.live(owner_.context, token)) owner_.expire(owner_.context, token);
  }
  firing_ = false;
  arm();
}

}  // namespace faultline::sim

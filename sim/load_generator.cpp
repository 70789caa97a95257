#include "sim/load_generator.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "sim/det_math.h"
#include "sim/round_half_away.h"

namespace faultline::sim {

LoadGenerator::LoadGenerator(EventLoop& loop, LoadSpec spec, std::uint64_t seed, RequestSink& sink)
    : loop_(loop),
      spec_(std::move(spec)),
      sink_(sink),
      arrivals_rng_(make_stream(seed, "load/arrivals")),
      think_draws_(seed, "load/think"),
      endpoint_draws_(seed, "load/endpoints"),
      user_rng_(make_stream(seed, "load/users")) {
  double sum = 0;
  for (double w : spec_.endpoint_weights) {
    sum += w;
    cumulative_weights_.push_back(sum);
  }
  if (spec_.user_ids == 0) {
    double peak = spec_.closed ? spec_.users : 0;
    for (const auto& s : spec_.stages) peak = std::max(peak, s.target);
    spec_.user_ids = spec_.closed ? static_cast<std::uint64_t>(std::max(1.0, std::ceil(peak))) : 1000;
  }
}

double LoadGenerator::target_at(Instant t) const {
  if (spec_.stages.empty()) return spec_.closed ? spec_.users : spec_.rps;
  double from = 0;
  Instant stage_start{};
  for (const auto& s : spec_.stages) {
    const Instant stage_end = stage_start + s.duration;
    if (t < stage_end) {
      if (s.duration.count() == 0) return s.target;
      const double f = static_cast<double>((t - stage_start).count()) / static_cast<double>(s.duration.count());
      return from + (s.target - from) * f;
    }
    from = s.target;
    stage_start = stage_end;
  }
  return from;  // after the last stage the last target holds
}

std::uint32_t LoadGenerator::pick_endpoint(Rng& rng) {
  if (cumulative_weights_.size() <= 1) return 0;
  const double x = rng.next_double() * cumulative_weights_.back();
  const auto it = std::upper_bound(cumulative_weights_.begin(), cumulative_weights_.end(), x);
  return static_cast<std::uint32_t>(std::min<std::size_t>(it - cumulative_weights_.begin(), cumulative_weights_.size() - 1));
}

void LoadGenerator::start() {
  if (spec_.closed) {
    if (spec_.stages.empty()) {
      set_users(static_cast<std::uint32_t>(std::floor(spec_.users)));
    } else {
      schedule_user_changes();
    }
    return;
  }
  for (const auto& s : spec_.stages) max_rate_ = std::max(max_rate_, s.target);
  max_rate_ = std::max(max_rate_, spec_.stages.empty() ? spec_.rps : 0.0);
  if (max_rate_ > 0) schedule_next_arrival();
}

// Closed model with stages: the integer user count changes at the instants a linear ramp
// crosses an integer, so one event per added or removed user suffices.
void LoadGenerator::schedule_user_changes() {
  double from = 0;
  Instant stage_start{};
  for (const auto& s : spec_.stages) {
    const double a = from, b = s.target;
    const auto lo = static_cast<std::int64_t>(std::floor(std::min(a, b)));
    const auto hi = static_cast<std::int64_t>(std::floor(std::max(a, b)));
    for (std::int64_t k = lo; k <= hi; ++k) {
      const double level = static_cast<double>(k);
      if (b > a ? (level <= a || level > b) : (level <= b || level > a)) continue;
      // Instant the ramp reaches `level` (up) or drops below it (down).
      const double f = (level - a) / (b - a);
      const Instant at = stage_start + Duration(static_cast<std::int64_t>(std::llround(f * static_cast<double>(s.duration.count()))));
      if (at >= spec_.until) continue;
      const auto n = static_cast<std::uint32_t>(b > a ? k : k - 1);
      loop_.schedule_at(at, [this, n] { set_users(n); });
    }
    if (s.duration.count() == 0 && std::floor(b) != std::floor(a)) {
      loop_.schedule_at(stage_start, [this, n = static_cast<std::uint32_t>(std::floor(b))] { set_users(n); });
    }
    from = b;
    stage_start += s.duration;
  }
}

void LoadGenerator::set_users(std::uint32_t n) {
  if (n > running_.size()) {
    running_.resize(n, false);
    sequence_.resize(n, 0);
  }
  const std::uint32_t before = active_users_;
  active_users_ = n;
  for (std::uint32_t u = before; u < n; ++u) {
    if (!running_[u]) {
      running_[u] = true;
      user_iteration(u);
    }
  }
  // Users at or above n finish their current iteration and stop (k6's graceful ramp-down).
}

void LoadGenerator::user_iteration(std::uint32_t user) {
  if (user >= active_users_ || loop_.now() >= spec_.until) {
    running_[user] = false;
    return;
  }
  const std::uint64_t request = closed_request(user, sequence_[user]++);
  const std::uint32_t endpoint = pick_endpoint(endpoint_draws_.for_call(CallKey{.request = request}));
  sink_.submit(endpoint, user % spec_.user_ids, request, [this, user] { user_answered(user); });
}

void LoadGenerator::user_answered(std::uint32_t user) {
  // Keyed by the request just answered: the user's think times do not depend on the order in
  // which all users' answers arrive.
  const std::uint64_t answered = closed_request(user, sequence_[user] - 1);
  const Duration think = spec_.think.sample(think_draws_.for_call(CallKey{.request = answered}));
  if (think.count() == 0) {
    // Re-enter through the loop so a chain of instant answers cannot recurse without bound.
    loop_.schedule_after(Duration::zero(), [this, user] { user_iteration(user); });
  } else {
    loop_.schedule_after(think, [this, user] { user_iteration(user); });
  }
}

// Open model: a non-homogeneous Poisson process by thinning (Lewis & Shedler): candidates at
// the envelope rate, each kept with probability rate(t) / envelope.
void LoadGenerator::schedule_next_arrival() {
  if (spec_.uniform_arrivals) {
    const double rate = std::max(target_at(loop_.now()), max_rate_ * 1e-3);
    const Duration gap(round_half_away(1e9 / rate));
    if (loop_.now() + gap < spec_.until) loop_.schedule_after(gap, [this] { arrival(); });
    return;
  }
  // Without stages the arrivals stream draws nothing but gaps, so the next gap can be drawn
  // one arrival ahead: the same draws in the same order, but the logarithm's latency is then
  // off the path that files this arrival (measured: 9 % of an M/M/1 run was spent waiting on
  // it). With stages, thinning draws from the same stream between gaps, so no look-ahead.
  Duration gap;
  if (next_gap_.count() >= 0) {
    gap = next_gap_;
  } else {
    gap = draw_gap();
  }
  if (loop_.now() + gap >= spec_.until) return;
  loop_.schedule_drawn_after(gap, [this] { arrival(); });
  if (spec_.stages.empty()) next_gap_ = draw_gap();
}

Duration LoadGenerator::draw_gap() {
  const double u = arrivals_rng_.next_double_open();
  return Duration(round_half_away(-det::log(u) * 1e9 / max_rate_));
}

void LoadGenerator::arrival() {
  bool keep = true;
  if (!spec_.uniform_arrivals && !spec_.stages.empty()) {
    keep = arrivals_rng_.next_double() * max_rate_ < target_at(loop_.now());
  } else if (spec_.uniform_arrivals && target_at(loop_.now()) <= 0) {
    keep = false;
  }
  if (keep) {
    const std::uint32_t endpoint = pick_endpoint(endpoint_draws_.ordered());
    const std::uint64_t user = user_rng_.next_below(spec_.user_ids);
    sink_.submit(endpoint, user, next_request_++, nullptr);
  }
  schedule_next_arrival();
}

}  // namespace faultline::sim

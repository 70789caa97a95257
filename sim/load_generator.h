// LoadGenerator: the clients. Closed model: `users` virtual users that each send a request,
// wait for its answer, then think; open model: arrivals at `rps` (Poisson or evenly spaced)
// whatever the answers. Both follow k6-style linear `stages` when given.
//
//   LoadGenerator load(loop, spec, make_stream(seed, "load"), sink);
//   load.start();              // schedules the first requests; stops issuing at spec.until
//
// Each request gets a number, the key of its random draws (sim/call_key.h), that live mode's
// replay of the plan gives it too: open model, the arrival's index in plan order (0, 1, 2...);
// closed model, (user << 32) | the user's own sequence number, since the users' requests
// interleave in answer order, which live HTTP timing changes. A closed user's endpoint pick and
// its think time after each answer are drawn from that request's key, so each user's plan is
// the same in both modes whatever order the answers come in.
//
// Single-threaded. Streams: arrivals, think times, endpoint and user picks each have their own.
#pragma once

#include <cstdint>
#include <vector>

#include "resilience/clock.h"
#include "resilience/inplace_function.h"
#include "sim/distribution.h"
#include "sim/event_loop.h"
#include "sim/call_draws.h"

namespace faultline::sim {

struct LoadStage {
  Duration duration{};
  double target = 0;  // users (closed) or requests per second (open)
};

struct LoadSpec {
  bool closed = true;
  double users = 1;     // closed: constant users when `stages` is empty
  double rps = 0;       // open: constant rate when `stages` is empty
  bool uniform_arrivals = false;
  Distribution think = Distribution::constant(0);
  std::vector<LoadStage> stages;
  std::vector<double> endpoint_weights;  // > 0 sum
  std::uint64_t user_ids = 0;            // 0: users (closed) or 1000 (open)
  Instant until{};                       // no request is issued at or after this instant
};

// Where requests go. `answered` must be called exactly once per request. `request` is the
// plan's number of the request (see LoadGenerator), from which its calls' keys derive.
class RequestSink {
 public:
  using Answered = InplaceFunction<void(), 24>;
  virtual ~RequestSink() = default;
  virtual void submit(std::uint32_t endpoint, std::uint64_t user, std::uint64_t request, Answered answered) = 0;
};

class LoadGenerator {
 public:
  LoadGenerator(EventLoop& loop, LoadSpec spec, std::uint64_t seed, RequestSink& sink);
  void start();

  // Target users (closed) or rate (open) at instant t, from the stages.
  double target_at(Instant t) const;
  std::uint32_t active_users() const { return active_users_; }

 private:
  void schedule_user_changes();
  void set_users(std::uint32_t n);
  void user_iteration(std::uint32_t user);
  void user_answered(std::uint32_t user);
  void schedule_next_arrival();
  Duration draw_gap();
  void arrival();
  std::uint32_t pick_endpoint(Rng& rng);
  // Closed model: the number of `user`'s request number `sequence`.
  static std::uint64_t closed_request(std::uint32_t user, std::uint32_t sequence) {
    return (static_cast<std::uint64_t>(user) << 32) | sequence;
  }

  EventLoop& loop_;
  LoadSpec spec_;
  RequestSink& sink_;
  Rng arrivals_rng_;
  CallDraws think_draws_;     // closed: keyed by the request just answered
  CallDraws endpoint_draws_;  // closed: keyed by the request; open: in plan order
  Rng user_rng_;
  std::uint64_t next_request_ = 0;  // open model: the next arrival's number
  std::vector<double> cumulative_weights_;
  // Closed model: user i is active iff i < active_users_; `running_[i]` is true while its
  // loop (request or think) is live, so a user re-activated mid-iteration is not doubled.
  std::uint32_t active_users_ = 0;
  std::vector<bool> running_;
  std::vector<std::uint32_t> sequence_;  // closed: requests each user has sent
  double max_rate_ = 0;  // open model: the thinning envelope
  Duration next_gap_{-1};  // open model without stages: the next gap, drawn ahead (-1: none)
};

}  // namespace faultline::sim

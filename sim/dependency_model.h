// DependencyModel: a modelled server with `concurrency` parallel slots and a FIFO queue of at
// most `queue_limit` waiting calls; a call's response time is its queue wait plus a
// service-time draw, and it fails with probability `error_rate`. With concurrency 1,
// exponential service and Poisson arrivals it is an M/M/1 queue (M/M/c for concurrency c).
// A keyed call (CallOptions::key) draws its service time, then its error, from its own keyed
// stream when its service starts; an unkeyed one draws from the stream in call order (service
// time when service starts, the error when it ends).
//
//   DependencyModel db(loop, {.name="postgres", .concurrency=20, .latency=exponential(4)},
//                      CallDraws(seed, "dependency/postgres"));
//   db.call([](CallStatus s) {...});
//
// Single-threaded. No allocation per call in steady state (slots and the queue are reused).
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "sim/dependency.h"
#include "sim/distribution.h"
#include "sim/event_loop.h"
#include "sim/index_ring.h"
#include "sim/call_draws.h"

namespace faultline::sim {

struct DependencySpec {
  std::string name;
  int concurrency = 1;
  std::int64_t queue_limit = std::numeric_limits<std::int64_t>::max();
  Distribution latency = Distribution::constant(0);
  double error_rate = 0;
};

class DependencyModel final : public Dependency {
 public:
  DependencyModel(EventLoop& loop, DependencySpec spec, CallDraws draws);

  using Dependency::call;
  CallId call(Done done, const CallOptions& options) override;
  void abandon(CallId id) override;
  int concurrency() const override { return concurrency_; }
  void set_concurrency(int concurrency) override;

  const DependencySpec& spec() const { return spec_; }
  int busy() const override { return busy_; }
  std::int64_t queued() const { return queued_live_; }

 private:
  struct Slot {
    Done done;
    std::optional<CallKey> key;
    std::uint32_t generation = 0;
    double service_scale = 1.0;
    bool fail = false;  // a keyed call's error, drawn with its service time
    bool queued = false;
    bool abandoned = false;
    bool in_use = false;
  };

  std::uint32_t acquire_slot();
  void release_slot(std::uint32_t index);
  void start_service(std::uint32_t index);
  void finish_service(std::uint32_t index);
  void start_queued();
  static CallId make_id(std::uint32_t index, std::uint32_t generation) {
    return (static_cast<CallId>(generation) << 32) | index;
  }

  EventLoop& loop_;
  DependencySpec spec_;
  CallDraws draws_;
  // Unkeyed calls without errors: the next service time, drawn ahead (-1: none).
  Duration next_service_{-1};
  // Decided once from the spec: service times drawn from a continuous distribution (filed
  // with schedule_drawn_after), and whether an unkeyed call's next one is drawn ahead (a
  // stream that draws service times only, and draws at all).
  bool drawn_latency_;
  bool draw_ahead_;
  int concurrency_;
  int busy_ = 0;
  std::vector<Slot> slots_;
  std::vector<std::uint32_t> free_;
  // FIFO of slot indices; abandoned entries are skipped when they reach the head (lazy
  // removal keeps abandon O(1)).
  IndexRing queue_;
  std::int64_t queued_live_ = 0;
};

}  // namespace faultline::sim

// Dependency: something the API calls (an AI service, a database), seen from the caller.
// sim::DependencyModel is the modelled server; faults::FaultyDependency wraps one and breaks
// what a fault breaks. Callers never learn which they hold.
//
//   CallId id = dep.call([this](CallStatus s) { on_answer(s); });
//   ...timeout...  dep.abandon(id);   // the callback will not run
//
// Single-threaded (the event loop's thread). `done` never runs inside call().
#pragma once

#include <cstdint>
#include <optional>

#include "resilience/inplace_function.h"
#include "sim/call_key.h"
#include "sim/status.h"

namespace faultline::sim {

using CallId = std::uint64_t;

// Per-call data: the call's name, and modifiers a fault may apply to the server's own work.
struct CallOptions {
  // Which call this is: every random decision about it is drawn from this key (see
  // sim/call_draws.h). Absent: the owners' streams in call order.
  std::optional<CallKey> key;
  double service_scale = 1.0;  // multiplies the service-time draw (slowdown)
};

class Dependency {
 public:
  using Done = InplaceFunction<void(CallStatus), 40>;
  virtual ~Dependency() = default;

  // Starts a call; `done` runs exactly once, later, unless the call is abandoned first.
  virtual CallId call(Done done, const CallOptions& options) = 0;
  CallId call(Done done) { return call(std::move(done), CallOptions{}); }

  // The caller gave up (its timeout expired, or its request ended): `done` will not run.
  // A queued call leaves the queue; a call in service keeps its server busy until the
  // service time ends, as a real server that never learns the client left.
  virtual void abandon(CallId id) = 0;

  // Server knobs a capacity fault turns. Returns the concurrency in force.
  virtual int concurrency() const = 0;
  virtual void set_concurrency(int concurrency) = 0;
  // Calls in service now (may exceed concurrency() just after a capacity drop).
  virtual int busy() const = 0;
};

}  // namespace faultline::sim

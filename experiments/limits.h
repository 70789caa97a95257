// The input limits the loader enforces, so that no file, --set value or fuzzer input can make
// it allocate without bound, recurse deeply or feed the simulator absurd figures.
//
//   if (text.size() > kMaxFileBytes) ...   // reported as a Diagnostic, never thrown
//
// Constants only; docs/experiment-file.md lists them for users.
#pragma once

#include <cstddef>
#include <cstdint>

namespace faultline::experiments {

inline constexpr std::size_t kMaxFileBytes = 16u << 20;         // experiment and samples files
inline constexpr int kMaxDepth = 64;                            // nested arrays/objects
inline constexpr std::size_t kMaxItems = 10'000;                // any array or name map
inline constexpr std::size_t kMaxEmpiricalPoints = 100'000;     // empirical{points}
inline constexpr std::size_t kMaxEmpiricalSamples = 2'000'000;  // empirical{file}
inline constexpr std::size_t kMaxNameBytes = 100;               // names of anything
inline constexpr std::size_t kMaxTextBytes = 64u << 10;         // description, other strings
inline constexpr std::size_t kMaxOverrideBytes = 1u << 20;      // one --set argument

inline constexpr double kMaxSeconds = 30.0 * 24 * 3600;     // any _s value: 30 days
inline constexpr double kMaxMillis = kMaxSeconds * 1000;    // any _ms value or draw
inline constexpr std::int64_t kMaxUsers = 1'000'000;        // closed-model users
inline constexpr double kMaxRps = 1'000'000;                // open-model rate
// The smallest open-model rate (rps, or a stage's target_rps other than 0): the gap between
// arrivals, up to 37 / rate seconds for Poisson arrivals, must fit in int64 nanoseconds.
inline constexpr double kMinRps = 1e-6;
inline constexpr std::int64_t kMaxConcurrency = 1'000'000;  // workers, concurrency, bulkheads
inline constexpr std::int64_t kMaxQueue = 1'000'000'000;    // queue limits, cache sizes
inline constexpr std::int64_t kMaxCount = 1'000'000'000;    // thresholds, call counts
inline constexpr std::int64_t kMaxAttempts = 100;           // retry max_attempts
inline constexpr double kMaxWeight = 1e9;                   // endpoint weight
// Slowdown factor, and the product of one target's slowdowns (they may overlap): the simulator
// scales draws of up to 1e15 ns by it, which must stay inside int64 nanoseconds.
inline constexpr double kMaxFactor = 1000;
inline constexpr std::int64_t kMaxUserIds = 1'000'000'000;  // load.user_ids
inline constexpr std::int64_t kMaxSweepSeeds = 10'000;
inline constexpr std::size_t kMaxSweepValues = 1'000;  // values of one sweep parameter
inline constexpr std::int64_t kMaxSweepSamples = 1'000'000;  // random-search combinations
// explore: schedules times seeds, faults per schedule, templates, and the template corners
// (kinds x targets x 2) the loader validates one by one.
inline constexpr std::int64_t kMaxExploreRuns = 1'000'000;
// The adversarial search's climbers and moves per climber and round (explore.search).
inline constexpr std::int64_t kMaxExploreRestarts = 100;
inline constexpr std::int64_t kMaxExploreNeighbors = 100;
inline constexpr std::int64_t kMaxExploreFaults = 20;
inline constexpr std::size_t kMaxExploreTemplates = 100;
inline constexpr std::size_t kMaxExploreCorners = 2'000;

// The run budget (experiments/run_budget.h): each figure bounds what one accepted file costs,
// estimated before the run. A day at 1,000 rps is 86.4 million requests; a billion is hours
// of simulation.
inline constexpr double kMaxRequests = 1e9;              // requests the clients send in a run
inline constexpr double kMinMeanThinkMillis = 0.001;     // closed model: mean think time (1 us)
inline constexpr std::size_t kMaxCallsPerRequest = 10'000;  // dependency calls of one request
inline constexpr double kMaxDependencyCalls = 1e10;      // dependency calls in a run (estimated)
inline constexpr double kMaxRecordBytes = 1024.0 * 1024 * 1024;  // per-second records: 1 GiB
inline constexpr double kMaxAlertEvaluations = 1e9;      // rule x second (x breaker) steps
// Closed-model stages: users added and removed over all stages, each change an event scheduled
// when the run starts (a million users up and down once).
inline constexpr double kMaxUserChanges = 2'000'000;
// Requests in flight at once (closed: users; open: workers + queue_limit) x the calls one
// request has in flight at once (its degradation services, else 1): about 250 bytes each.
inline constexpr double kMaxInFlight = 4'000'000;
// Distinct windows of windowed sli expectations: each costs a latency histogram (58 KB) and a
// test per answered request.
inline constexpr std::size_t kMaxCheckWindows = 100;

}  // namespace faultline::experiments

// Metrics: what a run measured, recorded by the models as the simulation runs and read by
// monitoring/ afterwards (SLIs, checks, alerts, reports). Memory does not grow with the run's
// length: histograms are fixed-size, and the per-second timeline (rows, breaker states, window
// quantiles) is spilled to a temporary file as it grows (SpilledVector).
//
//   Metrics m(MetricsLayout{...});
//   m.on_request_done(issued_at, now, 200, /*success=*/true, /*degraded=*/false);
//   m.close_second(now);   // called by the world every virtual second
//
// Single-threaded (the event loop's thread).
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "resilience/clock.h"
#include "sim/histogram.h"
#include "sim/labelled_series.h"
#include "sim/spilled_vector.h"

namespace faultline::sim {

// One virtual second of the run. Counts are of requests *answered* in that second.
struct TimelineRow {
  std::uint32_t issued = 0;      // requests sent by clients
  std::uint32_t answered = 0;    // requests answered (any status)
  std::uint32_t succeeded = 0;   // expected status (degraded included)
  std::uint32_t degraded = 0;
  std::uint32_t server_errors = 0;  // 5xx
  std::uint32_t rejected = 0;       // 503
  std::uint32_t timeouts = 0;       // 504
  std::uint32_t rate_limited = 0;   // 429
  std::uint32_t client_timeouts = 0;  // 499: the client gave up (its timeout)
  float p50_ms = 0, p95_ms = 0, p99_ms = 0;  // of the requests answered this second
  std::uint32_t busy_workers = 0;   // at the end of the second
  std::uint32_t queued = 0;         // API queue length at the end of the second
  std::uint32_t in_flight = 0;      // requests issued and not answered, at the end
  std::uint64_t active_faults = 0;  // bit i: fault i was active at some point in this second
};

struct DependencyMetrics {
  std::string name;
  std::uint64_t calls = 0;      // calls that reached the dependency (retries included)
  std::uint64_t errors = 0;     // error, refused or rejected answers
  std::uint64_t timeouts = 0;   // calls abandoned by the caller's timeout
  LatencyHistogram latency;     // answered calls, as the caller saw them
};

struct BreakerTransitionRecord {
  Instant at{};
  std::string from;
  std::string to;
  std::string reason;
};

struct BreakerMetrics {
  std::string name;
  std::string type;
  std::uint64_t rejected = 0;
  std::uint64_t calls_while_open = 0;
  std::vector<BreakerTransitionRecord> transitions;
  std::string state_at_end = "CLOSED";
  std::uint64_t failure_count_at_end = 0;
  std::string health_at_end = "healthy";
};

struct FaultMetrics {
  std::string label;     // e.g. "outage openai"
  Instant start{};
  Instant end{};         // the run's end when the fault lasts to the end
  std::uint64_t hits = 0;  // calls (or requests, for api faults) the fault changed
};

struct CoalescingMetrics {
  std::uint64_t requests = 0, executions = 0, cache_hits = 0, joined_in_flight = 0;
  // Executions started while one of the same key ran (sim/step_coalescer.h): 0 unless the
  // coalescer is broken; explore's invariant checks it.
  std::uint64_t overlapping_executions = 0;
};

// State of every breaker at the end of each second, for the timeline and alert rules.
enum class BreakerSecondState : std::uint8_t { kClosed = 0, kHalfOpen = 1, kOpen = 2 };

struct MetricsLayout {
  Duration duration{};     // virtual duration of the run (load stops there)
  Duration warmup{};       // requests issued before this are not counted in the totals
  std::vector<std::string> dependencies;
  std::vector<std::string> breakers;   // names, in a fixed order
  std::vector<std::string> breaker_types;
  std::vector<std::string> faults;     // labels
  std::vector<std::string> endpoints;  // names, in the order of the models' endpoint indices
  std::vector<int> statuses;  // statuses the file can give (expected statuses, fault statuses)
  std::vector<Duration> latency_windows;  // sliding windows whose P95/P99 each second is kept
  // Windows of issue instants, [first, second), over which totals and latencies are kept for
  // `expect` items judged on part of the run.
  std::vector<std::pair<Instant, Instant>> check_windows;
};

// The requests issued within one check window (and answered by the run's end).
struct WindowTotals {
  std::uint64_t total = 0, succeeded = 0, server_errors = 0;
  std::uint64_t errors = 0;  // the error-rate numerator: 5xx, client timeouts, no answer
  LatencyHistogram latency;
};

class Metrics {
 public:
  explicit Metrics(const MetricsLayout& layout);

  // --- recording (hot path: O(1), no allocation) ---
  void on_request_issued(Instant now);
  // A request to endpoint `endpoint` (index into layout().endpoints; 0 when it names none)
  // issued at `issued` got `status` at `now`.
  void on_request_done(Instant issued, Instant now, int status, bool success, bool degraded,
                       std::size_t endpoint = 0);
  void on_dependency_answer(std::size_t dep, Duration latency, bool ok);
  void on_dependency_timeout(std::size_t dep) {
    ++dependencies_[dep].timeouts;
    series_.on_dependency_timeout(dep);
  }
  void on_dependency_call(std::size_t dep) {
    ++dependencies_[dep].calls;
    series_.on_dependency_call(dep);
  }
  void on_fault_active(std::size_t fault) { current_.active_faults |= (1ull << (fault & 63)); }
  void on_fault_hit(std::size_t fault) { ++faults_[fault].hits; }

  // Closes the second that ends at `now` (a multiple of 1 s): stores its row, with the gauges
  // and the breakers' states supplied by the world.
  void close_second(std::uint32_t busy_workers, std::uint32_t queued,
                    const std::vector<BreakerSecondState>& breaker_states);
  // After the run (its drain, and requests failed for no answer): the labelled series keep
  // what was answered since the last second, ended at `now`, for metrics.om's last sample.
  void close_drain(Instant now) { series_.close_drain(now); }

  // --- results ---
  struct Totals {
    std::uint64_t total = 0, succeeded = 0, failed = 0, degraded = 0, server_errors = 0;
    std::uint64_t client_timeouts = 0;  // 499: the client's timeout expired first
    std::uint64_t unanswered = 0;       // 0: no answer by the end of the drain, counted as failed
    std::uint64_t errors = 0;           // the error-rate numerator: server_errors + the two above
    // Requests with no answer at the end of the drain: `unanswered` when the file counts them
    // (the default), otherwise left out of `total`.
    std::uint64_t unfinished = 0;
    std::map<int, std::uint64_t> by_status;
  };
  const Totals& totals() const { return totals_; }
  Totals& mutable_totals() {
    last_status_count_ = nullptr;  // the caller may reshape by_status
    return totals_;
  }
  const LatencyHistogram& latency() const { return latency_; }
  const SpilledVector<TimelineRow>& timeline() const { return timeline_; }
  // Breaker state at the end of second s (row s) for breaker b.
  BreakerSecondState breaker_state(std::size_t second, std::size_t b) const {
    return breaker_states_[second * layout_.breakers.size() + b];
  }
  // P95/P99 over the sliding window w ending at second s (row s), in ms; 0 with no answers.
  float window_p95_ms(std::size_t second, std::size_t w) const {
    return window_quantiles_[(second * layout_.latency_windows.size() + w) * 2];
  }
  float window_p99_ms(std::size_t second, std::size_t w) const {
    return window_quantiles_[(second * layout_.latency_windows.size() + w) * 2 + 1];
  }
  const MetricsLayout& layout() const { return layout_; }
  // Totals of check window w (layout().check_windows[w]).
  const WindowTotals& check_window(std::size_t w) const { return check_windows_[w]; }
  std::vector<DependencyMetrics>& dependencies() { return dependencies_; }
  const std::vector<DependencyMetrics>& dependencies() const { return dependencies_; }
  std::vector<BreakerMetrics>& breakers() { return breakers_; }
  const std::vector<BreakerMetrics>& breakers() const { return breakers_; }
  std::vector<FaultMetrics>& faults() { return faults_; }
  const std::vector<FaultMetrics>& faults() const { return faults_; }
  CoalescingMetrics& coalescing() { return coalescing_; }
  const CoalescingMetrics& coalescing() const { return coalescing_; }
  std::uint64_t in_flight() const { return in_flight_; }
  // Per-second counts by endpoint, status and dependency (metrics.om).
  const LabelledSeries& labelled_series() const { return series_; }

 private:
  struct Window {
    Duration length{};
    std::size_t seconds = 0;
    std::vector<CoarseLatencyHistogram> ring;  // one per second, `seconds` long (3.1% above at most)
    std::size_t head = 0;                // the current second
    CoarseLatencyHistogram sum;                // the sum of the ring
  };

  MetricsLayout layout_;
  Totals totals_;
  LatencyHistogram latency_;        // requests counted in the totals
  LatencyHistogram second_latency_;  // requests answered in the current second
  TimelineRow current_;
  SpilledVector<TimelineRow> timeline_;
  SpilledVector<BreakerSecondState> breaker_states_;
  SpilledVector<float> window_quantiles_;
  LabelledSeries series_;
  std::vector<Window> windows_;
  std::vector<WindowTotals> check_windows_;
  std::vector<DependencyMetrics> dependencies_;
  std::vector<BreakerMetrics> breakers_;
  std::vector<FaultMetrics> faults_;
  CoalescingMetrics coalescing_;
  std::uint64_t in_flight_ = 0;
  // The by_status counter of the last status counted: nearly every answer has the same status
  // as the one before, and a map node never moves, so the hot path skips the map lookup.
  int last_status_ = 0;
  std::uint64_t* last_status_count_ = nullptr;
};

}  // namespace faultline::sim

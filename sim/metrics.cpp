#include "sim/metrics.h"

#include <algorithm>
#include <cassert>

#include "sim/status.h"

namespace faultline::sim {

namespace {
float ms_of(Duration d) { return static_cast<float>(to_millis(d)); }
}  // namespace

Metrics::Metrics(const MetricsLayout& layout)
    : layout_(layout),
      series_(LabelledSeriesLayout{layout.endpoints.size(), layout.statuses, layout.dependencies.size()}) {
  for (const auto& d : layout.dependencies) dependencies_.push_back(DependencyMetrics{d, 0, 0, 0, {}});
  for (std::size_t i = 0; i < layout.breakers.size(); ++i) {
    BreakerMetrics b;
    b.name = layout.breakers[i];
    b.type = i < layout.breaker_types.size() ? layout.breaker_types[i] : "";
    breakers_.push_back(std::move(b));
  }
  for (const auto& f : layout.faults) faults_.push_back(FaultMetrics{f, {}, {}, 0});
  check_windows_.resize(layout.check_windows.size());
  for (Duration w : layout.latency_windows) {
    Window win;
    win.length = w;
    win.seconds = static_cast<std::size_t>(std::max<std::int64_t>(1, std::chrono::ceil<std::chrono::seconds>(w).count()));
    win.ring.resize(win.seconds);
    windows_.push_back(std::move(win));
  }
}

void Metrics::on_request_issued(Instant now) {
  ++current_.issued;
  ++in_flight_;
}

void Metrics::on_request_done(Instant issued, Instant now, int status, bool success, bool degraded,
                              std::size_t endpoint) {
  assert(in_flight_ > 0 && "a request answered that was never issued, or answered twice");
  assert(now >= issued);
  --in_flight_;
  const Duration latency = now - issued;
  ++current_.answered;
  if (success) ++current_.succeeded;
  if (degraded) ++current_.degraded;
  if (is_server_error(status)) ++current_.server_errors;
  if (status == kStatusUnavailable) ++current_.rejected;
  if (status == kStatusGatewayTimeout) ++current_.timeouts;
  if (status == kStatusTooManyRequests) ++current_.rate_limited;
  if (status == kStatusClientTimeout) ++current_.client_timeouts;
  second_latency_.record(latency);
  series_.on_request(endpoint, status, latency);
  for (auto& w : windows_) w.ring[w.head].record(latency);
  for (std::size_t i = 0; i < check_windows_.size(); ++i) {
    const auto& [from, to] = layout_.check_windows[i];
    if (issued < from || issued >= to) continue;
    WindowTotals& c = check_windows_[i];
    ++c.total;
    if (success) ++c.succeeded;
    if (is_server_error(status)) ++c.server_errors;
    if (counts_as_error(status)) ++c.errors;
    c.latency.record(latency);
  }
  if (issued < layout_.warmup) return;
  ++totals_.total;
  if (success) {
    ++totals_.succeeded;
  } else {
    ++totals_.failed;
  }
  if (degraded) ++totals_.degraded;
  if (is_server_error(status)) ++totals_.server_errors;
  if (counts_as_error(status)) {
    ++totals_.errors;
    if (status == kStatusClientTimeout) ++totals_.client_timeouts;
    if (status == kStatusNoAnswer) ++totals_.unanswered;
  }
  if (last_status_count_ == nullptr || status != last_status_) {
    last_status_ = status;
    last_status_count_ = &totals_.by_status[status];
  }
  ++*last_status_count_;
  latency_.record(latency);
}

void Metrics::on_dependency_answer(std::size_t dep, Duration latency, bool ok) {
  auto& d = dependencies_[dep];
  if (!ok) ++d.errors;
  d.latency.record(latency);
  series_.on_dependency_answer(dep, latency, ok);
}

void Metrics::close_second(std::uint32_t busy_workers, std::uint32_t queued,
                           const std::vector<BreakerSecondState>& breaker_states) {
  current_.busy_workers = busy_workers;
  current_.queued = queued;
  current_.in_flight = static_cast<std::uint32_t>(in_flight_);
  if (second_latency_.count() > 0) {
    static constexpr double kSecondQuantiles[3] = {0.50, 0.95, 0.99};
    Duration q[3];
    second_latency_.quantiles(kSecondQuantiles, 3, q);
    current_.p50_ms = ms_of(q[0]);
    current_.p95_ms = ms_of(q[1]);
    current_.p99_ms = ms_of(q[2]);
  }
  timeline_.push_back(current_);
  series_.close_second();
  for (const BreakerSecondState b : breaker_states) breaker_states_.push_back(b);
  for (auto& w : windows_) {
    // ring[head] holds this second: fold it into the sum and report; then the oldest second
    // becomes the new head and leaves the sum before it is reused.
    w.sum.merge(w.ring[w.head]);
    const bool any = w.sum.count() > 0;
    static constexpr double kWindowQuantiles[2] = {0.95, 0.99};
    Duration q[2];
    w.sum.quantiles(kWindowQuantiles, 2, q);
    window_quantiles_.push_back(any ? ms_of(q[0]) : 0.0f);
    window_quantiles_.push_back(any ? ms_of(q[1]) : 0.0f);
    w.head = (w.head + 1) % w.seconds;
    w.sum.subtract(w.ring[w.head]);
    w.ring[w.head].clear();
  }
  current_ = TimelineRow{};
  second_latency_.clear();
}

}  // namespace faultline::sim

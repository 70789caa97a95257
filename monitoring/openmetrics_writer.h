// metrics.om: the run's per-second series in OpenMetrics text format 1.0.0, under the metric
// names a Prometheus-instrumented service exposes (the guide's http_requests_total and
// http_request_duration_seconds, and the harness's own gauges), so that
// `promtool tsdb create-blocks-from openmetrics metrics.om DIR` makes a TSDB block that the
// team's own rules and Grafana dashboards read unchanged (docs/reports.md).
//
//   write_file_atomic(dir + "/metrics.om", openmetrics_writer(run), &error);   // streamed
//
// One sample per series per virtual second, stamped report.metrics_epoch_s + the second's end;
// one more sample of the counters and histograms after the drain when it answered anything.
// Families (in this order): http_requests_total{endpoint,status},
// http_request_duration_seconds{endpoint}, dependency_calls_total / dependency_errors_total /
// dependency_timeouts_total {dependency,type}, dependency_call_duration_seconds{dependency,type},
// circuit_breaker_state{name,type} (0 CLOSED, 1 HALF_OPEN, 2 OPEN), http_requests_in_flight,
// api_workers_busy, api_queue_length, faultline_fault_active{fault,index}; then `# EOF`.
// Byte-identical for identical metrics; pure function; thread-safe on distinct inputs.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "monitoring/atomic_file.h"
#include "monitoring/evaluation.h"

namespace faultline::monitoring {

std::string openmetrics_text(const RunOutcome& run);

// The same text in pieces of about 64 KiB: a day-long run's file (about 200 MB for one
// endpoint and one dependency) is never held whole. `run` must outlive the writer.
ContentWriter openmetrics_writer(const RunOutcome& run);

// The virtual instant of record r's samples (sim::LabelledSeries records; the timeline's rows
// for gauges): the end of its second (the run's end for a partial last second); for the drain's
// record, the first whole second at or after the drain's end later than the last second's.
Duration openmetrics_sample_at(const RunOutcome& run, std::size_t record);

// A label value with OpenMetrics escapes: backslash, double quote and line feed.
std::string openmetrics_label_value(std::string_view text);

// Seconds since the Unix epoch of `epoch_s` + `at`, as OpenMetrics writes a timestamp: an
// integer when whole, otherwise with the fractional digits it needs (at most 9).
std::string openmetrics_timestamp(std::int64_t epoch_s, Duration at);

}  // namespace faultline::monitoring

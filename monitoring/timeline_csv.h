// timeline.csv: the run's per-virtual-second timeline (contract section 5), one row per
// second, for spreadsheets and plotting tools.
//
//   write_file_atomic(dir + "/timeline.csv", timeline_csv_writer(run), &error);   // streamed
//
// Row s covers virtual time [s, s+1). Columns: second, issued, answered, succeeded, degraded,
// errors_5xx, rejected_503, timeouts_504, rate_limited_429, p50_ms, p95_ms, p99_ms (3 decimals),
// busy_workers, queued, in_flight, active_faults (fault indices joined by ';', empty when
// none), then one `breaker:<name>` column per breaker (CLOSED / OPEN / HALF_OPEN at the end of
// the second). RFC 4180 quoting; "\n" line ends; byte-identical for identical metrics.
// Pure function; thread-safe on distinct inputs.
#pragma once

#include <string>
#include <string_view>

#include "monitoring/atomic_file.h"
#include "monitoring/evaluation.h"

namespace faultline::monitoring {

std::string timeline_csv(const RunOutcome& run);

// The same text in pieces of about 64 KiB, so that a day-long run's file (8 MB) is never held
// whole. `run` must outlive the writer.
ContentWriter timeline_csv_writer(const RunOutcome& run);

// A CSV field, quoted (with doubled quotes) only when it holds a comma, quote or line break.
std::string csv_field(std::string_view text);

// "CLOSED", "HALF_OPEN" or "OPEN".
std::string_view breaker_state_name(sim::BreakerSecondState state);

}  // namespace faultline::monitoring

// The guide's health-check response ("Réponse Health Check") for a run stopped at a virtual
// instant: status, timestamp, uptime, the SLIs with target, status and trend, and every circuit
// breaker keyed "type:name". What `faultline health FILE --at S` prints.
//
//   std::puts(health_report(run).dump(2).c_str());
//
// Pure functions; thread-safe on distinct inputs.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "monitoring/evaluation.h"

namespace faultline::monitoring {

// status: "unhealthy" when an SLI is breaching; "degraded" when one is at risk or a breaker
// is not CLOSED; else "healthy". timestamp: virtual time on the Unix epoch, see
// virtual_timestamp. uptime: virtual seconds since the start. slis: the guide's display names
// ("Availability", "Latency P95", "Latency P99", "Error Rate", "Throughput"), target null when
// the experiment sets none. Numbers rounded like summary.json.
nlohmann::ordered_json health_report(const RunOutcome& run);

// The same report from SLIs already computed (compute_slis), for callers that have them.
nlohmann::ordered_json health_report(const RunOutcome& run, const std::vector<SliResult>& slis);

// ISO-8601 UTC of the virtual instant counted from 1970-01-01T00:00:00Z, to the millisecond
// when it has a fraction: 121.4 s -> "1970-01-01T00:02:01.400Z", 3600 s -> "1970-01-01T01:00:00Z".
// Parseable by any ISO-8601 reader, and never the wall clock (reports stay reproducible).
std::string virtual_timestamp(Instant at);

}  // namespace faultline::monitoring

// summary.json (contract section 5): the run's deterministic result, keys in the contract's
// order. No wall-clock figure; every number rounded to 3 decimals, so that the same experiment
// and seed give the same bytes on every machine.
//
//   write_file_atomic(dir + "/summary.json", dump_summary(summary_json(run, evaluation)), &error);
//
// Pure functions; thread-safe on distinct inputs.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "monitoring/evaluation.h"

namespace faultline::monitoring {

// A number for the results: rounded half away from zero to 3 decimals; written without a
// fraction when the rounded value is whole (900, not 900.0); -0 becomes 0; NaN and infinities
// become null.
nlohmann::ordered_json json_number(double value);

// "latency", "slowdown", "error", "outage", "hang", "capacity", "flapping".
std::string fault_kind_name(experiments::FaultKind kind);

// The contract's fields in its order; within an object, additions follow the contract's keys
// (documented in docs/monitoring.md): warmup_s after duration_s; requests.server_errors and
// unfinished; slis[].trend; dependencies.*.timeouts; faults[{index, target, kind, label,
// start_s, end_s, hits}] after coalescing; alerts[].severity and pending_at_s (resolved_at_s
// null while still firing); checks[].pointer (the expect item, empty for SLO checks).
nlohmann::ordered_json summary_json(const RunOutcome& run, const Evaluation& evaluation);

// Two-space indent and a trailing newline; invalid UTF-8 in names is replaced, never thrown.
std::string dump_summary(const nlohmann::ordered_json& summary);

}  // namespace faultline::monitoring

// Internal to the report.html writer (html_report.cpp): the page's sections, each returning
// an HTML fragment, split by concern to keep each source small.
//
//   page += charts_section(run, evaluation);
//
// Pure functions; thread-safe on distinct inputs.
#pragma once

#include <string>

#include "monitoring/evaluation.h"

namespace faultline::monitoring::html {

// The three time charts: latency, throughput/errors, breaker lanes.
std::string charts_section(const RunOutcome& run, const Evaluation& evaluation);
// SLIs, checks, alerts, faults, breakers (with transitions), dependencies, statuses.
std::string tables_section(const RunOutcome& run, const Evaluation& evaluation);

// Colour of a breaker state name ("CLOSED" green, "OPEN" red, "HALF_OPEN" amber).
const char* breaker_state_colour(std::string_view state);

}  // namespace faultline::monitoring::html

// Internal to the report.html writer (html_report.cpp): the page's sections, each returning
// an HTML fragment, split by concern to keep each source small.
//
//   page += charts_section(run, evaluation);
//
// Pure functions; thread-safe on distinct inputs.
#pragma once

#include <string>

#include "monitoring/evaluation.h"
#include "monitoring/fidelity.h"

namespace faultline::monitoring::html {

// The three time charts: latency, throughput/errors, breaker lanes; with `live` and its
// simulated run, the simulated series dashed beside the live ones and both breakers' lanes.
std::string charts_section(const RunOutcome& run, const Evaluation& evaluation,
                           const LiveComparison* live = nullptr);
// A live run's "Live vs simulation" section: the fidelity table (per SLI sim, live, diff,
// rel_diff; breaker transitions with both instants; alerts; the verdict). Empty without a
// comparison.
std::string fidelity_section(const LiveComparison* live);
// SLIs, checks, alerts, faults, breakers (with transitions), dependencies, statuses.
std::string tables_section(const RunOutcome& run, const Evaluation& evaluation);

// A status mark drawn as inline SVG in the text's colour: emoji (U+2705, U+274C, U+26A0) render
// as empty boxes where no emoji font is installed (a Debian server, headless Chromium). The
// mark is decoration (aria-hidden): the words beside it carry the status.
enum class Mark { kPass, kFail, kWarn };
std::string status_mark(Mark mark);

// Colour of a breaker state name ("CLOSED" green, "OPEN" red, "HALF_OPEN" amber).
const char* breaker_state_colour(std::string_view state);

}  // namespace faultline::monitoring::html

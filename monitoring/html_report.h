// report.html: one self-contained page per run (contract section 5) — header with the verdict,
// the guide's load-test figures, inline-SVG charts (latency P50/P95/P99, throughput and 5xx,
// breaker states; fault windows and alert firings shaded) and the SLI, check, alert, fault,
// breaker and dependency tables. No network, no script libraries; the charts render without
// JavaScript (a few inline lines only add hover read-outs). A live run's page also shows the
// simulation of the same file and seed beside it (LiveComparison).
//
//   write_file_atomically(dir / "report.html", html_report(run, evaluation));
//
// Deterministic (no wall-clock figures). Pure function; thread-safe on distinct inputs.
#pragma once

#include <string>
#include <vector>

#include "monitoring/evaluation.h"
#include "monitoring/fidelity.h"

namespace faultline::monitoring {

// Series longer than this are downsampled for the SVG (see docs/reports.md): per bucket the
// max for P95/P99 and 5xx, so spikes stay visible, and the mean for P50 and throughput.
inline constexpr std::size_t kMaxChartPoints = 1500;

// `live`: the run is a live one (`faultline live`); with its comparison, the simulated series
// are drawn dashed on the same charts and a "Live vs simulation" section shows the fidelity.
std::string html_report(const RunOutcome& run, const Evaluation& evaluation,
                        const std::vector<std::string>& set_args = {},
                        const LiveComparison* live = nullptr);

}  // namespace faultline::monitoring

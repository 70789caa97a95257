// sweep.html: a sweep's response surface as a self-contained page (inline SVG, no script, no
// URL): one figure per metric of interest (the objective, then each constraint's metric) — a
// heat map over two parameters, or a line with 95% intervals over one — and the ranking table.
//
//   write_file_atomic(dir + "/sweep.html", sweep_html(plan, summary), &error);
//
// With more than two parameters, each cell shows the best-ranked point among those sharing its
// two values; random searches are drawn as scatter plots. Pure function; thread-safe.
#pragma once

#include <string>

#include "sweep/sweep_plan.h"
#include "sweep/sweep_report.h"

namespace faultline::sweep {

std::string sweep_html(const SweepPlan& plan, const SweepSummary& summary);

}  // namespace faultline::sweep

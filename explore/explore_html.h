// explore.html: an explore's report section as a self-contained page (inline SVG, no script,
// no URL) — the budget and verdict, the failure groups with their reproducers, the objective's
// worst schedule and the adversarial search's progress (the worst value after each round),
// and one row per schedule.
//
//   write_file_atomic(dir + "/explore.html", explore_html(report), &error);
//
// Built from explore.json alone, so it is as deterministic as that file. Pure; thread-safe.
#pragma once

#include <string>

namespace faultline::explore {

struct ExploreReport;

std::string explore_html(const ExploreReport& report);

}  // namespace faultline::explore

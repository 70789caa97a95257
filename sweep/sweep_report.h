// SweepReport: a finished sweep's conclusions — per point, the mean and 95% confidence
// interval (Student t over the seeds) of every metric, the check pass rate, whether it meets
// the constraints, its rank — and their forms: sweep.json, sweep.csv, the recommended
// configuration (JSON overrides and a .env with the guide's variable names), the console
// ranking, and the progress line shown while the runs go.
//
//   SweepSummary s = summarize(plan, results);     // results: every run, in plan order
//   write_file_atomic(dir + "/sweep.json", sweep_json(plan, s), &error);
//
// Pure functions (SweepProgress aside, which writes to a terminal); thread-safe on distinct inputs.
#pragma once

#include <chrono>
#include <cstdio>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sweep/sweep_plan.h"
#include "sweep/sweep_runs.h"

namespace faultline::sweep {

struct MetricStats {
  std::size_t n = 0;
  double mean = 0;
  double stddev = 0;                      // sample standard deviation (n - 1)
  std::optional<double> ci_low, ci_high;  // 95% interval of the mean; absent with one seed
};

struct PointSummary {
  std::size_t point = 0;                                     // index in SweepPlan::points
  std::vector<std::pair<std::string, MetricStats>> metrics;  // sweep_metric_names order
  std::vector<std::pair<std::string, double>> checks;        // pass rate of each check (0-1)
  double check_pass_rate = 0;         // share of runs whose checks all passed (0-1)
  std::vector<bool> constraints_met;  // one per SweepPlan::constraints
  bool feasible = true;
  int rank = 0;  // 1 = best

  const MetricStats* metric(const std::string& name) const;
};

struct SweepSummary {
  std::vector<PointSummary> points;  // plan order
  std::vector<std::size_t> ranking;  // point indices, best first
  std::optional<std::size_t> best;   // the best point meeting every constraint
};

// t(0.975, df): the Student t quantile for a two-sided 95% interval.
double student_t_975(int df);
// Mean, standard deviation and the t interval of the mean, clipped to [lo, hi]: a metric's own
// range (availability 0-100, checks_passed 0-1...), which the symmetric t interval of a
// few bounded values can overshoot.
MetricStats metric_stats(const std::vector<double>& values, double lo, double hi);
// The range of a metric's values: [0, 100] for percentages, [0, 1] for checks_passed, else
// [0, infinity).
std::pair<double, double> metric_range(const std::string& metric);

// `results` holds every run of the plan in plan order (all_runs()). Ranking: points meeting
// every constraint first, then by the objective's mean (better first), then by plan order.
SweepSummary summarize(const SweepPlan& plan, const std::vector<RunResult>& results);

// Deterministic: no wall-clock figure, no path; numbers rounded to 3 decimals.
std::string sweep_json(const SweepPlan& plan, const SweepSummary& summary);
// One row per point, in plan order: id, rank, feasible, parameters, then per metric its mean,
// ci95_low and ci95_high, then check_pass_rate.
std::string sweep_csv(const SweepPlan& plan, const SweepSummary& summary);
// The best point's values as {"experiment", "point", "overrides": {path: value}}.
std::string recommended_json(const SweepPlan& plan, const SweepSummary& summary);
// The best point as the guide's environment variables; parameters without one are comments.
std::string recommended_env(const SweepPlan& plan, const SweepSummary& summary);
// The guide's variable for a dotted path (CIRCUIT_BREAKER_FAILURE_THRESHOLD...), or "".
std::string env_variable(const std::string& path);

// The console ranking: the `top` best points (0: all) with the objective's and constraints'
// metrics, then the best point and how to run it.
std::string ranking_table(const SweepPlan& plan, const SweepSummary& summary, std::size_t top,
                          bool colour);

struct PublishOptions {
  bool quiet = false;  // one line instead of the ranking
  bool colour = false;
  std::size_t top = 10;
};
// Summarizes `results` (every run, in plan order) and writes into `dir`: sweep.json, sweep.csv,
// sweep.html and, when a point meets the constraints, recommended.json and recommended.env
// (an earlier sweep's recommendation is removed otherwise). Each file is written atomically.
// Prints the ranking on stdout. Returns 0 (a best point exists), 1 (none does) or 2 (I/O error).
int publish_sweep(const SweepPlan& plan, const std::vector<RunResult>& results,
                  const std::string& dir, const PublishOptions& options);

}  // namespace faultline::sweep

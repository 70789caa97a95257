// The series a PromQL expression reads: the run's own (the ones metrics.om holds, sample for
// sample: same names, labels and instants) and the recording rules' output.
//
//   SeriesStore s = SeriesStore::from_run(run, [](const std::string& n) { return n == "http_requests_total"; });
//   for (const Series& x : s.series()) ...
//
// Times are milliseconds of virtual time since the run's start (metrics.om adds
// report.metrics_epoch_s). Only the families a rule names are built: a day-long run's selected
// series cost 8 bytes a sample each. Single-threaded.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "monitoring/evaluation.h"
#include "monitoring/promql_ast.h"

namespace faultline::monitoring::promql {

// Prometheus's staleness marker: a NaN with this bit pattern ends a series (a recording rule's
// output that disappeared); an instant selector does not look past it.
double stale_marker();
bool is_stale_marker(double v);

struct Series {
  Labels labels;
  std::shared_ptr<std::vector<std::int64_t>> times;  // ascending; may be longer than values (a shared grid)
  std::vector<double> values;
};

class SeriesStore {
 public:
  // The run's families whose metric name `wanted` accepts (an empty name asks for all of them).
  static SeriesStore from_run(const RunOutcome& run, const std::function<bool(const std::string&)>& wanted);

  // A series of explicit samples (tests, and the rule manager's recorded series).
  void add(Labels labels, std::vector<std::int64_t> times, std::vector<double> values);
  // Appends one sample to the series with these labels (created when new): times must ascend.
  void append(const Labels& labels, std::int64_t t, double v);

  const std::vector<Series>& series() const { return series_; }
  // The latest sample instant of any series of the run (not of recorded series); -1 when none.
  std::int64_t last_run_sample() const { return last_run_sample_; }

 private:
  std::vector<Series> series_;
  std::int64_t last_run_sample_ = -1;
};

// Prometheus's order of label sets: label by label, name then value.
bool labels_less(const Labels& a, const Labels& b);
// The value of label `name`, or "" (Prometheus's absent label).
const std::string& label_value(const Labels& labels, const std::string& name);

}  // namespace faultline::monitoring::promql

// PromQL's functions over samples, as Prometheus 2.42 computes them (promql/functions.go and
// quantile.go), for monitoring/promql_evaluator.h: the same arithmetic in the same order, so
// that a threshold compares the same double.
//
//   double r;  extrapolated_rate(times, values, n, start_ms, end_ms, true, true, &r);
//
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

namespace faultline::monitoring::promql {

// rate() (is_rate) or increase() of the n samples (ascending times, in [start, end]): counter
// resets corrected, extrapolated to the range's edges unless a sample is more than 1.1 average
// intervals away from one (then half an interval), never below the counter's zero. False with
// fewer than two samples (no result, as Prometheus).
bool extrapolated_rate(const std::int64_t* times, const double* values, std::size_t n, std::int64_t start_ms,
                       std::int64_t end_ms, std::int64_t range_ms, bool is_rate, double* out);

// irate(): the per-second rate between the last two samples (the last value alone after a reset).
bool instant_rate(const std::int64_t* times, const double* values, std::size_t n, double* out);

// histogram_quantile() of one histogram's buckets (upper bound, cumulative count): NaN without
// a +Inf bucket, fewer than two buckets, or no observations; linear within the bucket.
double bucket_quantile(double q, std::vector<std::pair<double, double>> buckets);

}  // namespace faultline::monitoring::promql

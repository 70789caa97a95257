#include "monitoring/promql_functions.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace faultline::monitoring::promql {

bool extrapolated_rate(const std::int64_t* times, const double* values, std::size_t n, std::int64_t start_ms,
                       std::int64_t end_ms, std::int64_t range_ms, bool is_rate, double* out) {
  if (n < 2) return false;
  double result = values[n - 1] - values[0];
  double prev = values[0];
  for (std::size_t i = 1; i < n; ++i) {
    if (values[i] < prev) result += prev;  // a reset: the counter restarted from 0
    prev = values[i];
  }
  double to_start = static_cast<double>(times[0] - start_ms) / 1000;
  const double to_end = static_cast<double>(end_ms - times[n - 1]) / 1000;
  const double sampled = static_cast<double>(times[n - 1] - times[0]) / 1000;
  const double average = sampled / static_cast<double>(n - 1);
  if (result > 0 && values[0] >= 0) {
    // A counter is not extrapolated below zero: the zero point may be nearer than the edge.
    const double to_zero = sampled * (values[0] / result);
    if (to_zero < to_start) to_start = to_zero;
  }
  const double threshold = average * 1.1;
  double interval = sampled;
  interval += to_start < threshold ? to_start : average / 2;
  interval += to_end < threshold ? to_end : average / 2;
  double factor = interval / sampled;
  if (is_rate) factor /= static_cast<double>(range_ms) / 1000;
  *out = result * factor;
  return true;
}

bool instant_rate(const std::int64_t* times, const double* values, std::size_t n, double* out) {
  if (n < 2) return false;
  const double last = values[n - 1], previous = values[n - 2];
  double result = last < previous ? last : last - previous;
  const std::int64_t interval = times[n - 1] - times[n - 2];
  if (interval == 0) return false;
  result /= static_cast<double>(interval) / 1000;
  *out = result;
  return true;
}

double bucket_quantile(double q, std::vector<std::pair<double, double>> b) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  if (std::isnan(q)) return nan;
  if (q < 0) return -std::numeric_limits<double>::infinity();
  if (q > 1) return std::numeric_limits<double>::infinity();
  std::stable_sort(b.begin(), b.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
  if (b.empty() || !(std::isinf(b.back().first) && b.back().first > 0)) return nan;
  // Buckets of the same bound are one bucket; counts are made monotonic (a scrape may tear).
  std::vector<std::pair<double, double>> c;
  for (const auto& x : b) {
    if (!c.empty() && c.back().first == x.first) {
      c.back().second += x.second;
    } else {
      c.push_back(x);
    }
  }
  double max = c[0].second;
  for (std::size_t i = 1; i < c.size(); ++i) {
    if (c[i].second > max) max = c[i].second;
    else if (c[i].second < max) c[i].second = max;
  }
  if (c.size() < 2) return nan;
  const double observations = c.back().second;
  if (observations == 0) return nan;
  double rank = q * observations;
  std::size_t i = 0;
  while (i < c.size() - 1 && !(c[i].second >= rank)) ++i;
  if (i == c.size() - 1) return c[c.size() - 2].first;
  if (i == 0 && c[0].first <= 0) return c[0].first;
  double start = 0, end = c[i].first, count = c[i].second;
  if (i > 0) {
    start = c[i - 1].first;
    count -= c[i - 1].second;
    rank -= c[i - 1].second;
  }
  return start + (end - start) * (rank / count);
}

}  // namespace faultline::monitoring::promql

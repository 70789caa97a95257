// Reads a latency histogram exported from Prometheus — text exposition lines
// `http_request_duration_seconds_bucket{le="0.5"} 42`, or a JSON list
// [{"le": 0.5, "count": 42}, ..., {"le": "+Inf", "count": 50}] — and turns its cumulative bucket
// counts into (quantile, ms) points for sim::Distribution::empirical.
//
//   auto h = parse_histogram(text, {.metric = "http_request_duration_seconds"}, &error);
//   auto points = histogram_quantile_points(h->buckets, *histogram_unit_ms("s"), &error);
//
// Pure functions on text (no I/O); thread-safe; never throws.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace faultline::experiments {

// One cumulative bucket: `count` observations were <= `le` (in the histogram's unit).
struct HistogramBucket {
  double le = 0;  // +infinity for the +Inf bucket
  double count = 0;
};

// Which series of a text exposition to read. Every series that matches is summed bucket by
// bucket, as PromQL's `sum by (le)` does before `histogram_quantile`.
struct HistogramSelector {
  std::string metric;                         // base name (no `_bucket`); empty: the only one
  std::map<std::string, std::string> labels;  // each must be present with this value
};

struct ParsedHistogram {
  std::string metric;                    // base name; empty for the JSON list form
  int series = 0;                        // series summed
  std::vector<HistogramBucket> buckets;  // ascending `le`, distinct
};

// Milliseconds per unit of `le`: "s" (Prometheus convention) 1000, "ms" 1, "us" 0.001.
std::optional<double> histogram_unit_ms(std::string_view unit);

// Text exposition (Prometheus 0.0.4 or OpenMetrics): reads the `<metric>_bucket` lines; HELP,
// TYPE, comments, `_sum`, `_count`, other metrics, timestamps and exemplars are ignored.
std::optional<ParsedHistogram> parse_prometheus_text(std::string_view text,
                                                     const HistogramSelector& selector,
                                                     std::string* error);

// JSON list form: [{"le": number or "+Inf", "count": number}, ...] in any order.
std::optional<ParsedHistogram> parse_histogram_json(std::string_view text, std::string* error);

// Either form: a text starting with '[' (after blanks and a UTF-8 byte-order mark) is JSON.
// The selector applies to the text exposition only.
std::optional<ParsedHistogram> parse_histogram(std::string_view text,
                                               const HistogramSelector& selector,
                                               std::string* error);

// The piecewise-linear quantile function Prometheus's histogram_quantile() assumes: uniform
// within each bucket, the first bucket starting at 0, and quantiles that fall in the +Inf
// bucket answered with the highest finite bound. Points have non-decreasing quantiles (an empty
// bucket is a vertical step: no draw lands in it) and end at quantile 1. Without a +Inf
// bucket, the highest bucket is taken to hold every observation.
std::optional<std::vector<std::pair<double, double>>> histogram_quantile_points(
    const std::vector<HistogramBucket>& buckets, double unit_ms, std::string* error);

}  // namespace faultline::experiments

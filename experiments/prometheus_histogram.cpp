#include "experiments/prometheus_histogram.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

namespace faultline::experiments {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
// Real histograms have tens of buckets; this bounds what a hostile file can make us hold.
constexpr std::size_t kMaxBuckets = 10'000;
constexpr int kMaxJsonDepth = 64;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

std::string_view skip_bom(std::string_view s) {
  if (s.substr(0, 3) == "\xEF\xBB\xBF") s.remove_prefix(3);
  return s;
}

// A finite number written in full (no trailing text).
std::optional<double> to_number(std::string_view s) {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  double v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

// An `le` bound: a number >= 0 or +Inf (latencies are never negative).
std::optional<double> to_le(std::string_view s, std::string* why) {
  if (s == "+Inf" || s == "Inf" || s == "+inf" || s == "inf") return kInf;
  const auto v = to_number(s);
  if (!v) {
    *why = fmt::format("le=\"{}\" is not a number or +Inf", s);
    return std::nullopt;
  }
  if (*v < 0) {
    *why = fmt::format("le={} is negative: a latency bound cannot be", *v);
    return std::nullopt;
  }
  return v;
}

std::optional<double> to_count(std::string_view s, std::string* why) {
  const auto v = to_number(s);
  if (!v || *v < 0) {
    *why = fmt::format("bucket count \"{}\" is not a number >= 0", s);
    return std::nullopt;
  }
  return v;
}

bool is_name_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
}
bool is_name_char(char c) { return is_name_start(c) || (c >= '0' && c <= '9'); }

struct SampleLine {
  std::string name;
  std::map<std::string, std::string> labels;
  std::string_view value;
};

// Parses `name{label="value",...} value [timestamp] [# exemplar]`. Returns false and sets
// `why` on a malformed line.
bool parse_sample_line(std::string_view line, SampleLine& out, std::string* why) {
  std::size_t i = 0;
  if (i >= line.size() || !is_name_start(line[i])) {
    *why = "expected a metric name";
    return false;
  }
  while (i < line.size() && is_name_char(line[i])) ++i;
  out.name = std::string(line.substr(0, i));
  out.labels.clear();
  if (i < line.size() && line[i] == '{') {
    ++i;
    while (true) {
      while (i < line.size() && (line[i] == ' ' || line[i] == ',')) ++i;
      if (i < line.size() && line[i] == '}') {
        ++i;
        break;
      }
      const std::size_t start = i;
      while (i < line.size() && is_name_char(line[i])) ++i;
      if (i == start || i + 1 >= line.size() || line[i] != '=' || line[i + 1] != '"') {
        *why = "expected label=\"value\" or '}'";
        return false;
      }
      std::string key(line.substr(start, i - start));
      i += 2;
      std::string value;
      while (i < line.size() && line[i] != '"') {
        if (line[i] == '\\' && i + 1 < line.size()) {
          ++i;
          value += line[i] == 'n' ? '\n' : line[i];
        } else {
          value += line[i];
        }
        ++i;
      }
      if (i >= line.size()) {
        *why = "unterminated label value";
        return false;
      }
      ++i;  // closing quote
      if (!out.labels.emplace(std::move(key), std::move(value)).second) {
        *why = "a label is written twice";
        return false;
      }
    }
  }
  std::string_view rest = line.substr(i);
  if (rest.empty() || (rest.front() != ' ' && rest.front() != '\t')) {
    *why = "expected a space and a value after the metric";
    return false;
  }
  // An OpenMetrics exemplar follows " # ".
  if (const auto hash = rest.find('#'); hash != std::string_view::npos) rest = rest.substr(0, hash);
  rest = trim(rest);
  out.value = rest.substr(0, rest.find_first_of(" \t"));  // a timestamp may follow
  if (out.value.empty()) {
    *why = "missing value";
    return false;
  }
  return true;
}

std::string series_key(const std::string& base, const SampleLine& s) {
  std::string key = base;
  key += '{';
  bool first = true;
  for (const auto& [k, v] : s.labels) {
    if (k == "le") continue;
    if (!first) key += ',';
    first = false;
    key += fmt::format("{}=\"{}\"", k, v);
  }
  key += '}';
  return key;
}

std::string join(const std::vector<std::string>& names, std::size_t max) {
  std::string out;
  for (std::size_t i = 0; i < names.size() && i < max; ++i) {
    if (i > 0) out += ", ";
    out += names[i];
  }
  if (names.size() > max) out += fmt::format(", ... ({} in all)", names.size());
  return out;
}

std::string le_text(double le) { return std::isinf(le) ? "+Inf" : fmt::format("{}", le); }

// Sorts by le and refuses duplicates and counts that are not cumulative.
bool finish_buckets(std::vector<HistogramBucket>& b, std::string* error) {
  std::sort(b.begin(), b.end(), [](const auto& x, const auto& y) { return x.le < y.le; });
  for (std::size_t i = 1; i < b.size(); ++i) {
    if (b[i].le == b[i - 1].le) {
      *error = fmt::format("le={} is written twice", le_text(b[i].le));
      return false;
    }
    if (b[i].count < b[i - 1].count) {
      *error = fmt::format(
          "bucket le={} counts {}, fewer than bucket le={} ({}): bucket counts are cumulative "
          "(observations <= le)",
          le_text(b[i].le), b[i].count, le_text(b[i - 1].le), b[i - 1].count);
      return false;
    }
  }
  return true;
}

// Deepest nesting of arrays and objects, counted outside strings, so that nlohmann's recursive
// parser never sees a hostile depth.
int json_depth(std::string_view text) {
  int depth = 0;
  int deepest = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return deepest;
}

}  // namespace

std::optional<double> histogram_unit_ms(std::string_view unit) {
  if (unit == "s") return 1000.0;
  if (unit == "ms") return 1.0;
  if (unit == "us") return 0.001;
  return std::nullopt;
}

std::optional<ParsedHistogram> parse_prometheus_text(std::string_view text,
                                                     const HistogramSelector& selector,
                                                     std::string* error) {
  text = skip_bom(text);
  std::map<std::string, std::vector<HistogramBucket>> series;  // by series key
  std::map<std::string, std::string> metric_of;                // series key -> base name
  std::vector<std::string> metrics;                            // base names seen, in order
  std::size_t line_number = 0;
  std::size_t buckets = 0;
  SampleLine sample;
  while (!text.empty()) {
    ++line_number;
    const std::size_t nl = text.find('\n');
    const std::string_view line = trim(text.substr(0, nl));
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    if (line.empty() || line.front() == '#') continue;
    std::string why;
    if (!parse_sample_line(line, sample, &why)) {
      *error = fmt::format("line {}: {}", line_number, why);
      return std::nullopt;
    }
    constexpr std::string_view kSuffix = "_bucket";
    if (sample.name.size() <= kSuffix.size() || !sample.name.ends_with(kSuffix)) continue;
    const std::string base = sample.name.substr(0, sample.name.size() - kSuffix.size());
    if (!selector.metric.empty() && base != selector.metric) continue;
    const bool selected =
        std::all_of(selector.labels.begin(), selector.labels.end(), [&](const auto& kv) {
          const auto it = sample.labels.find(kv.first);
          return it != sample.labels.end() && it->second == kv.second;
        });
    if (!selected) continue;
    const auto le_label = sample.labels.find("le");
    if (le_label == sample.labels.end()) {
      *error = fmt::format("line {}: {} has no le label", line_number, sample.name);
      return std::nullopt;
    }
    const auto le = to_le(le_label->second, &why);
    const auto count = le ? to_count(sample.value, &why) : std::nullopt;
    if (!le || !count) {
      *error = fmt::format("line {}: {}", line_number, why);
      return std::nullopt;
    }
    if (++buckets > kMaxBuckets) {
      *error = fmt::format("more than {} bucket lines", kMaxBuckets);
      return std::nullopt;
    }
    if (std::find(metrics.begin(), metrics.end(), base) == metrics.end()) metrics.push_back(base);
    const std::string key = series_key(base, sample);
    metric_of[key] = base;
    series[key].push_back(HistogramBucket{*le, *count});
  }
  if (metrics.empty()) {
    if (selector.metric.empty() && selector.labels.empty()) {
      *error = "no histogram: expected lines such as name_bucket{le=\"0.5\"} 42";
    } else {
      // Said as a PromQL selector: name{label="value",...}.
      std::string wanted = selector.metric;
      if (!selector.labels.empty()) {
        std::vector<std::string> pairs;
        for (const auto& [k, v] : selector.labels) pairs.push_back(fmt::format("{}=\"{}\"", k, v));
        wanted += "{" + join(pairs, pairs.size()) + "}";
      }
      *error = fmt::format("no bucket line matches {}", wanted);
    }
    return std::nullopt;
  }
  if (metrics.size() > 1) {
    *error = fmt::format("several histograms ({}): name one with \"metric\"", join(metrics, 5));
    return std::nullopt;
  }
  ParsedHistogram out;
  out.metric = metrics.front();
  std::vector<HistogramBucket> layout;
  for (auto& [key, b] : series) {
    if (!finish_buckets(b, error)) {
      *error = fmt::format("series {}: {}", key, *error);
      return std::nullopt;
    }
    if (out.series == 0) {
      layout = b;
    } else {
      const bool same = b.size() == layout.size() &&
                        std::equal(b.begin(), b.end(), layout.begin(),
                                   [](const auto& x, const auto& y) { return x.le == y.le; });
      if (!same) {
        *error = fmt::format(
            "series {} has other bucket bounds than {}: they cannot be summed; pick one with "
            "\"labels\"",
            key, series.begin()->first);
        return std::nullopt;
      }
      for (std::size_t i = 0; i < b.size(); ++i) layout[i].count += b[i].count;
    }
    ++out.series;
  }
  out.buckets = std::move(layout);
  return out;
}

std::optional<ParsedHistogram> parse_histogram_json(std::string_view text, std::string* error) {
  text = skip_bom(text);
  if (json_depth(text) > kMaxJsonDepth) {
    *error = fmt::format("JSON nested deeper than {} levels", kMaxJsonDepth);
    return std::nullopt;
  }
  const nlohmann::json doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    *error = "not valid JSON";
    return std::nullopt;
  }
  if (!doc.is_array() || doc.empty()) {
    *error = "expected a list of buckets [{\"le\": 0.5, \"count\": 42}, ...]";
    return std::nullopt;
  }
  if (doc.size() > kMaxBuckets) {
    *error = fmt::format("more than {} buckets", kMaxBuckets);
    return std::nullopt;
  }
  ParsedHistogram out;
  out.series = 1;
  for (std::size_t i = 0; i < doc.size(); ++i) {
    const nlohmann::json& item = doc[i];
    const auto fail = [&](const std::string& why) {
      *error = fmt::format("bucket {}: {}", i, why);
      return std::nullopt;
    };
    if (!item.is_object()) return fail("expected {\"le\": ..., \"count\": ...}");
    for (const auto& [key, value] : item.items()) {
      if (key != "le" && key != "count")
        return fail(fmt::format("unknown key \"{}\" (known: le, count)", key));
    }
    const auto le_it = item.find("le");
    const auto count_it = item.find("count");
    if (le_it == item.end() || count_it == item.end())
      return fail("needs both \"le\" and \"count\"");
    std::string why;
    std::optional<double> le;
    if (le_it->is_number()) {
      le = le_it->get<double>();
      if (*le < 0) {
        why = fmt::format("le={} is negative: a latency bound cannot be", *le);
        le.reset();
      }
    } else if (le_it->is_string()) {
      le = to_le(le_it->get<std::string>(), &why);
    } else {
      why = "le must be a number or \"+Inf\"";
    }
    if (!le) return fail(why);
    if (!count_it->is_number() || !(count_it->get<double>() >= 0))
      return fail("count must be a number >= 0");
    out.buckets.push_back(HistogramBucket{*le, count_it->get<double>()});
  }
  if (!finish_buckets(out.buckets, error)) return std::nullopt;
  return out;
}

std::optional<ParsedHistogram> parse_histogram(std::string_view text,
                                               const HistogramSelector& selector,
                                               std::string* error) {
  const std::string_view body = trim(skip_bom(text));
  const std::size_t first = body.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos && body[first] == '[')
    return parse_histogram_json(body, error);
  return parse_prometheus_text(text, selector, error);
}

std::optional<std::vector<std::pair<double, double>>> histogram_quantile_points(
    const std::vector<HistogramBucket>& buckets, double unit_ms, std::string* error) {
  if (buckets.empty()) {
    *error = "no buckets";
    return std::nullopt;
  }
  const double total = buckets.back().count;
  if (!(total > 0)) {
    *error = "no observations (every bucket counts 0)";
    return std::nullopt;
  }
  std::vector<std::pair<double, double>> points;
  double lower_ms = 0;  // the first bucket starts at 0, as in histogram_quantile()
  double below = 0;     // observations under lower_ms
  double highest_ms = 0;
  for (const HistogramBucket& b : buckets) {
    if (std::isinf(b.le)) break;
    const double le_ms = b.le * unit_ms;
    if (b.count > below) {
      // A bucket with observations: uniform from its lower bound to le. The point at its
      // lower bound makes an empty bucket before it a vertical step.
      if (points.empty() || points.back().second < lower_ms)
        points.emplace_back(below / total, lower_ms);
      points.emplace_back(b.count / total, le_ms);
    }
    below = b.count;
    lower_ms = le_ms;
    highest_ms = le_ms;
  }
  if (points.empty()) {
    *error =
        buckets.size() == 1 || std::isinf(buckets.front().le)
            ? std::string("every observation is in the +Inf bucket: no latency can be inferred")
            : fmt::format(
                  "every observation is above the highest finite bucket (le={}): no "
                  "latency can be inferred",
                  le_text(buckets[buckets.size() - 2].le));
    return std::nullopt;
  }
  // Observations above the highest finite bound get that bound (histogram_quantile's answer).
  if (points.back().first < 1) {
    if (points.back().second < highest_ms) points.emplace_back(points.back().first, highest_ms);
    points.emplace_back(1.0, highest_ms);
  }
  return points;
}

}  // namespace faultline::experiments

#include "experiments/distribution_reader.h"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <filesystem>

#include "experiments/json_reader.h"
#include "experiments/prometheus_histogram.h"
#include "experiments/suggest.h"
#include "sim/det_math.h"

namespace faultline::experiments {

using nlohmann::json;
using sim::Distribution;

namespace {

const Range kMs = Range::at_least(0, kMaxMillis);
const Range kPositiveMs = Range::above(0, kMaxMillis);

// Reads a data file that the experiment names. Regular files only: a name such as /dev/stdin
// or a FIFO would block the loader for ever, and a device such as /dev/zero would be read up
// to the size limit before being refused.
std::optional<std::string> read_data_file(const std::string& path, std::string& out) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (!ec && std::filesystem::exists(status) && !std::filesystem::is_regular_file(status) &&
      !std::filesystem::is_directory(status)) {
    return "cannot read: not a regular file (a device, a FIFO or a socket)";
  }
  return read_file(path, kMaxFileBytes, out);
}

std::optional<Distribution> read_lognormal(const Fields& f) {
  ReadContext& ctx = f.context();
  const bool quantiles = f.has("p50") || f.has("p99");
  const bool params = f.has("mu") || f.has("sigma");
  if (quantiles && params) {
    ctx.error(f.pointer(), "lognormal takes either p50 and p99 (ms) or mu and sigma, not both");
    return std::nullopt;
  }
  if (params) {
    // mu is the log of the median in ms: bounded so that the median stays under 30 days.
    const auto mu = f.number("mu", Range::at_least(-50, sim::det::log(kMaxMillis)), Need::kRequired);
    const auto sigma = f.number("sigma", Range::above(0, 10), Need::kRequired);
    if (!mu || !sigma) return std::nullopt;
    return Distribution::lognormal(*mu, *sigma);
  }
  if (!quantiles) {
    ctx.error(f.pointer(), "lognormal needs p50 and p99 (ms), or mu and sigma");
    return std::nullopt;
  }
  const auto p50 = f.number("p50", kPositiveMs, Need::kRequired);
  const auto p99 = f.number("p99", kPositiveMs, Need::kRequired);
  if (!p50 || !p99) return std::nullopt;
  if (*p99 <= *p50) {
    ctx.error(
        f.pointer("p99"),
        fmt::format("must be greater than p50 ({}): a lognormal's tail is above its median", *p50));
    return std::nullopt;
  }
  return Distribution::lognormal_from_quantiles(*p50, *p99);
}

std::optional<Distribution> read_points(ReadContext& ctx, const json& points,
                                        const std::string& pointer) {
  if (!points.is_array()) {
    ctx.error(pointer,
              fmt::format("expected an array of [quantile, ms] pairs, got {}", describe(points)));
    return std::nullopt;
  }
  if (points.size() < 2 || points.size() > kMaxEmpiricalPoints) {
    ctx.error(pointer, fmt::format("needs between 2 and {} [quantile, ms] pairs (got {})",
                                   kMaxEmpiricalPoints, points.size()));
    return std::nullopt;
  }
  const std::size_t errors_before = ctx.error_count();
  std::vector<std::pair<double, double>> out;
  out.reserve(points.size());
  for (std::size_t i = 0; i < points.size(); ++i) {
    const std::string p = pointer_append(pointer, i);
    const json& pair = points[i];
    if (!pair.is_array() || pair.size() != 2) {
      ctx.error(p, fmt::format("expected a [quantile, ms] pair, got {}", quote_value(pair)));
      continue;
    }
    const auto q = check_number(ctx, pair[0], pointer_append(p, 0), Range::unit());
    const auto ms = check_number(ctx, pair[1], pointer_append(p, 1), kMs);
    if (!q || !ms) continue;
    if (!out.empty() && *q <= out.back().first) {
      ctx.error(pointer_append(p, 0),
                fmt::format("quantiles must increase: {} comes after {}", *q, out.back().first));
    } else if (!out.empty() && *ms < out.back().second) {
      ctx.error(
          pointer_append(p, 1),
          fmt::format("values must not decrease: {} ms comes after {} ms", *ms, out.back().second));
    }
    out.emplace_back(*q, *ms);
  }
  if (ctx.error_count() != errors_before) return std::nullopt;
  return Distribution::empirical(std::move(out));
}

std::optional<Distribution> read_samples_file(ReadContext& ctx, const json& file,
                                              const std::string& pointer) {
  const auto name = check_string(ctx, file, pointer, 4096);
  if (!name) return std::nullopt;
  if (name->empty() || name->find('\0') != std::string::npos) {
    ctx.error(pointer, "expected a file name");
    return std::nullopt;
  }
  std::filesystem::path path(*name);
  if (path.is_relative()) path = ctx.base_dir() / path;
  const std::string resolved = path.lexically_normal().string();
  auto& cache = ctx.samples_cache();
  if (const auto it = cache.find(resolved); it != cache.end())
    return Distribution::empirical_samples(it->second);
  std::string text;
  if (const auto err = read_data_file(resolved, text)) {
    ctx.error(pointer, fmt::format("samples file {}: {}", quote_path(resolved), *err));
    return std::nullopt;
  }
  std::string parse_error;
  auto samples = parse_samples(text, &parse_error);
  if (!samples) {
    ctx.error(pointer, fmt::format("samples file {}: {}", quote_path(resolved), parse_error));
    return std::nullopt;
  }
  cache[resolved] = *samples;
  return Distribution::empirical_samples(std::move(*samples));
}

// A Prometheus histogram file (text exposition or JSON list of buckets) turned into the
// quantile points histogram_quantile() would answer; `unit` is the unit of its `le` bounds.
std::optional<Distribution> read_histogram_file(const Fields& f) {
  ReadContext& ctx = f.context();
  const std::string pointer = f.pointer("prometheus");
  const auto name = f.string("prometheus", Need::kRequired, 4096);
  if (!name) return std::nullopt;
  if (name->empty() || name->find('\0') != std::string::npos) {
    ctx.error(pointer, "expected a file name");
    return std::nullopt;
  }
  double unit_ms = 1000;  // Prometheus convention: seconds
  if (const auto unit = f.string("unit")) {
    const auto ms = histogram_unit_ms(*unit);
    if (!ms) {
      ctx.error(f.pointer("unit"),
                fmt::format("unknown unit {} for le bounds (known: s, ms, us)", quote(*unit)));
      return std::nullopt;
    }
    unit_ms = *ms;
  }
  HistogramSelector selector;
  if (const auto metric = f.string("metric", Need::kOptional, kMaxNameBytes))
    selector.metric = *metric;
  if (const json* labels = f.object("labels")) {
    for (const auto& [key, value] : labels->items()) {
      const auto v =
          check_string(ctx, value, pointer_append(f.pointer("labels"), key), kMaxNameBytes);
      if (v) selector.labels[key] = *v;
    }
  }
  std::filesystem::path path(*name);
  if (path.is_relative()) path = ctx.base_dir() / path;
  const std::string resolved = path.lexically_normal().string();
  std::string text;
  if (const auto err = read_data_file(resolved, text)) {
    ctx.error(pointer, fmt::format("histogram file {}: {}", quote_path(resolved), *err));
    return std::nullopt;
  }
  std::string error;
  const auto histogram = parse_histogram(text, selector, &error);
  const auto points =
      histogram ? histogram_quantile_points(histogram->buckets, unit_ms, &error) : std::nullopt;
  if (!points) {
    ctx.error(pointer, fmt::format("histogram file {}: {}", quote_path(resolved), error));
    return std::nullopt;
  }
  return Distribution::empirical(*points);
}

}  // namespace

std::optional<std::vector<double>> parse_samples(std::string_view text, std::string* error) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  std::vector<double> samples;
  std::size_t line_number = 0;
  while (!text.empty()) {
    ++line_number;
    const std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    if (const auto hash = line.find('#'); hash != std::string_view::npos)
      line = line.substr(0, hash);
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r'))
      line.remove_suffix(1);
    if (line.empty()) continue;
    double v = 0;
    const auto [end, ec] = std::from_chars(line.data(), line.data() + line.size(), v);
    if (ec != std::errc() || end != line.data() + line.size() || !std::isfinite(v)) {
      if (error)
        *error =
            fmt::format("line {}: {} is not a number of milliseconds", line_number, quote(line));
      return std::nullopt;
    }
    if (v < 0 || v > kMaxMillis) {
      if (error)
        *error =
            fmt::format("line {}: {} ms is outside 0 to {} (30 days)", line_number, v, kMaxMillis);
      return std::nullopt;
    }
    if (samples.size() == kMaxEmpiricalSamples) {
      if (error) *error = fmt::format("more than {} samples", kMaxEmpiricalSamples);
      return std::nullopt;
    }
    samples.push_back(v);
  }
  if (samples.empty()) {
    if (error) *error = "no samples (one number of milliseconds a line)";
    return std::nullopt;
  }
  return samples;
}

std::optional<Distribution> read_distribution(ReadContext& ctx, const json& value,
                                              const std::string& pointer) {
  if (value.is_number()) {
    const auto ms = check_number(ctx, value, pointer, kMs);
    return ms ? std::optional<Distribution>(Distribution::constant(*ms)) : std::nullopt;
  }
  const std::vector<std::string>& kinds = words(Vocabulary::kDistribution);
  if (!value.is_object()) {
    ctx.error(pointer, fmt::format("expected a number of ms or a distribution object such as "
                                   "{{\"dist\": \"exponential\", \"mean\": 4}}, got {}",
                                   describe(value)));
    return std::nullopt;
  }
  const auto dist = value.find("dist");
  if (dist == value.end()) {
    ctx.error(pointer,
              fmt::format("missing required key \"dist\" (one of: {})", known_list(kinds)));
    return std::nullopt;
  }
  const auto kind_name = check_string(ctx, *dist, pointer_append(pointer, "dist"), kMaxNameBytes);
  if (!kind_name) return std::nullopt;
  const auto it = std::find(kinds.begin(), kinds.end(), *kind_name);
  if (it == kinds.end()) {
    std::string msg =
        fmt::format("unknown distribution {} (known: {})", quote(*kind_name), known_list(kinds));
    if (const auto near = closest(*kind_name, kinds))
      msg += fmt::format("; did you mean {}?", quote(*near));
    ctx.error(pointer_append(pointer, "dist"), msg);
    return std::nullopt;
  }
  // kinds are in the order of the Keys::kDist* sets.
  const auto index = static_cast<std::size_t>(it - kinds.begin());
  const Keys keys = static_cast<Keys>(static_cast<std::size_t>(Keys::kDistConstant) + index);
  const Fields f(ctx, value, pointer, keys);
  const std::size_t errors_before = ctx.error_count();
  std::optional<Distribution> out;
  switch (keys) {
    case Keys::kDistConstant:
      if (auto v = f.number("value", kMs, Need::kRequired)) out = Distribution::constant(*v);
      break;
    case Keys::kDistUniform: {
      const auto lo = f.number("min", kMs, Need::kRequired);
      const auto hi = f.number("max", kMs, Need::kRequired);
      if (lo && hi && *hi < *lo) {
        ctx.error(f.pointer("max"), fmt::format("must be >= min ({})", *lo));
      } else if (lo && hi) {
        out = Distribution::uniform(*lo, *hi);
      }
      break;
    }
    case Keys::kDistExponential:
      if (auto mean = f.number("mean", kPositiveMs, Need::kRequired))
        out = Distribution::exponential(*mean);
      break;
    case Keys::kDistNormal: {
      const auto mean = f.number("mean", kMs, Need::kRequired);
      const auto stddev = f.number("stddev", kMs, Need::kRequired);
      if (mean && stddev) out = Distribution::normal(*mean, *stddev);
      break;
    }
    case Keys::kDistLognormal:
      out = read_lognormal(f);
      break;
    case Keys::kDistPareto: {
      const auto scale = f.number("scale", kPositiveMs, Need::kRequired);
      const auto shape = f.number("shape", Range::above(0, 100), Need::kRequired);
      if (scale && shape) out = Distribution::pareto(*scale, *shape);
      break;
    }
    case Keys::kDistEmpirical: {
      const json* points = f.find("points");
      const json* file = f.find("file");
      const json* histogram = f.find("prometheus");
      if ((points != nullptr) + (file != nullptr) + (histogram != nullptr) != 1) {
        ctx.error(pointer,
                  "empirical takes exactly one of \"points\" ([[quantile, ms], ...]), \"file\" "
                  "(samples) or \"prometheus\" (a histogram file)");
      } else if (histogram != nullptr) {
        out = read_histogram_file(f);
        break;
      } else if (points != nullptr) {
        out = read_points(ctx, *points, f.pointer("points"));
      } else {
        out = read_samples_file(ctx, *file, f.pointer("file"));
      }
      for (const char* key : {"unit", "metric", "labels"})
        f.refuse(key, "to a \"prometheus\" histogram file");
      break;
    }
    default:
      break;
  }
  if (ctx.error_count() != errors_before) return std::nullopt;
  return out;
}

}  // namespace faultline::experiments

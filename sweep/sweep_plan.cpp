#include "sweep/sweep_plan.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <set>

#include "experiments/overrides.h"
#include "sim/det_math.h"
#include "sim/rng.h"

#ifndef FAULTLINE_VERSION
#define FAULTLINE_VERSION "0.1.0"
#endif

namespace faultline::sweep {

using nlohmann::json;

namespace {

using batch::kDefaultObjective;
using batch::metric_hint;
// A random search gives up drawing new distinct points after this many draws per sample, so a
// space smaller than `samples` ends the search instead of looping.
constexpr int kDrawsPerSample = 100;

std::string trim(const std::string& s) {
  std::size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

std::string hex16(std::uint64_t v) { return fmt::format("{:016x}", v); }

// "<metric> <op> <number>": the operator is found first, so metric names may hold any
// character but the operator ones.
std::optional<Constraint> parse_constraint(const std::string& text,
                                           const std::vector<std::string>& breakers,
                                           std::string* error) {
  static const std::pair<const char*, CompareOp> kOps[] = {{"<=", CompareOp::kLessEqual},
                                                           {">=", CompareOp::kGreaterEqual},
                                                           {"==", CompareOp::kEqual},
                                                           {"<", CompareOp::kLess},
                                                           {">", CompareOp::kGreater}};
  const std::size_t at = text.find_first_of("<>=");
  if (at == std::string::npos) {
    *error =
        "expected \"<metric> <op> <number>\" with op one of <=, <, >=, >, == (e.g. "
        "\"latency_p95_ms <= 500\")";
    return std::nullopt;
  }
  Constraint c;
  c.text = text;
  std::size_t op_len = 0;
  for (const auto& [symbol, op] : kOps) {
    if (text.compare(at, std::char_traits<char>::length(symbol), symbol) == 0) {
      c.op = op;
      op_len = std::char_traits<char>::length(symbol);
      break;
    }
  }
  if (op_len == 0) {
    *error = "unknown operator (use <=, <, >=, > or ==)";
    return std::nullopt;
  }
  const std::string name = trim(text.substr(0, at));
  c.metric = canonical_metric(name, breakers);
  if (c.metric.empty()) {
    *error = fmt::format("unknown metric {} (known: {})", experiments::quote(name),
                         metric_hint(breakers));
    return std::nullopt;
  }
  const std::string number = trim(text.substr(at + op_len));
  const auto [ptr, ec] = std::from_chars(number.data(), number.data() + number.size(), c.bound);
  if (number.empty() || ec != std::errc() || ptr != number.data() + number.size() ||
      !std::isfinite(c.bound)) {
    *error = fmt::format("expected a number after {}, got {}", to_string(c.op),
                         experiments::quote(number));
    return std::nullopt;
  }
  return c;
}

// Random search keeps drawn decimals readable (they become the recommended configuration):
// 4 significant digits.
double round_significant(double v, int digits) {
  if (v == 0 || !std::isfinite(v)) return v;
  // The decade of |v| by exact powers of ten (det::pow squares for integers), not log10, whose
  // last bit differs between C libraries (and floor(log10(1000)) may be 2).
  const double a = std::fabs(v);
  int decade = 0;
  while (decade < 308 && sim::det::pow(10.0, decade + 1) <= a) ++decade;
  while (decade > -308 && sim::det::pow(10.0, decade) > a) --decade;
  const double scale = sim::det::pow(10.0, digits - 1 - decade);
  return std::round(v * scale) / scale;
}

json draw_value(const json& values, bool range, sim::Rng& rng) {
  if (!range) return values[rng.next_below(values.size())];
  if (values[0].is_number_integer() && values[1].is_number_integer()) {
    const std::int64_t lo = values[0].get<std::int64_t>(), hi = values[1].get<std::int64_t>();
    return lo + static_cast<std::int64_t>(rng.next_below(static_cast<std::uint64_t>(hi - lo) + 1));
  }
  const double lo = values[0].get<double>(), hi = values[1].get<double>();
  return std::clamp(round_significant(lo + rng.next_double() * (hi - lo), 4), lo, hi);
}

std::string point_id(std::size_t index, std::size_t count) {
  const int width =
      std::max(4, static_cast<int>(fmt::format("{}", count > 0 ? count - 1 : 0).size()));
  return fmt::format("p{:0{}}", index, width);
}

void grid_points(SweepPlan& plan, const json& parameters) {
  std::vector<const json*> lists;
  for (const auto& path : plan.parameters) lists.push_back(&parameters.at(path));
  std::size_t count = 1;
  for (const json* l : lists) count *= l->size();
  // Row-major: the last parameter (in path order) varies fastest, as nested loops would.
  for (std::size_t i = 0; i < count; ++i) {
    SweepPoint p;
    p.index = i;
    p.id = point_id(i, count);
    p.values.resize(lists.size());
    std::size_t rest = i;
    for (std::size_t k = lists.size(); k-- > 0;) {
      p.values[k] = (*lists[k])[rest % lists[k]->size()];
      rest /= lists[k]->size();
    }
    plan.points.push_back(std::move(p));
  }
}

void random_points(SweepPlan& plan, const json& parameters, std::size_t samples) {
  sim::Rng rng = sim::make_stream(plan.seed, "sweep/samples");
  std::set<std::string> seen;
  std::vector<std::vector<json>> drawn;
  for (std::size_t draws = 0; drawn.size() < samples && draws < samples * kDrawsPerSample;
       ++draws) {
    std::vector<json> values;
    for (std::size_t k = 0; k < plan.parameters.size(); ++k) {
      values.push_back(draw_value(parameters.at(plan.parameters[k]), plan.ranges[k], rng));
    }
    if (seen.insert(json(values).dump()).second) drawn.push_back(std::move(values));
  }
  for (std::size_t i = 0; i < drawn.size(); ++i) {
    plan.points.push_back({i, point_id(i, drawn.size()), std::move(drawn[i])});
  }
}

}  // namespace

std::string to_string(CompareOp op) {
  switch (op) {
    case CompareOp::kLess:
      return "<";
    case CompareOp::kLessEqual:
      return "<=";
    case CompareOp::kGreater:
      return ">";
    case CompareOp::kGreaterEqual:
      return ">=";
    case CompareOp::kEqual:
      return "==";
  }
  return "?";
}

bool compare(double value, CompareOp op, double bound) {
  switch (op) {
    case CompareOp::kLess:
      return value < bound;
    case CompareOp::kLessEqual:
      return value <= bound;
    case CompareOp::kGreater:
      return value > bound;
    case CompareOp::kGreaterEqual:
      return value >= bound;
    case CompareOp::kEqual:
      return value == bound;
  }
  return false;
}

std::optional<SweepPlan> make_plan(const json& document, std::uint64_t seed,
                                   const std::string& file,
                                   std::vector<experiments::Diagnostic>* problems) {
  const std::size_t problems_before = problems->size();
  auto problem = [&](std::string pointer, std::string message) {
    problems->push_back({file, std::move(pointer), 0, 0, std::move(message)});
  };
  SweepPlan plan;
  plan.file = file;
  plan.document = document;
  plan.seed = seed;
  plan.name = document.value("name", "");
  const json& sweep = document.at("sweep");
  plan.seeds = sweep.value("seeds", 1);
  plan.breakers = batch::breaker_names(document);
  const json& parameters = sweep.at("parameters");
  for (const auto& [path, values] : parameters.items()) plan.parameters.push_back(path);

  plan.random = sweep.contains("samples");
  for (const auto& path : plan.parameters) {
    const json& values = parameters.at(path);
    // In a random search a list of exactly two numbers is a range to draw from; any other
    // list is a set of values to pick from.
    const bool range =
        plan.random && values.size() == 2 && values[0].is_number() && values[1].is_number();
    plan.ranges.push_back(range);
    if (range && values[0].get<double>() > values[1].get<double>()) {
      problem(
          experiments::pointer_append("/sweep/parameters", path),
          fmt::format("a random-search range [min, max] needs min <= max (got {})", values.dump()));
    }
  }

  std::string error;
  const std::string objective_text = sweep.value("objective", kDefaultObjective);
  if (auto o = batch::parse_objective(objective_text, plan.breakers, &error)) {
    plan.objective = *o;
  } else {
    problem("/sweep/objective", error);
  }
  if (const auto it = sweep.find("constraints"); it != sweep.end()) {
    for (std::size_t i = 0; i < it->size(); ++i) {
      if (auto c = parse_constraint((*it)[i].get<std::string>(), plan.breakers, &error)) {
        plan.constraints.push_back(std::move(*c));
      } else {
        problem(experiments::pointer_append("/sweep/constraints", i), error);
      }
    }
  }
  if (problems->size() > problems_before) return std::nullopt;

  if (plan.random) {
    // Checked before drawing: the draws cost memory and time in proportion to `samples`.
    const auto samples = sweep.at("samples").get<std::size_t>();
    if (samples > kMaxSweepRuns / static_cast<std::size_t>(plan.seeds)) {
      problem("/sweep/samples",
              fmt::format("samples times seeds is more than {} runs", kMaxSweepRuns));
      return std::nullopt;
    }
    random_points(plan, parameters, samples);
  } else {
    std::size_t count = 1;
    for (const auto& path : plan.parameters) {
      count *= parameters.at(path).size();
      if (count > kMaxSweepRuns) break;
    }
    if (count * static_cast<std::size_t>(plan.seeds) > kMaxSweepRuns) {
      problem("/sweep/parameters",
              fmt::format("the grid times the seeds is more than {} runs", kMaxSweepRuns));
      return std::nullopt;
    }
    grid_points(plan, parameters);
  }
  plan.hash =
      hex16(sim::fnv1a64(fmt::format("{}|{}|{}", document.dump(), seed, FAULTLINE_VERSION)));
  return plan;
}

std::uint64_t replication_seed(std::uint64_t file_seed, int replication) {
  return file_seed + static_cast<std::uint64_t>(replication);
}

std::vector<RunRef> all_runs(const SweepPlan& plan) { return shard_runs(plan, {0, 1}); }

std::vector<RunRef> shard_runs(const SweepPlan& plan, const Shard& shard) {
  std::vector<RunRef> runs;
  for (const std::size_t k : batch::shard_indices(plan.run_count(), shard)) {
    runs.push_back({k / static_cast<std::size_t>(plan.seeds), static_cast<int>(k % plan.seeds), k});
  }
  return runs;
}

std::string run_id(const SweepPlan& plan, const RunRef& run) {
  return fmt::format("{}-r{}", plan.points[run.point].id, run.replication);
}

json run_document(const SweepPlan& plan, const RunRef& run) {
  json doc = plan.document;
  doc.erase("sweep");
  const SweepPoint& p = plan.points[run.point];
  for (std::size_t k = 0; k < plan.parameters.size(); ++k) {
    // The loader has checked every path exists and every grid value is valid in the file.
    experiments::apply_override(doc, plan.parameters[k], p.values[k]);
  }
  doc["seed"] = replication_seed(plan.seed, run.replication);
  return doc;
}

}  // namespace faultline::sweep

#include "sweep/sweep_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <filesystem>
#include <map>
#include <system_error>

#include "sweep/sweep_heatmap.h"
#include "experiments/overrides.h"
#include "monitoring/summary_json.h"
#include "monitoring/terminal.h"

namespace faultline::sweep {

using monitoring::json_number;
using nlohmann::ordered_json;

namespace {

bool better(const SweepPlan& plan, double a, double b) {
  return plan.objective.maximize ? a > b : a < b;
}

double objective_mean(const SweepPlan& plan, const PointSummary& p) {
  const MetricStats* m = p.metric(plan.objective.metric);
  if (m != nullptr) return m->mean;
  return plan.objective.maximize ? -HUGE_VAL : HUGE_VAL;
}

ordered_json stats_json(const MetricStats& s) {
  ordered_json j;
  j["mean"] = json_number(s.mean);
  j["ci95"] = s.ci_low ? ordered_json::array({json_number(*s.ci_low), json_number(*s.ci_high)})
                       : ordered_json();
  j["stddev"] = json_number(s.stddev);
  return j;
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

// A parameter value as the .env or a command line wants it: strings bare, the rest as JSON.
std::string value_text(const nlohmann::json& v) {
  return v.is_string() ? v.get<std::string>() : v.dump();
}

std::string number_text(const ordered_json& j) { return j.is_null() ? "" : j.dump(); }

// The shortest unambiguous column name of each parameter: its last path segment, unless two
// parameters share it.
std::vector<std::string> short_names(const SweepPlan& plan) {
  std::vector<std::string> names;
  for (const auto& path : plan.parameters) {
    auto segments = experiments::split_path(path, nullptr);
    names.push_back(segments && !segments->empty() ? segments->back() : path);
  }
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (std::count(names.begin(), names.end(), names[i]) > 1) names[i] = plan.parameters[i];
  }
  return names;
}

// The objective's metric, then each constraint's (once each): what the console shows.
std::vector<std::string> shown_metrics(const SweepPlan& plan) {
  std::vector<std::string> shown = {plan.objective.metric};
  for (const auto& c : plan.constraints) {
    if (std::find(shown.begin(), shown.end(), c.metric) == shown.end()) shown.push_back(c.metric);
  }
  return shown;
}

std::string stats_text(const MetricStats* s) {
  if (s == nullptr) return "-";
  if (!s->ci_low) return fmt::format("{:.4g}", s->mean);
  return fmt::format("{:.4g} [{:.4g}, {:.4g}]", s->mean, *s->ci_low, *s->ci_high);
}

std::string pad(const std::string& s, std::size_t width) {
  return s.size() >= width ? s : s + std::string(width - s.size(), ' ');
}

}  // namespace

const MetricStats* PointSummary::metric(const std::string& name) const {
  for (const auto& [n, s] : metrics) {
    if (n == name) return &s;
  }
  return nullptr;
}

double student_t_975(int df) {
  if (df < 1) return HUGE_VAL;
  return boost::math::quantile(boost::math::students_t_distribution<double>(df), 0.975);
}

MetricStats metric_stats(const std::vector<double>& values, double lo, double hi) {
  MetricStats s;
  s.n = values.size();
  if (s.n == 0) return s;
  double sum = 0;
  for (double v : values) sum += v;
  s.mean = sum / static_cast<double>(s.n);
  if (s.n < 2) return s;
  double squares = 0;
  for (double v : values) squares += (v - s.mean) * (v - s.mean);
  s.stddev = std::sqrt(squares / static_cast<double>(s.n - 1));
  const double half =
      student_t_975(static_cast<int>(s.n - 1)) * s.stddev / std::sqrt(static_cast<double>(s.n));
  s.ci_low = std::max(s.mean - half, lo);
  s.ci_high = std::min(s.mean + half, hi);
  return s;
}

std::pair<double, double> metric_range(const std::string& metric) {
  if (metric == "availability" || metric == "error_rate" || metric == "degraded_rate")
    return {0.0, 100.0};
  if (metric == "checks_passed") return {0.0, 1.0};
  return {0.0, HUGE_VAL};
}

SweepSummary summarize(const SweepPlan& plan, const std::vector<RunResult>& results) {
  SweepSummary summary;
  const std::vector<std::string> names = sweep_metric_names(plan.breakers);
  const auto seeds = static_cast<std::size_t>(plan.seeds);
  for (std::size_t p = 0; p < plan.points.size(); ++p) {
    PointSummary ps;
    ps.point = p;
    for (const auto& name : names) {
      std::vector<double> values;
      for (std::size_t r = 0; r < seeds; ++r) {
        const auto& m = results[p * seeds + r]["metrics"];
        if (m.contains(name) && m[name].is_number()) values.push_back(m[name].get<double>());
      }
      const auto [lo, hi] = metric_range(name);
      if (!values.empty()) ps.metrics.emplace_back(name, metric_stats(values, lo, hi));
    }
    // Checks are keyed by name, in the order of the first run; a check missing from a run
    // counts as not passed there.
    std::map<std::string, std::size_t> passes;
    std::size_t all_passed = 0;
    for (std::size_t r = 0; r < seeds; ++r) {
      const RunResult& run = results[p * seeds + r];
      for (const auto& c : run["checks"]) {
        const std::string name = c.value("name", "");
        if (r == 0) ps.checks.emplace_back(name, 0.0);
        if (c.value("passed", false)) ++passes[name];
      }
      if (run.value("passed", false)) ++all_passed;
    }
    for (auto& [name, rate] : ps.checks)
      rate = static_cast<double>(passes[name]) / static_cast<double>(seeds);
    ps.check_pass_rate = static_cast<double>(all_passed) / static_cast<double>(seeds);
    for (const auto& c : plan.constraints) {
      const MetricStats* s = ps.metric(c.metric);
      const bool met = s != nullptr && compare(s->mean, c.op, c.bound);
      ps.constraints_met.push_back(met);
      ps.feasible = ps.feasible && met;
    }
    summary.points.push_back(std::move(ps));
  }
  for (std::size_t p = 0; p < summary.points.size(); ++p) summary.ranking.push_back(p);
  std::sort(summary.ranking.begin(), summary.ranking.end(), [&](std::size_t a, std::size_t b) {
    const PointSummary& pa = summary.points[a];
    const PointSummary& pb = summary.points[b];
    if (pa.feasible != pb.feasible) return pa.feasible;
    const double va = objective_mean(plan, pa), vb = objective_mean(plan, pb);
    if (va != vb) return better(plan, va, vb);
    return a < b;
  });
  for (std::size_t i = 0; i < summary.ranking.size(); ++i)
    summary.points[summary.ranking[i]].rank = static_cast<int>(i + 1);
  if (!summary.ranking.empty() && summary.points[summary.ranking[0]].feasible)
    summary.best = summary.ranking[0];
  return summary;
}

std::string sweep_json(const SweepPlan& plan, const SweepSummary& summary) {
  ordered_json j;
  j["experiment"] = plan.name;
  j["seed"] = plan.seed;
  j["seeds"] = plan.seeds;
  j["replication_seeds"] = "seed + i for i in 0..seeds-1, the same for every point";
  j["search"] = plan.random ? "random" : "grid";
  j["parameters"] = plan.parameters;
  j["objective"] = {{"text", plan.objective.text},
                    {"metric", plan.objective.metric},
                    {"direction", plan.objective.maximize ? "maximize" : "minimize"}};
  ordered_json constraints = ordered_json::array();
  for (const auto& c : plan.constraints) {
    constraints.push_back({{"text", c.text},
                           {"metric", c.metric},
                           {"op", to_string(c.op)},
                           {"bound", json_number(c.bound)}});
  }
  j["constraints"] = std::move(constraints);
  j["runs"] = plan.run_count();
  ordered_json points = ordered_json::array();
  for (const PointSummary& ps : summary.points) {
    const SweepPoint& point = plan.points[ps.point];
    ordered_json pj;
    pj["id"] = point.id;
    pj["rank"] = ps.rank;
    pj["feasible"] = ps.feasible;
    ordered_json params = ordered_json::object();
    for (std::size_t k = 0; k < plan.parameters.size(); ++k)
      params[plan.parameters[k]] = point.values[k];
    pj["parameters"] = std::move(params);
    pj["check_pass_rate"] = json_number(ps.check_pass_rate);
    ordered_json met = ordered_json::array();
    for (bool b : ps.constraints_met) met.push_back(b);
    pj["constraints_met"] = std::move(met);
    ordered_json metrics = ordered_json::object();
    for (const auto& [name, s] : ps.metrics) metrics[name] = stats_json(s);
    pj["metrics"] = std::move(metrics);
    ordered_json checks = ordered_json::array();
    for (const auto& [name, rate] : ps.checks)
      checks.push_back({{"name", name}, {"pass_rate", json_number(rate)}});
    pj["checks"] = std::move(checks);
    points.push_back(std::move(pj));
  }
  j["points"] = std::move(points);
  ordered_json ranking = ordered_json::array();
  for (std::size_t p : summary.ranking) ranking.push_back(plan.points[p].id);
  j["ranking"] = std::move(ranking);
  if (summary.best) {
    const SweepPoint& best = plan.points[*summary.best];
    ordered_json overrides = ordered_json::object();
    for (std::size_t k = 0; k < plan.parameters.size(); ++k)
      overrides[plan.parameters[k]] = best.values[k];
    j["best"] = {{"id", best.id}, {"overrides", std::move(overrides)}};
  } else {
    j["best"] = nullptr;
  }
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::string sweep_csv(const SweepPlan& plan, const SweepSummary& summary) {
  const std::vector<std::string> names = sweep_metric_names(plan.breakers);
  std::string out = "point,rank,feasible";
  for (const auto& p : plan.parameters) out += fmt::format(",{}", csv_field(p));
  for (const auto& n : names)
    out += fmt::format(",{0}_mean,{0}_ci95_low,{0}_ci95_high", csv_field(n));
  out += ",check_pass_rate\n";
  for (const PointSummary& ps : summary.points) {
    const SweepPoint& point = plan.points[ps.point];
    out += fmt::format("{},{},{}", point.id, ps.rank, ps.feasible ? "true" : "false");
    for (const auto& v : point.values) out += fmt::format(",{}", csv_field(value_text(v)));
    for (const auto& n : names) {
      const MetricStats* s = ps.metric(n);
      if (s == nullptr) {
        out += ",,,";
        continue;
      }
      const ordered_json j = stats_json(*s);
      out += fmt::format(",{},{},{}", number_text(j["mean"]),
                         s->ci_low ? number_text(j["ci95"][0]) : "",
                         s->ci_low ? number_text(j["ci95"][1]) : "");
    }
    out += fmt::format(",{}\n", number_text(json_number(ps.check_pass_rate)));
  }
  return out;
}

std::string recommended_json(const SweepPlan& plan, const SweepSummary& summary) {
  ordered_json j;
  j["experiment"] = plan.name;
  if (!summary.best) return "";
  const SweepPoint& best = plan.points[*summary.best];
  j["point"] = best.id;
  ordered_json overrides = ordered_json::object();
  for (std::size_t k = 0; k < plan.parameters.size(); ++k)
    overrides[plan.parameters[k]] = best.values[k];
  j["overrides"] = std::move(overrides);
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::string env_variable(const std::string& path) {
  const auto s = experiments::split_path(path, nullptr);
  if (!s) return "";
  const std::vector<std::string>& p = *s;
  if (p.size() == 2 && p[0] == "env") return p[1];
  if (p.size() == 4 && p[0] == "resilience" && p[1] == "circuit_breakers") {
    if (p[3] == "failure_threshold") return "CIRCUIT_BREAKER_FAILURE_THRESHOLD";
    if (p[3] == "recovery_timeout_ms") return "CIRCUIT_BREAKER_RECOVERY_TIMEOUT";
    if (p[3] == "monitoring_window_ms") return "CIRCUIT_BREAKER_MONITORING_WINDOW";
  }
  if (p.size() == 3 && p[0] == "resilience" && p[1] == "coalescing") {
    if (p[2] == "ttl_ms") return "REQUEST_COALESCER_TTL";
    if (p[2] == "max_cache_size") return "REQUEST_COALESCER_MAX_CACHE_SIZE";
  }
  if (p.size() == 2 && p[0] == "slo") {
    if (p[1] == "availability") return "SLI_AVAILABILITY_TARGET";
    if (p[1] == "latency_p95_ms") return "SLI_LATENCY_P95_TARGET";
    if (p[1] == "latency_p99_ms") return "SLI_LATENCY_P99_TARGET";
    if (p[1] == "error_rate") return "SLI_ERROR_RATE_TARGET";
    if (p[1] == "throughput_rps") return "SLI_THROUGHPUT_TARGET";
  }
  return "";
}

std::string recommended_env(const SweepPlan& plan, const SweepSummary& summary) {
  if (!summary.best) return "";
  const SweepPoint& best = plan.points[*summary.best];
  std::string out = fmt::format("# faultline sweep {}: best point {} ({}", plan.name, best.id,
                                plan.objective.text);
  for (const auto& c : plan.constraints) out += fmt::format("; {}", c.text);
  out +=
      ")\n# The guide's environment variables (performance guide, \"Variables "
      "d'Environnement\").\n";
  std::map<std::string, std::string> written;  // variable -> path that set it
  for (std::size_t k = 0; k < plan.parameters.size(); ++k) {
    const std::string& path = plan.parameters[k];
    const std::string value = value_text(best.values[k]);
    const std::string var = env_variable(path);
    if (var.empty()) {
      out += fmt::format("# no environment variable for {}: set it in the file ({}={})\n", path,
                         path, value);
    } else if (const auto it = written.find(var); it != written.end()) {
      out +=
          fmt::format("# {} is already set from {}; {} wants {}\n", var, it->second, path, value);
    } else {
      if (path.rfind("resilience.circuit_breakers.", 0) == 0) {
        out += fmt::format("# tuned on {}; the variable applies to every breaker of the service\n",
                           path);
      }
      out += fmt::format("{}={}\n", var, value);
      written.emplace(var, path);
    }
  }
  return out;
}

std::string ranking_table(const SweepPlan& plan, const SweepSummary& summary, std::size_t top,
                          bool colour) {
  using monitoring::Colour;
  using monitoring::paint;
  const std::vector<std::string> params = short_names(plan);
  const std::vector<std::string> metrics = shown_metrics(plan);
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> header = {"rank", "point"};
  header.insert(header.end(), params.begin(), params.end());
  header.insert(header.end(), metrics.begin(), metrics.end());
  header.push_back("checks");
  header.push_back("constraints");
  rows.push_back(header);
  const std::size_t shown =
      top == 0 ? summary.ranking.size() : std::min(top, summary.ranking.size());
  for (std::size_t i = 0; i < shown; ++i) {
    const PointSummary& ps = summary.points[summary.ranking[i]];
    const SweepPoint& point = plan.points[ps.point];
    std::vector<std::string> row = {fmt::format("{}", ps.rank), point.id};
    for (const auto& v : point.values) row.push_back(value_text(v));
    for (const auto& m : metrics) row.push_back(stats_text(ps.metric(m)));
    row.push_back(fmt::format("{:.0f}%", ps.check_pass_rate * 100));
    row.push_back(plan.constraints.empty() ? "-" : ps.feasible ? "met" : "not met");
    rows.push_back(std::move(row));
  }
  std::vector<std::size_t> widths(header.size(), 0);
  for (const auto& row : rows) {
    for (std::size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], row[c].size());
  }
  std::string out =
      fmt::format("{}: {} points x {} seeds, {}", paint(plan.name, Colour::kBold, colour),
                  plan.points.size(), plan.seeds, plan.objective.text);
  for (std::size_t i = 0; i < plan.constraints.size(); ++i) {
    out += fmt::format("{}{}", i == 0 ? " subject to " : ", ", plan.constraints[i].text);
  }
  out += "\nmean [95% confidence interval] over the seeds:\n\n";
  for (std::size_t r = 0; r < rows.size(); ++r) {
    std::string line;
    for (std::size_t c = 0; c < rows[r].size(); ++c) line += pad(rows[r][c], widths[c] + 2);
    while (!line.empty() && line.back() == ' ') line.pop_back();
    const bool infeasible = r > 0 && !summary.points[summary.ranking[r - 1]].feasible;
    out += (r == 0       ? paint(line, Colour::kBold, colour)
            : infeasible ? paint(line, Colour::kGrey, colour)
                         : line) +
           "\n";
  }
  if (shown < summary.ranking.size())
    out += fmt::format("... {} more in sweep.csv\n", summary.ranking.size() - shown);
  out += "\n";
  if (!summary.best) {
    out += paint("no point meets the constraints", Colour::kRed, colour) + "\n";
    return out;
  }
  const SweepPoint& best = plan.points[*summary.best];
  std::string sets;
  for (std::size_t k = 0; k < plan.parameters.size(); ++k) {
    sets += fmt::format(" --set {}={}", plan.parameters[k], value_text(best.values[k]));
  }
  out += fmt::format("{} {}:{}\n", paint("best:", Colour::kGreen, colour), best.id, sets);
  out += fmt::format("reproduce: faultline run {}{}\n", plan.file, sets);
  return out;
}

int publish_sweep(const SweepPlan& plan, const std::vector<RunResult>& results,
                  const std::string& dir, const PublishOptions& options) {
  const SweepSummary summary = summarize(plan, results);
  std::vector<std::pair<std::string, std::string>> files = {
      {"sweep.json", sweep_json(plan, summary)},
      {"sweep.csv", sweep_csv(plan, summary)},
      {"sweep.html", sweep_html(plan, summary)}};
  if (summary.best) {
    files.emplace_back("recommended.json", recommended_json(plan, summary));
    files.emplace_back("recommended.env", recommended_env(plan, summary));
  } else {
    std::error_code ignored;
    std::filesystem::remove(dir + "/recommended.json", ignored);
    std::filesystem::remove(dir + "/recommended.env", ignored);
  }
  for (const auto& [name, text] : files) {
    std::string error;
    if (!batch::write_whole_file(fmt::format("{}/{}", dir, name), text, /*durable=*/true, &error)) {
      fmt::print(stderr, "faultline: cannot write the sweep's results: {}\n", error);
      return 2;
    }
  }
  if (options.quiet) {
    if (summary.best) {
      fmt::print("{}: best {} of {} points ({})\n", plan.name, plan.points[*summary.best].id,
                 plan.points.size(), plan.objective.text);
    } else {
      fmt::print("{}: no point of {} meets the constraints\n", plan.name, plan.points.size());
    }
  } else {
    std::fputs(ranking_table(plan, summary, options.top, options.colour).c_str(), stdout);
    std::string names;
    for (const auto& f : files) names += (names.empty() ? "" : ", ") + f.first;
    fmt::print("results: {}/ ({})\n", dir, names);
  }
  std::fflush(stdout);
  return summary.best ? 0 : 1;
}

}  // namespace faultline::sweep

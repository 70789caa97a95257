#include "explore/explore_report.h"

#include <fmt/format.h>

#include <filesystem>
#include <map>
#include <system_error>

#include "explore/explore_html.h"
#include "monitoring/atomic_file.h"

namespace faultline::explore {

using nlohmann::json;
using nlohmann::ordered_json;

namespace {

constexpr const char* kFormat = "faultline-explore/1";

// "outage postgres 120+60s" per fault, "; " between: the CSV's and the console's view.
std::string describe_faults(const json& faults) {
  std::string text;
  for (const json& f : faults) {
    if (!text.empty()) text += "; ";
    text += fmt::format(
        "{} {} {}s+{}", f.value("kind", ""), f.value("target", ""),
        f.contains("start_s") ? f["start_s"].dump() : "0",
        f.contains("duration_s") ? fmt::format("{}s", f["duration_s"].dump()) : std::string("end"));
  }
  return text;
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string quoted = "\"";
  for (char c : s) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  quoted += '"';
  return quoted;
}

std::string shortest(double v) { return json(v).dump(); }

}  // namespace

std::string slug(const std::string& text) {
  std::string s;
  for (char c : text) {
    const bool keep = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (c >= 'A' && c <= 'Z') {
      s += static_cast<char>(c - 'A' + 'a');
    } else if (keep) {
      s += c;
    } else if (!s.empty() && s.back() != '-') {
      s += '-';
    }
    if (s.size() >= 60) break;
  }
  while (!s.empty() && s.back() == '-') s.pop_back();
  return s.empty() ? "check" : s;
}

std::vector<std::pair<std::size_t, double>> schedule_values(const ExplorePlan& plan,
                                                            const std::vector<RunResult>& results) {
  std::vector<std::pair<std::size_t, double>> values;
  if (!plan.objective) return values;
  const auto seeds = static_cast<std::size_t>(plan.seeds);
  for (const ExploreSchedule& s : plan.schedules) {
    double sum = 0;
    for (std::size_t r = 0; r < seeds; ++r)
      sum += results.at(s.index * seeds + r)["metrics"].value(plan.objective->metric, 0.0);
    values.emplace_back(s.index, sum / static_cast<double>(seeds));
  }
  return values;
}

ExploreReport conclude(const ExplorePlan& plan, const std::vector<RunResult>& results,
                       const ShrinkFn& shrink, const SearchOutcome* search) {
  ExploreReport report;
  const auto seeds = static_cast<std::size_t>(plan.seeds);
  std::map<std::string, std::size_t> group_of;  // check -> index in report.groups
  ordered_json schedules = ordered_json::array();
  std::optional<std::size_t> worst;
  std::vector<double> objective_values;
  std::string csv = "schedule,faults,passed,failed_checks";
  if (plan.objective) csv += fmt::format(",{}", plan.objective->metric);
  csv += ",fault_list\n";
  for (const ExploreSchedule& s : plan.schedules) {
    std::vector<std::string> failed;  // union over its runs, first-seen order
    std::optional<std::uint64_t> first_seed;
    double sum = 0;
    for (std::size_t r = 0; r < seeds; ++r) {
      const RunResult& run = results.at(s.index * seeds + r);
      if (plan.objective) sum += run["metrics"].value(plan.objective->metric, 0.0);
      for (const auto& name : run["failed"]) {
        const std::string n = name.get<std::string>();
        if (std::find(failed.begin(), failed.end(), n) != failed.end()) continue;
        failed.push_back(n);
        auto [it, added] = group_of.try_emplace(n, report.groups.size());
        if (added) {
          FailureGroup g;
          g.check = n;
          g.first_schedule = s.index;
          g.first_seed = run["seed"].get<std::uint64_t>();
          report.groups.push_back(std::move(g));
        }
        ++report.groups[it->second].schedules;
      }
      if (!run["passed"].get<bool>() && !first_seed) first_seed = run["seed"].get<std::uint64_t>();
    }
    if (!failed.empty()) ++report.failing_schedules;
    ordered_json j;
    j["schedule"] = schedule_id(s.index);
    j["index"] = s.index;
    j["faults"] = s.faults;
    j["passed"] = failed.empty();
    j["failed_checks"] = failed;
    if (first_seed) j["first_failing_seed"] = *first_seed;
    if (plan.objective) {
      const double mean = sum / static_cast<double>(seeds);
      objective_values.push_back(mean);
      j["objective"] = mean;
      // "minimize availability": the worst schedule is the one that gets it lowest.
      if (!worst || batch::better(*plan.objective, mean, objective_values[*worst])) worst = s.index;
    }
    schedules.push_back(std::move(j));
    csv += fmt::format("{},{},{},{}", schedule_id(s.index), s.faults.size(),
                       failed.empty() ? "true" : "false",
                       csv_field(fmt::format("{}", fmt::join(failed, "; "))));
    if (plan.objective) csv += fmt::format(",{}", shortest(objective_values.back()));
    csv += fmt::format(",{}\n", csv_field(describe_faults(s.faults)));
  }

  ordered_json failures = ordered_json::array();
  for (std::size_t k = 0; k < report.groups.size(); ++k) {
    FailureGroup& g = report.groups[k];
    g.reproducer = fmt::format("reproducers/{:02}-{}.json", k + 1, slug(g.check));
    const json& drawn = plan.schedules[g.first_schedule].faults;
    g.faults = drawn;
    if (shrink) {
      if (std::optional<Shrunk> s = shrink(g, drawn)) {
        g.faults = std::move(s->faults);
        g.shrink_runs = s->runs;
      }
    }
    g.document = document_with_faults(plan, g.faults, g.first_seed);
    g.document["description"] =
        fmt::format("Reproducer of explore {} ({}): schedule {}{} with seed {} fails \"{}\".",
                    plan.name, plan.file, schedule_id(g.first_schedule),
                    g.shrink_runs ? ", shrunk," : "", g.first_seed, g.check);
    ordered_json f;
    f["check"] = g.check;
    f["schedules"] = g.schedules;
    f["first_schedule"] = schedule_id(g.first_schedule);
    f["first_seed"] = g.first_seed;
    f["faults"] = drawn;
    if (g.shrink_runs) {
      f["shrunk_faults"] = g.faults;
      f["shrink_runs"] = *g.shrink_runs;
    }
    f["reproducer"] = g.reproducer;
    failures.push_back(std::move(f));
  }

  ordered_json& j = report.json;
  j["format"] = kFormat;
  j["experiment"] = plan.name;
  j["file"] = plan.file;
  j["plan"] = plan.hash;
  j["seed"] = plan.seed;
  j["runs"] = plan.schedules.size();
  j["seeds"] = plan.seeds;
  j["max_faults"] = plan.max_faults;
  j["file_faults"] = plan.file_faults;
  j["failing_schedules"] = report.failing_schedules;
  j["failures"] = std::move(failures);
  if (plan.objective) {
    ordered_json o;
    o["text"] = plan.objective->text;
    o["metric"] = plan.objective->metric;
    o["worst_schedule"] = schedule_id(*worst);
    o["value"] = objective_values[*worst];
    o["faults"] = plan.schedules[*worst].faults;
    // The worst of all: the random one unless the search found a worse one.
    json worst_faults = plan.schedules[*worst].faults;
    std::string worst_id = schedule_id(*worst);
    double worst_value = objective_values[*worst];
    if (search != nullptr) {
      ordered_json a;
      a["runs"] = search->tried.size();
      a["budget"] = plan.search_runs;
      a["restarts"] = plan.restarts;
      a["neighbors"] = plan.neighbors;
      a["rounds"] = search->rounds;
      a["climber_restarts"] = search->restarts_done;
      a["start_value"] = objective_values[*worst];
      if (search->worst) {
        const SearchStep& w = search->tried[*search->worst];
        a["worst_schedule"] = search_id(*search->worst);
        a["value"] = w.value;
        a["faults"] = w.faults;
        if (batch::better(*plan.objective, w.value, worst_value)) {
          worst_faults = w.faults;
          worst_id = search_id(*search->worst);
          worst_value = w.value;
        }
      }
      a["worst_by_round"] = search->worst_by_round;
      o["search"] = std::move(a);
    }
    report.worst_reproducer =
        fmt::format("reproducers/worst-{}.json", slug(plan.objective->metric));
    report.worst_document = document_with_faults(plan, worst_faults, plan.seed);
    report.worst_document["description"] = fmt::format(
        "The worst schedule of explore {} ({}) for \"{}\": {} gives {} = {} (the mean over {} "
        "seeds; this file runs seed {}).",
        plan.name, plan.file, plan.objective->text, worst_id, plan.objective->metric,
        shortest(worst_value), plan.seeds, plan.seed);
    o["worst"] = {{"schedule", worst_id},
                  {"value", worst_value},
                  {"faults", worst_faults},
                  {"reproducer", report.worst_reproducer}};
    j["objective"] = std::move(o);
  }
  j["schedules"] = std::move(schedules);
  report.csv = std::move(csv);
  return report;
}

bool write_report(const ExploreReport& report, const std::string& dir, std::string* error) {
  std::error_code ignored;
  std::filesystem::remove_all(dir + "/reproducers", ignored);
  for (const FailureGroup& g : report.groups) {
    if (!monitoring::write_file_atomic(fmt::format("{}/{}", dir, g.reproducer),
                                       g.document.dump(2) + "\n", error))
      return false;
  }
  if (!report.worst_reproducer.empty() &&
      !monitoring::write_file_atomic(fmt::format("{}/{}", dir, report.worst_reproducer),
                                     report.worst_document.dump(2) + "\n", error))
    return false;
  if (!monitoring::write_file_atomic(dir + "/explore.html", explore_html(report), error))
    return false;
  return monitoring::write_file_atomic(dir + "/explore.csv", report.csv, error) &&
         monitoring::write_file_atomic(
             dir + "/explore.json",
             report.json.dump(2, ' ', false, json::error_handler_t::replace) + "\n", error);
}

}  // namespace faultline::explore

#include "monitoring/compare.h"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "monitoring/sli.h"

namespace faultline::monitoring {

namespace {

using nlohmann::json;

std::string text_of(const json& j, const char* key) {
  if (!j.is_object()) return "";
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

std::map<SliKind, double> sli_values(const json& summary) {
  std::map<SliKind, double> out;
  const auto it = summary.find("slis");
  if (it == summary.end() || !it->is_array()) return out;
  for (const json& s : *it) {
    if (!s.is_object()) continue;
    const auto kind = parse_sli_name(text_of(s, "name"));
    const auto current = s.find("current");
    if (kind && current != s.end() && current->is_number()) out[*kind] = current->get<double>();
  }
  return out;
}

std::map<std::string, std::pair<bool, std::string>> check_results(const json& summary) {
  std::map<std::string, std::pair<bool, std::string>> out;
  const auto it = summary.find("checks");
  if (it == summary.end() || !it->is_array()) return out;
  for (const json& c : *it) {
    if (!c.is_object()) continue;
    const auto passed = c.find("passed");
    if (passed == c.end() || !passed->is_boolean()) continue;
    out[text_of(c, "name")] = {passed->get<bool>(), text_of(c, "detail")};
  }
  return out;
}

// Each breaker's first CLOSED -> OPEN instant, or nullopt when it never opened from CLOSED.
std::map<std::string, std::optional<double>> first_openings(const json& summary) {
  std::map<std::string, std::optional<double>> out;
  const auto it = summary.find("breakers");
  if (it == summary.end() || !it->is_object()) return out;
  for (const auto& [name, b] : it->items()) {
    std::optional<double> first;
    const auto transitions = b.is_object() ? b.find("transitions") : b.end();
    if (b.is_object() && transitions != b.end() && transitions->is_array()) {
      for (const json& t : *transitions) {
        if (text_of(t, "from") != "CLOSED" || text_of(t, "to") != "OPEN") continue;
        const auto at = t.find("at_s");
        first = at != t.end() && at->is_number() ? at->get<double>() : 0.0;
        break;
      }
    }
    out[name] = first;
  }
  return out;
}

double floor_of(SliKind kind) {
  switch (kind) {
    case SliKind::kAvailability:
    case SliKind::kErrorRate: return kComparePercentFloor;
    case SliKind::kLatencyP95:
    case SliKind::kLatencyP99: return kCompareLatencyFloorMs;
    case SliKind::kThroughput: return kCompareThroughputFloorRps;
  }
  return 0;
}

void compare_slis(const json& baseline, const json& current, CompareResult& r) {
  const auto before = sli_values(baseline);
  const auto after = sli_values(current);
  for (SliKind kind : kAllSlis) {
    const std::string name(sli_name(kind));
    const auto b = before.find(kind);
    const auto c = after.find(kind);
    if (b == before.end() || c == after.end()) {
      if (b != before.end() || c != after.end()) {
        r.notes.push_back(fmt::format("sli {} is only in the {}", name, b == before.end() ? "current" : "baseline"));
      }
      continue;
    }
    // The compared quantity: what a person reasons about in ratios.
    const bool availability = kind == SliKind::kAvailability;
    const double qb = availability ? 100 - b->second : b->second;
    const double qc = availability ? 100 - c->second : c->second;
    const double floor = floor_of(kind);
    const double change_pct = (qc - qb) / std::max(std::abs(qb), floor) * 100;
    // Positive when worse: the failure share, error rate and latencies rise; throughput falls.
    const bool more_is_worse = kind != SliKind::kThroughput;
    const double worse_by = more_is_worse ? qc - qb : qb - qc;
    const double worse_pct = more_is_worse ? change_pct : -change_pct;
    CompareFinding f{"sli", name, b->second, c->second, change_pct, ""};
    f.message = fmt::format("sli {}: {:.3f} -> {:.3f} {} ({}{:+.1f} %, tolerance {} %)", name, b->second, c->second,
                            sli_unit(kind), availability ? "failure share " : "", change_pct, r.tolerance_pct);
    // The slack keeps a change equal to the tolerance (up to rounding) on the allowed side.
    const double tolerance = r.tolerance_pct + kEdgeSlack * std::max(1.0, r.tolerance_pct);
    if (worse_by > floor && worse_pct > tolerance) {
      r.regressions.push_back(std::move(f));
    } else if (-worse_by > floor && -worse_pct > tolerance) {
      r.improvements.push_back(std::move(f));
    }
  }
}

void compare_checks(const json& baseline, const json& current, CompareResult& r) {
  const auto before = check_results(baseline);
  const auto after = check_results(current);
  for (const auto& [name, result] : after) {
    const auto& [passed, detail] = result;
    const auto b = before.find(name);
    if (!passed && b == before.end()) {
      r.regressions.push_back({"check", name, {}, {}, {}, fmt::format("check '{}' fails (not in the baseline): {}", name, detail)});
    } else if (!passed && b->second.first) {
      r.regressions.push_back({"check", name, {}, {}, {}, fmt::format("check '{}' passed, now fails: {}", name, detail)});
    } else if (passed && b != before.end() && !b->second.first) {
      r.improvements.push_back({"check", name, {}, {}, {}, fmt::format("check '{}' failed, now passes: {}", name, detail)});
    }
  }
  for (const auto& [name, result] : before) {
    if (after.find(name) == after.end()) r.notes.push_back(fmt::format("check '{}' is only in the baseline", name));
  }
}

void compare_breakers(const json& baseline, const json& current, CompareResult& r) {
  const auto before = first_openings(baseline);
  const auto after = first_openings(current);
  for (const auto& [name, opened] : after) {
    const auto b = before.find(name);
    const bool opened_before = b != before.end() && b->second.has_value();
    if (opened && !opened_before) {
      r.regressions.push_back({"breaker", name, {}, {}, {},
                               fmt::format("breaker {} now opens (first at {:.3f} s); it did not in the baseline",
                                           name, *opened)});
    } else if (!opened && opened_before) {
      r.improvements.push_back({"breaker", name, {}, {}, {},
                                fmt::format("breaker {} no longer opens (the baseline's first opening at {:.3f} s)",
                                            name, *b->second)});
    }
  }
}

nlohmann::ordered_json finding_json(const CompareFinding& f) {
  nlohmann::ordered_json j = {{"kind", f.kind}, {"subject", f.subject}, {"message", f.message}};
  if (f.baseline) j["baseline"] = *f.baseline;
  if (f.current) j["current"] = *f.current;
  if (f.change_pct) j["change_pct"] = std::round(*f.change_pct * 1000) / 1000;
  return j;
}

}  // namespace

CompareResult compare_summaries(const json& baseline, const json& current, double tolerance_pct) {
  CompareResult r;
  r.tolerance_pct = tolerance_pct;
  if (!baseline.is_object() || !current.is_object()) {
    r.notes.push_back("not a summary object");
    return r;
  }
  const std::string b_name = text_of(baseline, "experiment"), c_name = text_of(current, "experiment");
  if (b_name != c_name) r.notes.push_back(fmt::format("different experiments: '{}' and '{}'", b_name, c_name));
  compare_slis(baseline, current, r);
  compare_checks(baseline, current, r);
  compare_breakers(baseline, current, r);
  return r;
}

std::string format_compare(const CompareResult& r) {
  std::string out;
  for (const auto& f : r.regressions) out += "REGRESSION  " + f.message + "\n";
  for (const auto& f : r.improvements) out += "improvement " + f.message + "\n";
  for (const auto& n : r.notes) out += "note        " + n + "\n";
  out += fmt::format("{}: {} regression{}, {} improvement{} (tolerance {} %)\n",
                     r.regressions.empty() ? "PASS" : "FAIL", r.regressions.size(),
                     r.regressions.size() == 1 ? "" : "s", r.improvements.size(), r.improvements.size() == 1 ? "" : "s",
                     r.tolerance_pct);
  return out;
}

nlohmann::ordered_json compare_json(const CompareResult& r) {
  nlohmann::ordered_json j;
  auto list = [](const std::vector<CompareFinding>& v) {
    nlohmann::ordered_json a = nlohmann::ordered_json::array();
    for (const auto& f : v) a.push_back(finding_json(f));
    return a;
  };
  j["regressions"] = list(r.regressions);
  j["improvements"] = list(r.improvements);
  j["notes"] = r.notes;
  j["tolerance_pct"] = r.tolerance_pct;
  j["passed"] = r.regressions.empty();
  return j;
}

}  // namespace faultline::monitoring

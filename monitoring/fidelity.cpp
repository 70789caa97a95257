#include "monitoring/fidelity.h"

#include <algorithm>
#include <cmath>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace faultline::monitoring {

namespace {

std::vector<std::string> fired(const monitoring::Evaluation& e) {
  std::set<std::string> names;
  for (const auto& a : e.alerts) names.insert(a.name);
  return {names.begin(), names.end()};
}

}  // namespace

Fidelity compare(const monitoring::Evaluation& sim, const sim::Metrics& sim_metrics,
                 const monitoring::Evaluation& live, const sim::Metrics& live_metrics,
                 const experiments::FidelityTolerances& tol, const std::string& unobserved,
                 const std::vector<std::string>& unobserved_alerts) {
  Fidelity f;
  f.tolerances = tol;
  if (!unobserved.empty()) {
    // Comparing the model's transitions with none observed would fail every one, for no fault
    // of the model: say what is missing instead.
    f.not_compared.emplace_back("breakers", unobserved);
    f.not_compared.emplace_back("dependencies", unobserved);
  }
  for (const auto& s : sim.slis) {
    const auto l = std::find_if(live.slis.begin(), live.slis.end(), [&](const auto& x) { return x.name == s.name; });
    if (l == live.slis.end()) continue;
    SliFidelity r;
    r.name = s.name;
    r.unit = s.unit;
    r.sim = s.current;
    r.live = l->current;
    r.diff = r.live - r.sim;
    if (r.sim != 0) r.rel_diff = r.diff / std::fabs(r.sim);
    if (s.name == "availability") {
      r.judged = true;
      r.ok = std::fabs(r.diff) <= tol.availability_points + 1e-9;
      if (!r.ok) f.failures.push_back(fmt::format("availability {:.2f} % live vs {:.2f} % sim: {:+.2f} points (tolerance {:.2f})", r.live, r.sim, r.diff, tol.availability_points));
    } else if (s.name == "latency_p95" || s.name == "latency_p99") {
      r.judged = true;
      // Both zero is a match; one zero is not (rel_diff absent).
      r.ok = r.rel_diff.has_value() ? std::fabs(*r.rel_diff) <= tol.latency_relative + 1e-9 : r.live == 0;
      if (!r.ok) f.failures.push_back(fmt::format("{} {:.1f} ms live vs {:.1f} ms sim (tolerance {:.0f} %)", r.name, r.live, r.sim, tol.latency_relative * 100));
    }
    f.slis.push_back(r);
  }
  for (const auto& sb : sim_metrics.breakers()) {
    if (!unobserved.empty()) break;
    BreakerFidelity b;
    b.name = sb.name;
    const auto lb = std::find_if(live_metrics.breakers().begin(), live_metrics.breakers().end(),
                                 [&](const auto& x) { return x.name == sb.name; });
    static const std::vector<sim::BreakerTransitionRecord> kNone;
    const auto& lt = lb != live_metrics.breakers().end() ? lb->transitions : kNone;
    const std::size_t n = std::max(sb.transitions.size(), lt.size());
    for (std::size_t i = 0; i < n; ++i) {
      TransitionFidelity t;
      const sim::BreakerTransitionRecord* s = i < sb.transitions.size() ? &sb.transitions[i] : nullptr;
      const sim::BreakerTransitionRecord* l = i < lt.size() ? &lt[i] : nullptr;
      t.from = s != nullptr ? s->from : l->from;
      t.to = s != nullptr ? s->to : l->to;
      if (s != nullptr) t.sim_s = to_seconds(s->at);
      if (l != nullptr) t.live_s = to_seconds(l->at);
      if (s != nullptr && l != nullptr) {
        t.diff_s = *t.live_s - *t.sim_s;
        t.ok = s->from == l->from && s->to == l->to && std::fabs(*t.diff_s) <= tol.breaker_seconds + 1e-9;
      } else {
        t.ok = false;
      }
      if (!t.ok) {
        f.failures.push_back(fmt::format("breaker {} transition {} {}->{}: sim {} live {}", b.name, i, t.from, t.to,
                                         t.sim_s ? fmt::format("{:.3f} s", *t.sim_s) : "none",
                                         t.live_s ? fmt::format("{:.3f} s", *t.live_s) : "none"));
      }
      b.ok = b.ok && t.ok;
      b.transitions.push_back(t);
    }
    f.breakers.push_back(std::move(b));
  }
  f.sim_alerts = fired(sim);
  f.live_alerts = fired(live);
  if (!unobserved.empty() && !unobserved_alerts.empty()) {
    // An alert on breaker or worker state cannot fire where neither is seen: comparing it
    // would fail the model for what the live run could not measure.
    const auto drop = [&](std::vector<std::string>& names) {
      std::erase_if(names, [&](const std::string& n) {
        return std::find(unobserved_alerts.begin(), unobserved_alerts.end(), n) != unobserved_alerts.end();
      });
    };
    drop(f.sim_alerts);
    drop(f.live_alerts);
    f.not_compared.emplace_back("alerts", fmt::format("{} (from breaker or worker state): {}",
                                                      fmt::join(unobserved_alerts, ", "), unobserved));
  }
  f.alerts_ok = !tol.same_alerts || f.sim_alerts == f.live_alerts;
  if (!f.alerts_ok) {
    f.failures.push_back(fmt::format("alerts fired: sim [{}] live [{}]", fmt::join(f.sim_alerts, ", "), fmt::join(f.live_alerts, ", ")));
  }
  f.passed = f.failures.empty();
  return f;
}

std::string fidelity_json(const Fidelity& f, const std::string& extra_json) {
  nlohmann::ordered_json j;
  j["verdict"] = f.passed ? "pass" : "fail";
  j["tolerances"] = {{"availability_points", f.tolerances.availability_points},
                     {"latency_relative", f.tolerances.latency_relative},
                     {"breaker_seconds", f.tolerances.breaker_seconds},
                     {"same_alerts", f.tolerances.same_alerts}};
  nlohmann::ordered_json slis = nlohmann::ordered_json::object();
  for (const auto& s : f.slis) {
    nlohmann::ordered_json x;
    x["sim"] = s.sim;
    x["live"] = s.live;
    x["diff"] = s.diff;
    x["rel_diff"] = s.rel_diff.has_value() ? nlohmann::ordered_json(*s.rel_diff) : nlohmann::ordered_json();
    x["unit"] = s.unit;
    x["judged"] = s.judged;
    if (s.judged) x["ok"] = s.ok;
    slis[s.name] = x;
  }
  j["slis"] = slis;
  nlohmann::ordered_json breakers = nlohmann::ordered_json::object();
  for (const auto& b : f.breakers) {
    nlohmann::ordered_json ts = nlohmann::ordered_json::array();
    for (const auto& t : b.transitions) {
      const auto opt = [](const std::optional<double>& v) { return v ? nlohmann::ordered_json(*v) : nlohmann::ordered_json(); };
      ts.push_back({{"from", t.from}, {"to", t.to}, {"sim_s", opt(t.sim_s)}, {"live_s", opt(t.live_s)},
                    {"diff_s", opt(t.diff_s)}, {"ok", t.ok}});
    }
    breakers[b.name] = {{"ok", b.ok}, {"transitions", ts}};
  }
  j["breakers"] = breakers;
  j["alerts"] = {{"sim", f.sim_alerts}, {"live", f.live_alerts}, {"ok", f.alerts_ok}};
  j["failures"] = f.failures;
  if (!f.not_compared.empty()) {
    nlohmann::ordered_json absent = nlohmann::ordered_json::object();
    for (const auto& [what, why] : f.not_compared) absent[what] = why;
    j["not_compared"] = absent;
  }
  if (!extra_json.empty()) {
    const nlohmann::ordered_json extra = nlohmann::ordered_json::parse(extra_json);
    for (const auto& [k, v] : extra.items()) j[k] = v;
  }
  return j.dump(2) + "\n";
}

}  // namespace faultline::monitoring

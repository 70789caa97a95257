#include "monitoring/prometheus_rules_eval.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "monitoring/promql_evaluator.h"
#include "monitoring/promql_parser.h"

namespace faultline::monitoring {

namespace {

using promql::Labels;

std::string key_of(const Labels& l) {
  std::string k;
  for (const auto& [n, v] : l) k += n + '\xff' + v + '\xff';
  return k;
}

double seconds(std::int64_t ms) { return static_cast<double>(ms) / 1000; }

// One label set's alert as rules/alerting.go keeps it.
struct Active {
  Labels labels;  // alertname aside
  std::int64_t active_at = 0;
  std::optional<std::int64_t> fired_at;
  std::optional<std::int64_t> keep_firing_since;
};

struct RuleState {
  const RuleGroup* group = nullptr;
  const PrometheusRule* rule = nullptr;
  std::size_t order = 0;
  std::map<std::string, Active> active;  // pending or firing
  std::set<std::string> recorded;        // recording rules: label sets output at the last evaluation
};

class Manager {
 public:
  Manager(const RunOutcome& run, const RuleSet& rules) : rules_(rules) {
    std::set<std::string> names;
    bool any = false;
    for (const RuleGroup& g : rules.groups) {
      for (const PrometheusRule& r : g.rules) {
        for (const std::string& n : promql::selected_metric_names(*r.parsed)) {
          if (n.empty()) any = true;
          names.insert(n);
        }
        states_.push_back(RuleState{&g, &r, states_.size(), {}, {}});
      }
    }
    store_ = promql::SeriesStore::from_run(run, [&](const std::string& n) { return any || names.count(n) != 0; });
  }

  RuleEvaluation run() {
    const std::int64_t last = store_.last_run_sample();
    if (last >= 0) {
      // Every instant some group is due, in order; at one instant, groups in file order.
      std::int64_t t = 0;
      while (t <= last) {
        std::size_t s = 0;
        for (const RuleGroup& g : rules_.groups) {
          const bool due = t % g.interval_ms == 0;
          for (std::size_t i = 0; i < g.rules.size(); ++i, ++s) {
            if (due) evaluate(states_[s], t);
          }
        }
        std::int64_t next = last + 1;
        for (const RuleGroup& g : rules_.groups) next = std::min(next, (t / g.interval_ms + 1) * g.interval_ms);
        t = next;
      }
    }
    for (RuleState& st : states_) {
      for (auto& [k, a] : st.active) finish(st, a, std::nullopt);
    }
    std::stable_sort(out_.alerts.begin(), out_.alerts.end(), [&](const Episode& x, const Episode& y) {
      if (x.event.pending_at_s != y.event.pending_at_s) return x.event.pending_at_s < y.event.pending_at_s;
      if (x.order != y.order) return x.order < y.order;
      return x.event.labels < y.event.labels;
    });
    RuleEvaluation result;
    for (Episode& e : out_.alerts) result.alerts.push_back(std::move(e.event));
    result.errors = std::move(out_.errors);
    return result;
  }

 private:
  struct Episode {
    AlertEvent event;
    std::size_t order;
  };

  std::string who(const PrometheusRule& r) const {
    return r.alert.empty() ? fmt::format("recording rule \"{}\" ({})", r.record, r.where)
                           : fmt::format("alert \"{}\" ({})", r.alert, r.where);
  }

  void evaluate(RuleState& st, std::int64_t t) {
    const PrometheusRule& r = *st.rule;
    promql::Vector v;
    try {
      v = promql::Evaluator(store_).instant(*r.parsed, t);
    } catch (const promql::EvalError& ex) {
      // Prometheus leaves the rule's state as it was when an evaluation fails.
      if (out_.errors.size() < 100) out_.errors.push_back(fmt::format("{} at {} s: {}", who(r), seconds(t), ex.what()));
      return;
    }
    if (!r.record.empty()) {
      record(st, v, t);
    } else {
      alert(st, v, t);
    }
  }

  void record(RuleState& st, promql::Vector& v, std::int64_t t) {
    const PrometheusRule& r = *st.rule;
    std::set<std::string> now;
    std::vector<std::pair<Labels, double>> samples;
    for (promql::Sample& s : v) {
      Labels l;
      for (auto& p : s.labels) {
        if (p.first != promql::kMetricName && promql::label_value(r.labels, p.first).empty()) l.push_back(p);
      }
      for (const auto& p : r.labels) l.push_back(p);
      l.emplace_back(promql::kMetricName, r.record);
      std::sort(l.begin(), l.end());
      if (!now.insert(key_of(l)).second) {
        out_.errors.push_back(fmt::format("{} at {} s: vector contains metrics with the same labelset after applying rule labels", who(r), seconds(t)));
        return;
      }
      samples.emplace_back(std::move(l), s.value);
    }
    for (auto& [l, value] : samples) store_.append(l, t, value);
    // A label set output last time and not now ends with a staleness marker, as Prometheus writes.
    std::vector<Labels> ended;
    for (const promql::Series& s : store_.series()) {
      if (promql::label_value(s.labels, promql::kMetricName) != r.record) continue;
      const std::string k = key_of(s.labels);
      if (st.recorded.count(k) != 0 && now.count(k) == 0) ended.push_back(s.labels);
    }
    for (const Labels& l : ended) store_.append(l, t, promql::stale_marker());
    st.recorded = std::move(now);
  }

  void alert(RuleState& st, promql::Vector& v, std::int64_t t) {
    const PrometheusRule& r = *st.rule;
    std::map<std::string, Labels> results;
    for (promql::Sample& s : v) {
      Labels l;
      for (auto& p : s.labels) {
        if (p.first != promql::kMetricName && p.first != "alertname" && promql::label_value(r.labels, p.first).empty()) {
          l.push_back(p);
        }
      }
      for (const auto& p : r.labels) l.push_back(p);
      std::sort(l.begin(), l.end());
      const std::string k = key_of(l);
      if (results.count(k) != 0) {
        out_.errors.push_back(fmt::format("{} at {} s: vector contains metrics with the same labelset after applying alert labels", who(r), seconds(t)));
        return;
      }
      results.emplace(k, std::move(l));
    }
    for (auto& [k, l] : results) {
      if (st.active.count(k) == 0) st.active.emplace(k, Active{std::move(l), t, std::nullopt, std::nullopt});
    }
    for (auto it = st.active.begin(); it != st.active.end();) {
      Active& a = it->second;
      if (results.count(it->first) == 0) {
        bool keep = false;
        if (a.fired_at && r.keep_firing_for_ms > 0) {
          if (!a.keep_firing_since) a.keep_firing_since = t;
          keep = t - *a.keep_firing_since < r.keep_firing_for_ms;
        }
        if (!keep) {
          finish(st, a, t);  // pending: dropped; firing: resolved
          it = st.active.erase(it);
          continue;
        }
      } else {
        a.keep_firing_since.reset();
      }
      if (!a.fired_at && t - a.active_at >= r.for_ms) a.fired_at = t;
      ++it;
    }
  }

  void finish(const RuleState& st, const Active& a, std::optional<std::int64_t> ended) {
    AlertEvent e;
    e.name = st.rule->alert;
    e.severity = promql::label_value(a.labels, "severity");
    e.pending_at_s = seconds(a.active_at);
    e.fired = a.fired_at.has_value();
    e.fired_at_s = a.fired_at ? seconds(*a.fired_at) : 0;
    if (ended) e.resolved_at_s = seconds(*ended);
    e.source = "prometheus";
    e.rule = st.rule->where;
    e.labels = a.labels;
    e.annotations = st.rule->annotations;
    out_.alerts.push_back(Episode{std::move(e), st.order});
  }

  const RuleSet& rules_;
  std::vector<RuleState> states_;
  promql::SeriesStore store_;
  struct {
    std::vector<Episode> alerts;
    std::vector<std::string> errors;
  } out_;
};

}  // namespace

RuleEvaluation evaluate_prometheus_rules(const RunOutcome& run, const RuleSet& rules) {
  return Manager(run, rules).run();
}

}  // namespace faultline::monitoring

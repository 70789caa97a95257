#include "monitoring/promql_evaluator.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>

#include "monitoring/promql_functions.h"
#include "sim/det_math.h"

namespace faultline::monitoring::promql {

namespace {

bool matches(const Expr& selector, const Labels& labels) {
  for (const LabelMatcher& m : selector.matchers) {
    if (!m.matches(label_value(labels, m.name))) return false;
  }
  return true;
}

Labels drop_name(Labels l) {
  l.erase(std::remove_if(l.begin(), l.end(), [](const auto& p) { return p.first == kMetricName; }), l.end());
  return l;
}

// The labels kept by by(...) (keep = true) or left by without(...): __name__ never survives
// `without`, and only survives `by` when listed.
Labels group_labels(const Labels& l, const std::vector<std::string>& names, bool keep) {
  Labels out;
  for (const auto& p : l) {
    const bool listed = std::find(names.begin(), names.end(), p.first) != names.end();
    if (keep ? listed : (!listed && p.first != kMetricName)) out.push_back(p);
  }
  return out;
}

std::string signature(const Labels& l) {
  std::string s;
  for (const auto& [n, v] : l) {
    s += n;
    s += '\xff';
    s += v;
    s += '\xff';
  }
  return s;
}

// The labels two vectors' elements are matched on: on(...) keeps the listed ones, ignoring(...)
// (or nothing written) all but those and __name__.
Labels matching_labels(const Labels& l, const Expr& e) { return group_labels(l, e.grouping, e.on); }

// The arithmetic or comparison of two values; *keep false when a comparison does not hold.
double apply(BinaryOp op, double l, double r, bool* keep) {
  *keep = true;
  switch (op) {
    case BinaryOp::kAdd: return l + r;
    case BinaryOp::kSub: return l - r;
    case BinaryOp::kMul: return l * r;
    case BinaryOp::kDiv: return l / r;
    case BinaryOp::kMod: return std::fmod(l, r);
    // The project's pow, not libm's: a rule's value lands in summary.json, which is the same
    // bytes on every CPU (Prometheus uses Go's math.Pow; both are within a few ulp).
    case BinaryOp::kPow: return sim::det::pow(l, r);
    case BinaryOp::kEq: *keep = l == r; return l;
    case BinaryOp::kNe: *keep = l != r; return l;
    case BinaryOp::kGt: *keep = l > r; return l;
    case BinaryOp::kLt: *keep = l < r; return l;
    case BinaryOp::kGe: *keep = l >= r; return l;
    case BinaryOp::kLe: *keep = l <= r; return l;
    default: return 0;  // set operators never reach here
  }
}

}  // namespace

Vector Evaluator::instant(const Expr& expr, std::int64_t t_ms) const {
  Value v = eval(expr, t_ms);
  if (v.scalar) return {Sample{{}, v.number}};
  return std::move(v.vector);
}

Evaluator::Value Evaluator::eval(const Expr& e, std::int64_t t) const {
  Value v;
  switch (e.kind) {
    case Expr::Kind::kNumber:
      v.scalar = true;
      v.number = e.number;
      return v;
    case Expr::Kind::kSelector: v.vector = select(e, t); return v;
    case Expr::Kind::kCall: v.vector = call(e, t); return v;
    case Expr::Kind::kAggregate: v.vector = aggregate(e, t); return v;
    case Expr::Kind::kBinary: return binary(e, t);
    case Expr::Kind::kNegate: {
      v = eval(*e.args[0], t);
      if (v.scalar) {
        v.number = -v.number;
      } else {
        for (Sample& s : v.vector) {
          s.labels = drop_name(std::move(s.labels));
          s.value = -s.value;
        }
      }
      return v;
    }
  }
  return v;
}

Vector Evaluator::select(const Expr& e, std::int64_t t) const {
  Vector out;
  for (const Series& s : store_.series()) {
    if (!matches(e, s.labels)) continue;
    const auto& times = *s.times;
    const std::size_t n = s.values.size();
    const auto end = std::upper_bound(times.begin(), times.begin() + static_cast<std::ptrdiff_t>(n), t);
    if (end == times.begin()) continue;
    const std::size_t last = static_cast<std::size_t>(end - times.begin()) - 1;
    if (times[last] < t - kLookbackDeltaMs || is_stale_marker(s.values[last])) continue;
    out.push_back(Sample{s.labels, s.values[last]});
  }
  return out;
}

Vector Evaluator::call(const Expr& e, std::int64_t t) const {
  Vector out;
  if (e.function == Function::kHistogramQuantile) {
    const Value q = eval(*e.args[0], t);
    const Vector in = eval(*e.args[1], t).vector;
    // Buckets grouped by their labels without le and __name__, in order of first appearance.
    std::map<std::string, std::size_t> index;
    std::vector<std::pair<Labels, std::vector<std::pair<double, double>>>> groups;
    for (const Sample& s : in) {
      const std::string& le = label_value(s.labels, "le");
      char* end = nullptr;
      const double bound = std::strtod(le.c_str(), &end);
      if (le.empty() || end != le.c_str() + le.size()) continue;  // not a bucket: ignored, as Prometheus
      Labels key;
      for (const auto& p : s.labels) {
        if (p.first != "le" && p.first != kMetricName) key.push_back(p);
      }
      const std::string sig = signature(key);
      auto [it, added] = index.emplace(sig, groups.size());
      if (added) groups.emplace_back(std::move(key), std::vector<std::pair<double, double>>{});
      groups[it->second].second.emplace_back(bound, s.value);
    }
    for (auto& [labels, buckets] : groups) out.push_back(Sample{labels, bucket_quantile(q.number, std::move(buckets))});
    return out;
  }
  const Expr& sel = *e.args[0];
  const std::int64_t start = t - sel.range_ms;
  for (const Series& s : store_.series()) {
    if (!matches(sel, s.labels)) continue;
    const auto& times = *s.times;
    const std::size_t n = s.values.size();
    const auto first = std::lower_bound(times.begin(), times.begin() + static_cast<std::ptrdiff_t>(n), start);
    const auto last = std::upper_bound(first, times.begin() + static_cast<std::ptrdiff_t>(n), t);
    std::vector<std::int64_t> ts;
    std::vector<double> vs;
    for (auto it = first; it != last; ++it) {
      const double v = s.values[static_cast<std::size_t>(it - times.begin())];
      if (is_stale_marker(v)) continue;  // a range holds no staleness marker
      ts.push_back(*it);
      vs.push_back(v);
    }
    double value = 0;
    const bool ok = e.function == Function::kIrate
                        ? instant_rate(ts.data(), vs.data(), ts.size(), &value)
                        : extrapolated_rate(ts.data(), vs.data(), ts.size(), start, t, sel.range_ms,
                                            e.function == Function::kRate, &value);
    if (ok) out.push_back(Sample{drop_name(s.labels), value});
  }
  return out;
}

Vector Evaluator::aggregate(const Expr& e, std::int64_t t) const {
  const Vector in = eval(*e.args[0], t).vector;
  struct Group {
    Labels labels;
    double value = 0;
    double mean = 0;
    std::size_t count = 0;
  };
  std::map<std::string, std::size_t> index;
  std::vector<Group> groups;
  for (const Sample& s : in) {
    Labels key = group_labels(s.labels, e.grouping, !e.without);
    const std::string sig = signature(key);
    auto [it, added] = index.emplace(sig, groups.size());
    if (added) {
      groups.push_back(Group{std::move(key), s.value, s.value, 1});
      continue;
    }
    Group& g = groups[it->second];
    ++g.count;
    switch (e.aggregation) {
      case Aggregation::kSum: g.value += s.value; break;
      case Aggregation::kAvg: {
        // Prometheus's incremental mean (no overflow of a running sum), with its Inf cases.
        if (std::isinf(g.mean)) {
          if (std::isinf(s.value) && (g.mean > 0) == (s.value > 0)) break;
          if (!std::isinf(s.value) && !std::isnan(s.value)) break;
        }
        const double c = static_cast<double>(g.count);
        g.mean += s.value / c - g.mean / c;
        break;
      }
      case Aggregation::kMax:
        if (g.value < s.value || std::isnan(g.value)) g.value = s.value;
        break;
      case Aggregation::kMin:
        if (g.value > s.value || std::isnan(g.value)) g.value = s.value;
        break;
      case Aggregation::kCount: break;
    }
  }
  Vector out;
  for (Group& g : groups) {
    double v = g.value;
    if (e.aggregation == Aggregation::kAvg) v = g.mean;
    if (e.aggregation == Aggregation::kCount) v = static_cast<double>(g.count);
    out.push_back(Sample{std::move(g.labels), v});
  }
  return out;
}

Evaluator::Value Evaluator::binary(const Expr& e, std::int64_t t) const {
  Value l = eval(*e.args[0], t);
  Value r = eval(*e.args[1], t);
  Value out;
  const bool drops_name = !is_comparison(e.op) || e.return_bool;
  if (l.scalar && r.scalar) {
    bool keep = true;
    out.scalar = true;
    out.number = apply(e.op, l.number, r.number, &keep);
    if (e.return_bool) out.number = keep ? 1 : 0;
    return out;
  }
  if (l.scalar || r.scalar) {
    const bool swap = l.scalar;  // the scalar is on the left
    const double scalar = swap ? l.number : r.number;
    for (Sample& s : swap ? r.vector : l.vector) {
      bool keep = true;
      double value = swap ? apply(e.op, scalar, s.value, &keep) : apply(e.op, s.value, scalar, &keep);
      // A comparison keeps the vector's value, whichever side it is on.
      if (is_comparison(e.op) && swap) value = s.value;
      if (e.return_bool) {
        value = keep ? 1 : 0;
        keep = true;
      }
      if (!keep) continue;
      out.vector.push_back(Sample{drops_name ? drop_name(std::move(s.labels)) : std::move(s.labels), value});
    }
    return out;
  }
  // Vector and vector: elements matched one to one on their matching labels.
  if (is_set_operator(e.op)) {
    std::map<std::string, bool> right;
    for (const Sample& s : r.vector) right[signature(matching_labels(s.labels, e))] = true;
    if (e.op == BinaryOp::kOr) {
      std::map<std::string, bool> left;
      for (Sample& s : l.vector) {
        left[signature(matching_labels(s.labels, e))] = true;
        out.vector.push_back(std::move(s));
      }
      for (Sample& s : r.vector) {
        if (left.count(signature(matching_labels(s.labels, e))) == 0) out.vector.push_back(std::move(s));
      }
    } else {
      const bool want = e.op == BinaryOp::kAnd;
      for (Sample& s : l.vector) {
        if ((right.count(signature(matching_labels(s.labels, e))) != 0) == want) out.vector.push_back(std::move(s));
      }
    }
    return out;
  }
  std::map<std::string, const Sample*> right;
  for (const Sample& s : r.vector) {
    const std::string sig = signature(matching_labels(s.labels, e));
    if (!right.emplace(sig, &s).second) {
      throw EvalError("found duplicate series for the match group on the right hand-side of the operation: many-to-many matching not allowed");
    }
  }
  std::map<std::string, bool> matched;
  for (Sample& s : l.vector) {
    const Labels key = matching_labels(s.labels, e);
    const std::string sig = signature(key);
    const auto it = right.find(sig);
    if (it == right.end()) continue;
    if (!matched.emplace(sig, true).second) {
      throw EvalError("multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)");
    }
    bool keep = true;
    double value = apply(e.op, s.value, it->second->value, &keep);
    if (e.return_bool) {
      value = keep ? 1 : 0;
      keep = true;
    }
    if (!keep) continue;
    Labels labels = std::move(s.labels);
    if (drops_name) labels = drop_name(std::move(labels));
    // One-to-one: on(...) leaves only the matched labels, ignoring(...) removes the ignored ones.
    if (e.grouping_written) {
      Labels kept;
      for (auto& p : labels) {
        const bool listed = std::find(e.grouping.begin(), e.grouping.end(), p.first) != e.grouping.end();
        if (listed == e.on) kept.push_back(std::move(p));
      }
      labels = std::move(kept);
    }
    out.vector.push_back(Sample{std::move(labels), value});
  }
  return out;
}

}  // namespace faultline::monitoring::promql

// Evaluates a parsed PromQL expression (monitoring/promql_parser.h) at one instant over a
// SeriesStore, as Prometheus 2.42's engine does for an instant query: a selector takes each
// series' latest sample in [t - 5m, t] (the lookback delta) unless it is a staleness marker;
// a range [r] takes the samples in [t - r, t].
//
//   Evaluator ev(store);
//   Vector v = ev.instant(*expr, /*t_ms=*/300'000);   // throws EvalError on many-to-many matching
//
// Not thread-safe while the store changes; the store must outlive the evaluator.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <vector>

#include "monitoring/promql_ast.h"
#include "monitoring/promql_series.h"

namespace faultline::monitoring::promql {

inline constexpr std::int64_t kLookbackDeltaMs = 5 * 60 * 1000;

struct Sample {
  Labels labels;
  double value = 0;
};
using Vector = std::vector<Sample>;

// An expression that fails at an instant (duplicate series, many-to-many matching): Prometheus
// fails the rule's evaluation then; faultline reports it as a failed check.
struct EvalError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class Evaluator {
 public:
  explicit Evaluator(const SeriesStore& store) : store_(store) {}
  // The expression's value at t: a scalar result is one sample without labels, as the rule
  // manager turns it.
  Vector instant(const Expr& expr, std::int64_t t_ms) const;

 private:
  struct Value {
    bool scalar = false;
    double number = 0;
    Vector vector;
  };
  Value eval(const Expr& e, std::int64_t t) const;
  Vector select(const Expr& e, std::int64_t t) const;
  Vector call(const Expr& e, std::int64_t t) const;
  Vector aggregate(const Expr& e, std::int64_t t) const;
  Value binary(const Expr& e, std::int64_t t) const;

  const SeriesStore& store_;
};

}  // namespace faultline::monitoring::promql

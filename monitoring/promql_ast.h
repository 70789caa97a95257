// The PromQL subset faultline evaluates (docs/prometheus.md), as a tree: what
// monitoring/promql_parser.h builds and monitoring/promql_evaluator.h walks.
//
//   ExprPtr e = parse_promql("rate(http_requests_total{status=~\"5..\"}[5m]) > 0.05", &error);
//
// Every node keeps its byte offset in the expression text, for error messages. Immutable once
// parsed; evaluating from several threads at once is safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace faultline::monitoring::promql {

// A label set sorted by name, __name__ included; Prometheus's order for series.
using Labels = std::vector<std::pair<std::string, std::string>>;
inline constexpr const char* kMetricName = "__name__";

// A compiled regular expression, defined in promql_parser.cpp: <regex> is heavy to compile and
// only that file needs it.
struct CompiledRegex;

struct LabelMatcher {
  enum class Op { kEqual, kNotEqual, kRegex, kNotRegex };
  std::string name;
  Op op = Op::kEqual;
  std::string value;
  std::shared_ptr<const CompiledRegex> regex;  // anchored ^(?:value)$, as Prometheus anchors its RE2 matchers
  bool matches(const std::string& label_value) const;
};

enum class ValueType { kScalar, kVector, kMatrix };

enum class BinaryOp { kOr, kAnd, kUnless, kEq, kNe, kGt, kLt, kGe, kLe, kAdd, kSub, kMul, kDiv, kMod, kPow };
bool is_comparison(BinaryOp op);
bool is_set_operator(BinaryOp op);
const char* to_string(BinaryOp op);

enum class Aggregation { kSum, kAvg, kMin, kMax, kCount };
enum class Function { kRate, kIncrease, kIrate, kHistogramQuantile };

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

struct Expr {
  enum class Kind { kNumber, kSelector, kCall, kAggregate, kBinary, kNegate };
  Kind kind = Kind::kNumber;
  ValueType type = ValueType::kScalar;
  std::size_t offset = 0;  // byte offset in the expression text

  double number = 0;                    // kNumber
  std::vector<LabelMatcher> matchers;   // kSelector: __name__ is one of them when written
  std::int64_t range_ms = 0;            // kSelector: > 0 for a range vector [5m]
  Function function = Function::kRate;  // kCall
  Aggregation aggregation = Aggregation::kSum;  // kAggregate
  std::vector<std::string> grouping;    // kAggregate: by/without labels; kBinary: on/ignoring
  bool without = false;                 // kAggregate: `without` rather than `by`
  BinaryOp op = BinaryOp::kAdd;         // kBinary
  bool return_bool = false;             // kBinary: comparison with `bool`
  bool on = false;                      // kBinary: on(...) rather than ignoring(...)
  bool grouping_written = false;        // kBinary: on(...) or ignoring(...) was written
  std::vector<ExprPtr> args;            // kCall arguments; kAggregate/kNegate: 1; kBinary: lhs, rhs
  std::string metric;                   // kSelector: the metric name when written, else ""
};

}  // namespace faultline::monitoring::promql

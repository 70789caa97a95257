// Parses the PromQL subset of docs/prometheus.md into a typed tree (monitoring/promql_ast.h).
// Anything outside the subset is an error naming the construct ("the offset modifier",
// "function absent()", "aggregation topk"), never a silently different reading.
//
//   ParseError e;
//   promql::ExprPtr expr = promql::parse_promql("sum by (le) (rate(x_bucket[5m]))", &e);
//   if (!expr) fmt::print("{} at byte {}\n", e.message, e.offset);
//
// Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "monitoring/promql_ast.h"

namespace faultline::monitoring::promql {

struct ParseError {
  std::string message;
  std::size_t offset = 0;  // byte offset in the expression
};

// The tree, or nullptr with *error set. The result is a scalar or an instant vector.
ExprPtr parse_promql(std::string_view text, ParseError* error);

// Every metric name the expression selects; "" when a selector has no name (it may select any).
std::vector<std::string> selected_metric_names(const Expr& expr);

}  // namespace faultline::monitoring::promql

// Prometheus rule files (the YAML `promtool check rules` reads) as faultline evaluates them
// (monitoring/prometheus_rules_eval.h): groups with their interval, alerting and recording
// rules with parsed expressions. Every problem is an error with the file's line and column,
// the rule's name and the construct (docs/prometheus.md); nothing is skipped.
//
//   std::vector<std::string> errors;
//   RuleSet rules = load_rule_files({"experiments/prometheus/guide-rules.yml"}, &errors);
//   if (!errors.empty()) return 2;
//
// yaml-cpp is included by prometheus_rule_file.cpp only. Pure; thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "monitoring/promql_ast.h"

namespace faultline::monitoring {

inline constexpr std::int64_t kDefaultRuleIntervalMs = 60'000;  // Prometheus's global default

struct PrometheusRule {
  std::string alert;   // alerting rule's name, or ""
  std::string record;  // recording rule's metric name, or ""
  std::string expr;    // as written
  std::shared_ptr<const promql::Expr> parsed;
  std::int64_t for_ms = 0;
  std::int64_t keep_firing_for_ms = 0;
  promql::Labels labels;       // sorted by name
  promql::Labels annotations;  // sorted by name; reported, not expanded
  std::string where;           // "file:line" of the rule
};

struct RuleGroup {
  std::string name;
  std::string file;
  std::int64_t interval_ms = kDefaultRuleIntervalMs;
  std::vector<PrometheusRule> rules;
};

struct RuleSet {
  std::vector<RuleGroup> groups;
  bool empty() const { return groups.empty(); }
};

// Reads every file; each problem is appended to *errors as "file:line:column: message".
// With `names` (one per path), a rule's `where` and its group's `file` carry the name instead of
// the path: the name as the user wrote it, so summary.json does not depend on where the
// experiment file sits or from which folder faultline ran. Errors keep the path, to open.
RuleSet load_rule_files(const std::vector<std::string>& paths, std::vector<std::string>* errors,
                        const std::vector<std::string>* names = nullptr);
// The same from text (tests); `file` labels the messages.
RuleSet load_rule_text(std::string_view text, const std::string& file, std::vector<std::string>* errors);

}  // namespace faultline::monitoring

#include "monitoring/prometheus_rule_file.h"

#include <yaml-cpp/yaml.h>

#include <fmt/format.h>

#include <fstream>
#include <set>
#include <sstream>

#include "monitoring/promql_lexer.h"
#include "monitoring/promql_parser.h"

namespace faultline::monitoring {

namespace {

// [a-zA-Z_][a-zA-Z0-9_]* (a label name); with `colons`, ':' too (a metric name).
bool is_name(const std::string& s, bool colons) {
  if (s.empty()) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (colons && c == ':');
    if (!letter && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

class FileReader {
 public:
  FileReader(std::string_view text, std::string file, std::vector<std::string>* errors)
      : text_(text), file_(std::move(file)), errors_(errors) {
    std::size_t start = 0;
    for (;;) {
      const std::size_t nl = text_.find('\n', start);
      lines_.push_back(std::string_view(text_).substr(start, nl == std::string::npos ? std::string::npos : nl - start));
      if (nl == std::string::npos) break;
      start = nl + 1;
    }
  }

  RuleSet read() {
    RuleSet set;
    YAML::Node root;
    try {
      root = YAML::Load(text_);
    } catch (const YAML::ParserException& ex) {
      error(ex.mark, ex.msg);
      return set;
    }
    if (!root || root.IsNull()) return set;  // an empty file has no group, as promtool reads it
    if (!root.IsMap()) {
      error(root.Mark(), "expected a mapping with a `groups` key");
      return set;
    }
    for (const auto& kv : root) {
      const std::string key = kv.first.as<std::string>();
      if (key != "groups") error(kv.first.Mark(), fmt::format("field {} not found in type rulefmt.RuleGroups", key));
    }
    const YAML::Node groups = root["groups"];
    if (!groups || groups.IsNull()) return set;
    if (!groups.IsSequence()) {
      error(groups.Mark(), "`groups` must be a list");
      return set;
    }
    std::set<std::string> names;
    for (const YAML::Node& g : groups) {
      RuleGroup group;
      if (read_group(g, &group)) {
        if (!names.insert(group.name).second) error(g.Mark(), fmt::format("groupname: \"{}\" is repeated in the same file", group.name));
        set.groups.push_back(std::move(group));
      }
    }
    return set;
  }

 private:
  void error(const YAML::Mark& mark, const std::string& message) {
    errors_->push_back(fmt::format("{}:{}:{}: {}", file_, mark.line + 1, mark.column + 1, message));
  }
  void error_at(int line, int column, const std::string& message) {
    errors_->push_back(fmt::format("{}:{}:{}: {}", file_, line, column, message));
  }

  bool scalar(const YAML::Node& n, const std::string& what, std::string* out) {
    if (!n.IsScalar()) {
      error(n.Mark(), fmt::format("{} must be a string", what));
      return false;
    }
    *out = n.Scalar();
    return true;
  }

  bool duration(const YAML::Node& n, const std::string& what, std::int64_t* out) {
    std::string text;
    if (!scalar(n, what, &text)) return false;
    if (!promql::parse_prometheus_duration(text, out)) {
      error(n.Mark(), fmt::format("{}: not a valid duration string: \"{}\"", what, text));
      return false;
    }
    return true;
  }

  bool read_group(const YAML::Node& g, RuleGroup* group) {
    group->file = file_;
    if (!g.IsMap()) {
      error(g.Mark(), "a group must be a mapping with name, interval and rules");
      return false;
    }
    bool ok = true;
    for (const auto& kv : g) {
      const std::string key = kv.first.as<std::string>();
      if (key == "name") {
        ok &= scalar(kv.second, "group name", &group->name);
      } else if (key == "interval") {
        ok &= duration(kv.second, "interval", &group->interval_ms);
        if (ok && group->interval_ms <= 0) {
          error(kv.second.Mark(), "interval must be above 0");
          ok = false;
        }
      } else if (key == "rules") {
      } else if (key == "limit" || key == "query_offset" || key == "source_tenants") {
        error(kv.first.Mark(), fmt::format("the group field `{}` is not supported by faultline", key));
        ok = false;
      } else {
        error(kv.first.Mark(), fmt::format("field {} not found in type rulefmt.RuleGroup", key));
        ok = false;
      }
    }
    if (group->name.empty()) {
      error(g.Mark(), "groupname must not be empty");
      ok = false;
    }
    const YAML::Node rules = g["rules"];
    if (rules && !rules.IsNull()) {
      if (!rules.IsSequence()) {
        error(rules.Mark(), "`rules` must be a list");
        return false;
      }
      for (const YAML::Node& r : rules) {
        PrometheusRule rule;
        if (read_rule(r, &rule)) group->rules.push_back(std::move(rule));
        else ok = false;
      }
    }
    return ok;
  }

  bool labels(const YAML::Node& n, const std::string& what, promql::Labels* out, bool templates_allowed) {
    if (n.IsNull()) return true;
    if (!n.IsMap()) {
      error(n.Mark(), fmt::format("{} must be a mapping", what));
      return false;
    }
    bool ok = true;
    for (const auto& kv : n) {
      const std::string key = kv.first.as<std::string>();
      std::string value;
      if (!scalar(kv.second, fmt::format("{} {}", what, key), &value)) {
        ok = false;
        continue;
      }
      if (!is_name(key, false) || key.rfind("__", 0) == 0) {
        error(kv.first.Mark(), fmt::format("invalid {} name: {}", what, key));
        ok = false;
      }
      if (!templates_allowed && value.find("{{") != std::string::npos) {
        error(kv.second.Mark(), fmt::format("a template in the value of label {} (faultline does not expand templates in labels)", key));
        ok = false;
      }
      out->emplace_back(key, value);
    }
    std::sort(out->begin(), out->end());
    return ok;
  }

  // Where byte `offset` of a scalar's text sits in the file: on the key's line for a plain or
  // quoted scalar, on a later line for a block scalar (| or >).
  std::pair<int, int> position(const YAML::Node& n, const std::string& text, std::size_t offset) {
    const int line0 = n.Mark().line;  // 0-based
    const int column0 = n.Mark().column;
    const std::string_view first = line0 < static_cast<int>(lines_.size()) ? lines_[line0] : std::string_view();
    const char opener = column0 < static_cast<int>(first.size()) ? first[column0] : '\0';
    if (opener != '|' && opener != '>') {
      const int quote = (opener == '"' || opener == '\'') ? 1 : 0;
      if (text.find('\n') == std::string::npos) return {line0 + 1, column0 + 1 + quote + static_cast<int>(offset)};
      return {line0 + 1, column0 + 1};
    }
    int line = line0 + 1;  // the block's first line (0-based)
    std::size_t start = 0;
    for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
      if (text[i] == '\n') {
        ++line;
        start = i + 1;
      }
    }
    // The block's indentation is its first line's: YAML strips that much from every line.
    int indent = 0;
    const int first_line = line0 + 1;
    if (first_line < static_cast<int>(lines_.size())) {
      while (indent < static_cast<int>(lines_[first_line].size()) && lines_[first_line][indent] == ' ') ++indent;
    }
    return {line + 1, indent + 1 + static_cast<int>(offset - start)};
  }

  bool read_rule(const YAML::Node& r, PrometheusRule* rule) {
    if (!r.IsMap()) {
      error(r.Mark(), "a rule must be a mapping");
      return false;
    }
    rule->where = fmt::format("{}:{}", file_, r.Mark().line + 1);
    bool ok = true;
    YAML::Node expr;
    for (const auto& kv : r) {
      const std::string key = kv.first.as<std::string>();
      if (key == "alert") ok &= scalar(kv.second, "alert", &rule->alert);
      else if (key == "record") ok &= scalar(kv.second, "record", &rule->record);
      else if (key == "expr") expr = kv.second;
      else if (key == "for") ok &= duration(kv.second, "for", &rule->for_ms);
      else if (key == "keep_firing_for") ok &= duration(kv.second, "keep_firing_for", &rule->keep_firing_for_ms);
      else if (key == "labels") ok &= labels(kv.second, "label", &rule->labels, false);
      else if (key == "annotations") ok &= labels(kv.second, "annotation", &rule->annotations, true);
      else {
        error(kv.first.Mark(), fmt::format("field {} not found in type rulefmt.Rule", key));
        ok = false;
      }
    }
    const std::string name = rule->alert.empty() ? rule->record : rule->alert;
    const std::string who = rule->alert.empty() ? fmt::format("recording rule \"{}\"", name) : fmt::format("alert \"{}\"", name);
    if (rule->alert.empty() == rule->record.empty()) {
      error(r.Mark(), "a rule must have exactly one of `alert` and `record`");
      return false;
    }
    if (!rule->record.empty()) {
      if (!is_name(rule->record, true)) {
        error(r.Mark(), fmt::format("{}: invalid recording rule name", who));
        ok = false;
      }
      if (r["for"] || r["keep_firing_for"] || r["annotations"]) {
        error(r.Mark(), fmt::format("{}: invalid field 'for', 'keep_firing_for' or 'annotations' in recording rule", who));
        ok = false;
      }
    }
    if (!expr || !expr.IsScalar() || expr.Scalar().empty()) {
      error(r.Mark(), fmt::format("{}: field 'expr' must be set in rule", who));
      return false;
    }
    rule->expr = expr.Scalar();
    promql::ParseError pe;
    promql::ExprPtr parsed = promql::parse_promql(rule->expr, &pe);
    if (!parsed) {
      const auto [line, column] = position(expr, rule->expr, pe.offset);
      error_at(line, column, fmt::format("{}: outside faultline's PromQL subset or invalid: {}", who, pe.message));
      return false;
    }
    rule->parsed = std::shared_ptr<const promql::Expr>(std::move(parsed));
    return ok;
  }

  std::string text_;
  std::string file_;
  std::vector<std::string>* errors_;
  std::vector<std::string_view> lines_;
};

}  // namespace

RuleSet load_rule_text(std::string_view text, const std::string& file, std::vector<std::string>* errors) {
  FileReader reader(text, file, errors);
  return reader.read();
}

RuleSet load_rule_files(const std::vector<std::string>& paths, std::vector<std::string>* errors,
                        const std::vector<std::string>* names) {
  RuleSet all;
  for (std::size_t i = 0; i < paths.size(); ++i) {
    const std::string& path = paths[i];
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      errors->push_back(fmt::format("{}: cannot be read", path));
      continue;
    }
    std::stringstream buffer;
    buffer << in.rdbuf();
    RuleSet one = load_rule_text(buffer.str(), path, errors);
    if (names != nullptr && i < names->size() && (*names)[i] != path) {
      const std::string& name = (*names)[i];
      for (RuleGroup& g : one.groups) {
        g.file = name;
        for (PrometheusRule& r : g.rules) r.where = name + r.where.substr(path.size());
      }
    }
    for (RuleGroup& g : one.groups) all.groups.push_back(std::move(g));
  }
  return all;
}

}  // namespace faultline::monitoring

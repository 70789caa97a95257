// The `prometheus_rules` key: Prometheus rule files evaluated over the run's series
// (docs/prometheus.md). The loader only resolves the paths against the experiment file's folder
// and checks that each names a readable file; the YAML is read by monitoring/prometheus_rule_file.h
// before the run, whose errors carry the rule file's own line and column.
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "experiments/sections.h"

namespace faultline::experiments {

void read_prometheus_rules(const Fields& root, Experiment& e) {
  const nlohmann::json* files = root.array("prometheus_rules", Need::kOptional, 64);
  if (files == nullptr) return;
  ReadContext& ctx = root.context();
  for (std::size_t i = 0; i < files->size(); ++i) {
    const std::string pointer = pointer_append(root.pointer("prometheus_rules"), i);
    const auto name = check_string(ctx, (*files)[i], pointer, 4096);
    if (!name) continue;
    if (name->empty() || name->find('\0') != std::string::npos) {
      ctx.error(pointer, "expected a rule file name");
      continue;
    }
    std::filesystem::path path(*name);
    if (path.is_relative()) path = ctx.base_dir() / path;
    const std::string resolved = path.lexically_normal().string();
    std::ifstream probe(resolved);
    if (!std::filesystem::is_regular_file(resolved) || !probe) {
      ctx.error(pointer, fmt::format("rule file {}: cannot be read", quote_path(resolved)));
      continue;
    }
    e.prometheus_rules.push_back(resolved);
    e.prometheus_rule_names.push_back(*name);
  }
}

}  // namespace faultline::experiments

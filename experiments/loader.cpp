#include "experiments/loader.h"

#include <fmt/format.h>

#include <cmath>
#include <set>
#include <utility>

#include "experiments/fault_template.h"
#include "experiments/json_reader.h"
#include "experiments/overrides.h"
#include "experiments/run_budget.h"
#include "experiments/sections.h"

namespace faultline::experiments {

using nlohmann::json;

namespace {

// True if `doc` nests deeper than `max_depth`, without recursing (the caller's document may
// be arbitrarily deep; copying or dumping it would recurse).
bool deeper_than(const json& doc, int max_depth) {
  std::vector<std::pair<const json*, int>> stack = {{&doc, 0}};
  while (!stack.empty()) {
    const auto [v, depth] = stack.back();
    stack.pop_back();
    if (!v->is_structured()) continue;
    if (depth + 1 > max_depth) return true;
    for (const json& child : *v) stack.emplace_back(&child, depth + 1);
  }
  return false;
}

void read_name(const Fields& root, Experiment& e) {
  const auto name = root.string("name", Need::kRequired, kMaxNameBytes * 10);
  if (!name) return;
  auto lower_or_digit = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  bool ok = !name->empty() && name->size() <= kMaxNameBytes && lower_or_digit((*name)[0]);
  for (char c : *name) ok = ok && (lower_or_digit(c) || c == '-');
  if (!ok) {
    root.context().error(
        root.pointer("name"),
        fmt::format("{} must match [a-z0-9][a-z0-9-]* (it names the results folder; at most {} "
                    "characters)",
                    quote(*name), kMaxNameBytes));
    return;
  }
  e.name = *name;
}

// seed is a full 64-bit unsigned value, which check_integer (int64) does not cover.
void read_seed(const Fields& root, Experiment& e) {
  const json* v = root.find("seed");
  if (v == nullptr) return;
  const std::string pointer = root.pointer("seed");
  if (v->is_number_unsigned()) {
    e.seed = v->get<std::uint64_t>();
  } else if (v->is_number_integer()) {  // negative: unsigned values parse as unsigned
    root.context().error(pointer, fmt::format("must be between 0 and 18446744073709551615 (got {})",
                                              quote_value(*v)));
  } else if (v->is_number_float()) {
    const double d = v->get<double>();
    if (std::isfinite(d) && d == std::floor(d) && d >= 0 && d < 18446744073709551616.0) {
      e.seed = static_cast<std::uint64_t>(d);
    } else {
      root.context().error(
          pointer, fmt::format("must be a whole number between 0 and 18446744073709551615 (got {})",
                               quote_value(*v)));
    }
  } else {
    root.context().error(pointer, fmt::format("expected a whole number, got {}", describe(*v)));
  }
}

Experiment validate(ReadContext& ctx, const json& doc, bool with_sweep) {
  Experiment e;
  const Fields root(ctx, doc, "", Keys::kExperiment);
  if (!root.is_object()) return e;
  root.string("$schema");  // for editors; its value does not matter here
  read_name(root, e);
  if (auto d = root.string("description")) e.description = *d;
  read_seed(root, e);
  if (auto p = root.choice<Profile>("profile", Vocabulary::kProfile, "profile")) e.profile = *p;
  const auto duration = root.seconds("duration_s", Range::above(0, kMaxSeconds));
  if (duration) e.duration = *duration;
  read_env(root, e);
  read_api(root, e);
  read_dependencies(root, e);
  const std::set<std::string> typed_breakers = read_resilience(root, e);
  read_endpoints(root, typed_breakers, e);
  read_load(root, root.has("duration_s"), e);
  if (auto w = root.seconds("warmup_s", Range::at_least(0, kMaxSeconds))) {
    e.warmup = *w;
    if (e.warmup >= e.duration) {
      ctx.error(root.pointer("warmup_s"),
                fmt::format("must be shorter than the run ({} s)", to_seconds(e.duration)));
    }
  }
  read_faults(root, e);
  read_slo(root, e);
  read_alerts(root, e);
  read_expect(root, e);
  read_report(root, e);
  read_prometheus_rules(root, e);
  read_live(root, e);
  if (with_sweep) {
    read_sweep(root, doc, e);
    read_explore(root, e);
  }
  // The budget is estimated from a coherent experiment only (and for each sweep value).
  if (ctx.error_count() == 0) check_run_budget(ctx, e);
  return e;
}

// Tries each value of each sweep parameter in the (otherwise valid) document, so that a bad
// value is reported now rather than when its combination runs. One working copy, each value
// swapped in and out (a path the file lacks is added, then removed): the cost is one
// validation per value, never a copy per value.
void validate_sweep_values(ReadContext& ctx, const json& doc) {
  const json& parameters = doc.at("sweep").at("parameters");
  std::size_t total = 0;
  for (const auto& [path, values] : parameters.items()) total += values.size();
  if (total > kMaxSweepValues) {
    ctx.error("/sweep/parameters",
              fmt::format("{} values in all; the limit is {}", total, kMaxSweepValues));
    return;
  }
  json variant = doc;
  variant.erase("sweep");
  for (const auto& [path, values] : parameters.items()) {
    const ResolvedPath resolved = resolve_path(variant, path);
    if (resolved.error) continue;
    const json original =
        resolved.absent.empty() ? variant[json::json_pointer(resolved.pointer)] : json();
    for (std::size_t i = 0; i < values.size(); ++i) {
      apply_override(variant, path, values[i]);  // resolved above: cannot fail
      ReadContext trial(ctx.file(), ctx.base_dir());
      std::swap(trial.samples_cache(), ctx.samples_cache());
      validate(trial, variant, false);
      std::swap(trial.samples_cache(), ctx.samples_cache());
      if (trial.diagnostics().empty()) continue;
      const Diagnostic& first = trial.diagnostics().front();
      std::string msg =
          fmt::format("with this value, {}: {}", first.pointer.empty() ? "the file" : first.pointer,
                      first.message);
      if (trial.diagnostics().size() > 1)
        msg += fmt::format(" (and {} more)", trial.diagnostics().size() - 1);
      ctx.error(pointer_append(pointer_append("/sweep/parameters", path), i), msg);
    }
    remove_set_value(variant, resolved, original);  // a path the file lacks is removed again
  }
}

// Every kind and target of each explore template, with every range at its low end and then at
// its high end, added to the file's faults, must give a valid experiment: a schedule is then
// valid whatever is drawn (but for faults that combine, which the planner checks per
// schedule). A problem is reported at the template's key: /explore/faults/1/rate.
void validate_explore_corners(ReadContext& ctx, const json& doc) {
  const json& templates = doc.at("explore").at("faults");
  std::size_t corners = 0;
  for (const json& t : templates)
    corners += 2 * choice_count(t, "kind") * choice_count(t, "target");
  if (corners > kMaxExploreCorners) {
    ctx.error("/explore/faults",
              fmt::format("the templates have {} kind x target x range-end combinations; the limit "
                          "is {}",
                          corners, kMaxExploreCorners));
    return;
  }
  json variant = doc;
  variant.erase("explore");
  if (!variant.contains("faults")) variant["faults"] = json::array();
  json& faults = variant["faults"];
  const std::string added = fmt::format("/faults/{}", faults.size());
  std::set<std::pair<std::string, std::string>> reported;
  for (std::size_t i = 0; i < templates.size(); ++i) {
    const json& t = templates[i];
    const std::string at = pointer_append("/explore/faults", i);
    for (std::size_t k = 0; k < choice_count(t, "kind"); ++k) {
      for (std::size_t g = 0; g < choice_count(t, "target"); ++g) {
        for (const bool high : {false, true}) {
          CornerChooser chooser(k, g, high);
          faults.push_back(instantiate_fault(t, chooser));
          ReadContext trial(ctx.file(), ctx.base_dir());
          std::swap(trial.samples_cache(), ctx.samples_cache());
          validate(trial, variant, false);
          std::swap(trial.samples_cache(), ctx.samples_cache());
          faults.erase(faults.size() - 1);
          for (const Diagnostic& d : trial.diagnostics()) {
            // The added fault's problems point into the template; others are the file's own
            // (a check that names a fault index...), said with the pointer they have.
            const bool in_template = d.pointer.rfind(added, 0) == 0;
            const std::string pointer = in_template ? at + d.pointer.substr(added.size()) : at;
            const std::string message = fmt::format(
                "with kind {}, target {} and {}: {}{}", choice(t, "kind", k).dump(),
                choice(t, "target", g).dump(),
                high ? "every range at its max" : "every range at its min",
                in_template ? "" : (d.pointer.empty() ? "the file: " : d.pointer + ": "),
                d.message);
            if (reported.insert({pointer, d.message}).second) ctx.error(pointer, message);
          }
        }
      }
    }
  }
}

LoadResult validate_document(json doc, const std::string& file_label,
                             const std::vector<std::string>& overrides) {
  std::vector<Diagnostic> diagnostics;
  for (const std::string& o : overrides) {
    if (auto d = apply_override(doc, o)) {
      d->file = file_label;
      diagnostics.push_back(std::move(*d));
    }
  }
  ReadContext ctx(file_label, std::filesystem::path(file_label).parent_path());
  Experiment e = validate(ctx, doc, true);
  if (ctx.diagnostics().empty() && diagnostics.empty() && !e.sweep.is_null())
    validate_sweep_values(ctx, doc);
  if (ctx.diagnostics().empty() && diagnostics.empty() && !e.explore.is_null())
    validate_explore_corners(ctx, doc);
  diagnostics.insert(diagnostics.end(), ctx.diagnostics().begin(), ctx.diagnostics().end());
  LoadResult result;
  if (diagnostics.empty()) {
    e.source = std::move(doc);
    e.file = file_label;
    result.experiment = std::move(e);
  }
  result.diagnostics = std::move(diagnostics);
  return result;
}

LoadResult failure(Diagnostic d) {
  LoadResult r;
  r.diagnostics.push_back(std::move(d));
  return r;
}

// The loader never throws: an exception here is a bug or an exhausted allocator, and both are
// better reported against the file than as a crash.
template <typename Fn>
LoadResult guarded(const std::string& file_label, Fn fn) {
  try {
    return fn();
  } catch (const std::exception& ex) {
    return failure(
        {file_label, "", 0, 0, fmt::format("internal error while loading: {}", ex.what())});
  } catch (...) {
    return failure({file_label, "", 0, 0, "internal error while loading"});
  }
}

}  // namespace

LoadResult load_experiment_json(const json& doc, const std::string& file_label,
                                const std::vector<std::string>& set_overrides) {
  return guarded(file_label, [&] {
    if (deeper_than(doc, kMaxDepth)) {
      return failure(
          {file_label, "", 0, 0, fmt::format("nesting deeper than {} levels", kMaxDepth)});
    }
    return validate_document(doc, file_label, set_overrides);
  });
}

LoadResult load_experiment_text(std::string_view text, const std::string& file_label,
                                const std::vector<std::string>& set_overrides) {
  return guarded(file_label, [&] {
    JsonText parsed = parse_json_text(text, file_label);
    if (!parsed.doc) {
      LoadResult r;
      r.diagnostics = std::move(parsed.diagnostics);
      return r;
    }
    return validate_document(std::move(*parsed.doc), file_label, set_overrides);
  });
}

LoadResult load_experiment_file(const std::string& path,
                                const std::vector<std::string>& set_overrides) {
  return guarded(path, [&] {
    std::string text;
    if (auto err = read_file(path, kMaxFileBytes, text)) return failure({path, "", 0, 0, *err});
    return load_experiment_text(text, path, set_overrides);
  });
}

}  // namespace faultline::experiments

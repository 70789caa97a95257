// The load section: closed or open model, constant or k6-style stages, and the guide's presets.
#include <fmt/format.h>

#include <algorithm>

#include "experiments/distribution_reader.h"
#include "experiments/load_presets.h"
#include "experiments/sections.h"

namespace faultline::experiments {

using nlohmann::json;

namespace {

// Reads `stages`; returns false if any stage is bad.
bool read_stages(const Fields& f, bool closed, std::vector<StageConfig>& out) {
  ReadContext& ctx = f.context();
  const json* stages = f.array("stages");
  if (stages == nullptr) return !f.has("stages");
  if (stages->empty()) {
    ctx.error(f.pointer("stages"), "needs at least one stage");
    return false;
  }
  const std::size_t errors_before = ctx.error_count();
  double total_s = 0;
  for (std::size_t i = 0; i < stages->size(); ++i) {
    const Fields s(ctx, (*stages)[i], pointer_append(f.pointer("stages"), i), Keys::kStage);
    StageConfig stage;
    const auto d = s.number("duration_s", Range::at_least(0, kMaxSeconds), Need::kRequired);
    if (d) {
      stage.duration = from_seconds(*d);
      total_s += *d;
    }
    if (closed) {
      s.refuse("target_rps",
               "to the open model (\"model\": \"open\"); closed stages take target_users");
      if (auto t = s.integer("target_users", 0, kMaxUsers, Need::kRequired))
        stage.target = static_cast<double>(*t);
    } else {
      s.refuse("target_users", "to the closed model; open stages take target_rps");
      if (auto t = s.number("target_rps", Range::at_least(0, kMaxRps), Need::kRequired)) {
        stage.target = *t;
        if (*t > 0 && *t < kMinRps) {
          ctx.error(s.pointer("target_rps"),
                    fmt::format("must be 0 or at least {} (got {})", kMinRps, *t));
        }
      }
    }
    out.push_back(stage);
  }
  if (total_s > kMaxSeconds) {
    ctx.error(
        f.pointer("stages"),
        fmt::format("stages last {} s in all; the limit is {} s (30 days)", total_s, kMaxSeconds));
  }
  return ctx.error_count() == errors_before;
}

Duration total_duration(const std::vector<StageConfig>& stages) {
  Duration total{};
  for (const auto& s : stages) total += s.duration;
  return total;
}

}  // namespace

void read_load(const Fields& root, bool duration_written, Experiment& e) {
  ReadContext& ctx = root.context();
  const json* load = root.get("load", Need::kRequired);
  if (load == nullptr) return;
  const Fields f(ctx, *load, root.pointer("load"), Keys::kLoad);
  if (!f.is_object()) return;
  LoadConfig& l = e.load;
  if (auto m = f.choice<LoadModel>("model", Vocabulary::kLoadModel, "load model")) l.model = *m;
  const bool closed = l.model == LoadModel::kClosed;

  const LoadPreset* preset = nullptr;
  if (auto p = f.choice_index("preset", Vocabulary::kPreset, "preset", Need::kOptional)) {
    l.preset = words(Vocabulary::kPreset)[*p];
    preset = find_load_preset(l.preset);
    if (!closed) {
      ctx.error(f.pointer("preset"),
                "presets are the guide's closed-model profiles (concurrent users); "
                "they do not apply to \"model\": \"open\"");
    }
  }
  std::optional<std::int64_t> users;
  std::optional<double> rps;
  if (closed) {
    f.refuse("rps", "to the open model (\"model\": \"open\")");
    f.refuse("arrivals", "to the open model (\"model\": \"open\")");
    users = f.integer("users", 1, kMaxUsers);
    l.think = sim::Distribution::exponential(1000);
    if (const json* t = f.find("think_ms")) {
      if (auto d = read_distribution(ctx, *t, f.pointer("think_ms"))) l.think = *d;
    }
  } else {
    f.refuse("users", "to the closed model; the open model takes rps");
    f.refuse("think_ms", "to the closed model");
    rps = f.number("rps", Range::at_least(kMinRps, kMaxRps));
    if (auto a = f.choice<Arrivals>("arrivals", Vocabulary::kArrivals, "arrival process"))
      l.arrivals = *a;
  }
  if (auto ids = f.integer("user_ids", 1, kMaxUserIds)) l.user_ids = *ids;
  // 0 turns the client timeout off: requests may then wait for ever (and, unanswered at the
  // end of the drain, still count as failed unless "unanswered" is "ignore").
  if (auto t = f.millis("client_timeout_ms", Range::at_least(0, kMaxMillis))) l.client_timeout = *t;
  if (auto d = f.number("drain_s", Range::at_least(0, kMaxSeconds))) l.drain = from_seconds(*d);
  if (auto u = f.choice<Unanswered>("unanswered", Vocabulary::kUnanswered, "policy for unanswered requests"))
    l.unanswered = *u;
  if (auto p = f.number("max_no_answer_percent", Range::percent())) l.max_no_answer_percent = *p;

  std::vector<StageConfig> stages;
  const bool stages_ok = read_stages(f, closed, stages);
  const bool has_stages = f.has("stages");
  const char* constant_key = closed ? "users" : "rps";
  if (has_stages && f.has(constant_key)) {
    ctx.error(f.pointer(), fmt::format("give either \"{}\" or \"stages\", not both", constant_key));
  }
  if (has_stages) {
    if (stages_ok) {
      l.stages = stages;
      double peak = 0;
      for (const auto& s : stages) peak = std::max(peak, s.target);
      if (closed) {
        l.users = static_cast<int>(peak);
      } else {
        l.rps = peak;
      }
    }
  } else if (closed) {
    // Explicit users win over the preset's; the preset's ramp then climbs to them.
    if (users) {
      l.users = static_cast<int>(*users);
    } else if (preset != nullptr) {
      l.users = preset->users;
    } else if (!f.has("users")) {
      ctx.error(f.pointer(), "the closed model needs \"users\", \"stages\" or \"preset\"");
    }
    if (preset != nullptr && preset->ramp > Duration{}) {
      l.stages = {StageConfig{preset->ramp, static_cast<double>(l.users)}};
    }
  } else if (rps) {
    l.rps = *rps;
  } else if (!f.has("rps")) {
    ctx.error(f.pointer(), "the open model needs \"rps\" or \"stages\"");
  }

  if (!duration_written) {
    if (preset != nullptr) {
      e.duration = preset->duration;
    } else if (has_stages && stages_ok && total_duration(stages) > Duration{}) {
      e.duration = total_duration(stages);
    }
  }
}

}  // namespace faultline::experiments

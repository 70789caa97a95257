// The faults section: what breaks (a dependency or the API), how, when and how often.
#include <fmt/format.h>

#include <array>
#include <map>

#include "experiments/distribution_reader.h"
#include "experiments/fault_parameters.h"
#include "experiments/sections.h"

namespace faultline::experiments {

using nlohmann::json;

namespace {

constexpr std::array<std::int64_t, 5> kFaultStatuses = {429, 500, 502, 503, 504};

void read_kind_parameters(const Fields& f, bool on_api, FaultConfig& c) {
  ReadContext& ctx = f.context();
  for (const KindParameter& p : kind_parameters()) {
    if (std::find(p.kinds.begin(), p.kinds.end(), c.kind) == p.kinds.end()) {
      f.refuse(p.key, fmt::format("to {} faults", p.kinds_text));
    }
  }
  switch (c.kind) {
    case FaultKind::kLatency:
      if (const json* a = f.get("add_ms", Need::kRequired)) {
        if (auto d = read_distribution(ctx, *a, f.pointer("add_ms"))) c.add = *d;
      }
      break;
    case FaultKind::kSlowdown:
      if (auto v = f.number("factor", Range::above(0, kMaxFactor), Need::kRequired)) c.factor = *v;
      break;
    case FaultKind::kError:
      if (auto v = f.number("rate", Range::unit())) c.rate = *v;
      break;
    case FaultKind::kCapacity:
      // 0 is allowed: nothing is served while the fault lasts, calls wait in the queue.
      if (auto v = f.integer("concurrency", 0, kMaxConcurrency, Need::kRequired))
        c.concurrency = static_cast<int>(*v);
      break;
    case FaultKind::kFlapping:
      if (auto v = f.seconds("period_s", Range::above(0, kMaxSeconds), Need::kRequired))
        c.period = *v;
      if (auto v = f.number("down_fraction", Range::unit())) c.down_fraction = *v;
      break;
    case FaultKind::kOutage:
    case FaultKind::kHang:
      break;
  }
  const bool takes_status =
      c.kind == FaultKind::kError || c.kind == FaultKind::kOutage || c.kind == FaultKind::kFlapping;
  if (!takes_status || !f.has("status")) return;
  if (!on_api) {
    if (!c.target.empty()) {
      ctx.error(f.pointer("status"),
                "status applies only to faults on the API (target \"api\"): a failed "
                "dependency call fails its request with 502");
    }
  } else if (const auto s = f.integer("status", 100, 599)) {
    if (std::find(kFaultStatuses.begin(), kFaultStatuses.end(), *s) == kFaultStatuses.end()) {
      ctx.error(f.pointer("status"),
                fmt::format("must be one of 429, 500, 502, 503, 504 (got {})", *s));
    } else {
      c.status = static_cast<int>(*s);
    }
  }
}

}  // namespace

void read_faults(const Fields& root, Experiment& e) {
  ReadContext& ctx = root.context();
  const json* faults = root.array("faults");
  if (faults == nullptr) return;
  std::vector<std::string> targets = {"api"};
  for (const auto& d : e.dependencies) targets.push_back(d.name);
  for (std::size_t i = 0; i < faults->size(); ++i) {
    const Fields f(ctx, (*faults)[i], pointer_append(root.pointer("faults"), i), Keys::kFault);
    FaultConfig c;
    bool on_api = false;
    if (auto t = f.string("target", Need::kRequired, kMaxNameBytes * 10)) {
      if (check_reference(ctx, f.pointer("target"), "fault target", *t, targets, "dependencies")) {
        c.target = *t;
        on_api = *t == "api";
      }
    }
    const auto kind =
        f.choice<FaultKind>("kind", Vocabulary::kFaultKind, "fault kind", Need::kRequired);
    if (auto s = f.number("start_s", Range::at_least(0, kMaxSeconds))) {
      c.start = from_seconds(*s);
      if (c.start >= e.duration) {
        ctx.error(f.pointer("start_s"), fmt::format("starts at or after the end of the run ({} s)",
                                                    to_seconds(e.duration)));
      }
    }
    if (auto d = f.seconds("duration_s", Range::above(0, kMaxSeconds))) c.duration = *d;
    if (auto p = f.number("probability", Range::unit())) c.probability = *p;
    if (kind) {
      c.kind = *kind;
      read_kind_parameters(f, on_api, c);
    }
    e.faults.push_back(std::move(c));
  }
  // Slowdowns of one target may overlap, and then their factors multiply: the product is held
  // to the single factor's limit.
  std::map<std::string, double> slowdown;
  for (std::size_t i = 0; i < e.faults.size(); ++i) {
    const FaultConfig& c = e.faults[i];
    if (c.kind != FaultKind::kSlowdown || c.target.empty()) continue;
    double& product = slowdown.try_emplace(c.target, 1.0).first->second;
    const double before = product;
    product *= c.factor;
    if (before <= kMaxFactor && product > kMaxFactor) {
      ctx.error(pointer_append(pointer_append(root.pointer("faults"), i), "factor"),
                fmt::format("the slowdowns of {} multiply to {} with this one (they may overlap); "
                            "the limit is {}",
                            quote(c.target), product, kMaxFactor));
    }
  }
}

}  // namespace faultline::experiments

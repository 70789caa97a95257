#include "experiments/fault_parameters.h"

#include <algorithm>

namespace faultline::experiments {

const std::vector<KindParameter>& kind_parameters() {
  using K = FaultKind;
  static const std::vector<KindParameter> kParameters = {
      {"add_ms", {K::kLatency}, "latency"},
      {"factor", {K::kSlowdown}, "slowdown"},
      {"rate", {K::kError}, "error"},
      {"status", {K::kError, K::kOutage, K::kFlapping}, "error, outage and flapping"},
      {"concurrency", {K::kCapacity}, "capacity"},
      {"period_s", {K::kFlapping}, "flapping"},
      {"down_fraction", {K::kFlapping}, "flapping"},
      {"probability",
       {K::kLatency, K::kSlowdown, K::kError, K::kOutage, K::kHang, K::kFlapping},
       "every kind but capacity (which is not per call)"},
  };
  return kParameters;
}

bool fault_kind_takes(FaultKind kind, std::string_view key) {
  for (const KindParameter& p : kind_parameters()) {
    if (p.key == key) return std::find(p.kinds.begin(), p.kinds.end(), kind) != p.kinds.end();
  }
  return true;
}

}  // namespace faultline::experiments

// The `report` section: how report.html draws its charts and where metrics.om's timestamps
// start. It changes nothing in the run or in summary.json.
#include "experiments/sections.h"

namespace faultline::experiments {

void read_report(const Fields& root, Experiment& e) {
  const nlohmann::json* report = root.get("report", Need::kOptional);
  if (report == nullptr) return;
  const Fields f(root.context(), *report, root.pointer("report"), Keys::kReport);
  if (auto axis = f.choice<LatencyAxis>("latency_axis", Vocabulary::kLatencyAxis, "latency axis")) {
    e.report.latency_axis = *axis;
  }
  if (auto epoch = f.integer("metrics_epoch_s", 0, kMaxMetricsEpochS)) e.report.metrics_epoch_s = *epoch;
}

}  // namespace faultline::experiments

// The `report` section: how report.html draws its charts. It changes nothing in the run or in
// summary.json, only the page.
#include "experiments/sections.h"

namespace faultline::experiments {

void read_report(const Fields& root, Experiment& e) {
  const nlohmann::json* report = root.get("report", Need::kOptional);
  if (report == nullptr) return;
  const Fields f(root.context(), *report, root.pointer("report"), Keys::kReport);
  if (auto axis = f.choice<LatencyAxis>("latency_axis", Vocabulary::kLatencyAxis, "latency axis")) {
    e.report.latency_axis = *axis;
  }
}

}  // namespace faultline::experiments

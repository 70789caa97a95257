#include "batch/experiment_run.h"

#include <algorithm>
#include <chrono>
#include <map>

#include <nlohmann/json.hpp>

#include "batch/interrupt.h"
#include "monitoring/atomic_file.h"
#include "monitoring/evaluate.h"
#include "monitoring/html_report.h"
#include "monitoring/junit_writer.h"
#include "monitoring/progress.h"
#include "monitoring/summary_json.h"
#include "monitoring/openmetrics_writer.h"
#include "monitoring/timeline_csv.h"

#ifndef FAULTLINE_VERSION
#define FAULTLINE_VERSION "0.1.0"
#endif

namespace faultline::batch {

ExperimentRun run_experiment(experiments::Experiment experiment, const RunOptions& options) {
  ExperimentRun run;
  run.experiment = std::make_unique<experiments::Experiment>(std::move(experiment));
  const auto wall_start = std::chrono::steady_clock::now();
  run.world = std::make_unique<experiments::World>(*run.experiment);
  experiments::World& world = *run.world;
  const Instant end = options.stop_at.has_value() ? std::min(*options.stop_at, world.end()) : world.end();

  monitoring::ProgressLine progress(run.experiment->name, options.progress);
  // Slices of virtual time keep the hot loop free of checks: between slices we poll for a
  // signal and refresh the progress line. One virtual second is a few thousand events at most
  // for typical experiments, so interruption answers within milliseconds.
  const Duration slice = std::chrono::seconds(1);
  for (Instant t = world.now(); t < end;) {
    t = std::min(t + slice, end);
    world.run_until(t);
    if (options.interruptible && interrupted() != 0) {
      run.interrupted = true;
      break;
    }
    if (progress.enabled()) {
      const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
      progress.update(to_seconds(t) / to_seconds(end), to_seconds(t),
                      wall > 0 ? static_cast<double>(world.events()) / wall : 0);
    }
  }
  progress.finish();
  world.finish();
  run.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  run.outcome.experiment = run.experiment.get();
  run.outcome.metrics = &world.metrics();
  run.outcome.end = end;
  run.outcome.events = world.events();
  run.outcome.wall_seconds = run.wall_seconds;
  // Rule files were read once before the run by `faultline run` (exit 2 on a problem); a sweep's
  // variant that reaches here with a bad file reports it as a failed check.
  std::vector<std::string> rule_errors;
  run.prometheus_rules = std::make_unique<monitoring::RuleSet>(
      monitoring::load_rule_files(run.experiment->prometheus_rules, &rule_errors,
                                  &run.experiment->prometheus_rule_names));
  run.outcome.prometheus_rules = run.prometheus_rules.get();
  if (!run.interrupted) {
    run.evaluation = monitoring::evaluate(run.outcome);
    for (std::string& error : rule_errors) {
      run.evaluation.checks.push_back(monitoring::CheckResult{"prometheus rule file", false, std::move(error), "", "", true});
      run.evaluation.passed = false;
    }
  }
  return run;
}

namespace {

std::string run_json(const ExperimentRun& run) {
  nlohmann::ordered_json j;
  j["experiment"] = run.experiment->name;
  j["seed"] = run.experiment->seed;
  j["wall_seconds"] = run.wall_seconds;
  j["virtual_seconds"] = to_seconds(run.outcome.end);
  j["events"] = run.outcome.events;
  j["events_per_second"] = run.wall_seconds > 0 ? static_cast<double>(run.outcome.events) / run.wall_seconds : 0.0;
  const auto& totals = run.outcome.metrics->totals();
  j["simulated_requests_per_second"] =
      // Every request issued: no-answers are in `total` unless the file ignores them.
      run.wall_seconds > 0 ? static_cast<double>(totals.total + totals.unfinished - totals.unanswered) / run.wall_seconds
                           : 0.0;
  j["speedup"] = run.wall_seconds > 0 ? to_seconds(run.outcome.end) / run.wall_seconds : 0.0;
  nlohmann::ordered_json build;
  build["version"] = FAULTLINE_VERSION;
  build["compiler"] = __VERSION__;
#ifdef NDEBUG
  build["type"] = "release";
#else
  build["type"] = "debug";
#endif
  j["build"] = build;
  j["file"] = run.experiment->file;
  return j.dump(2) + "\n";
}

}  // namespace

bool write_results(const ExperimentRun& run, const std::string& out_dir,
                   const std::vector<std::string>& set_args, std::string* error) {
  return write_results_to(run, out_dir + "/" + run.experiment->name, set_args, LiveResults{}, error);
}

bool write_results_to(const ExperimentRun& run, const std::string& folder, const std::vector<std::string>& set_args,
                      const LiveResults& live, std::string* error) {
  std::vector<monitoring::FolderFile> files;
  nlohmann::ordered_json summary = monitoring::summary_json(run.outcome, run.evaluation);
  if (live.partial) summary["partial"] = true;
  files.emplace_back("summary.json", monitoring::dump_summary(summary));
  files.emplace_back("run.json", run_json(run));
  files.emplace_back("junit.xml", monitoring::junit_xml(run.outcome, run.evaluation));
  // Streamed: a day-long run's timeline is never held whole (memory stays flat).
  files.emplace_back("timeline.csv", monitoring::timeline_csv_writer(run.outcome));
  files.emplace_back("metrics.om", monitoring::openmetrics_writer(run.outcome));
  files.emplace_back("report.html", monitoring::html_report(run.outcome, run.evaluation, set_args, live.comparison));
  for (const monitoring::FolderFile& f : live.extra_files) files.push_back(f);
  return monitoring::write_folder_atomic(folder, files, error);
}

}  // namespace faultline::batch

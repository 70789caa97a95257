// ExperimentRun: one experiment taken from a validated Experiment to its results — the world
// run in slices of virtual time (progress, interruption), then the evaluation, then the
// results folder written whole or not at all.
//
//   auto run = run_experiment(experiment, {.stop_at = std::nullopt, .progress = true});
//   if (!run.interrupted) write_results(run, "results", &error);
//
// One thread per ExperimentRun; independent runs may go in parallel (sweeps).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "experiments/experiment_config.h"
#include "experiments/world.h"
#include "monitoring/atomic_file.h"
#include "monitoring/evaluation.h"
#include "monitoring/fidelity.h"
#include "monitoring/prometheus_rule_file.h"

namespace faultline::batch {

struct RunOptions {
  std::optional<Instant> stop_at;  // health reports stop the world at an instant
  bool progress = false;           // a progress line on stderr (the caller checks for a terminal)
  bool interruptible = true;       // poll SIGINT/SIGTERM between slices
};

struct ExperimentRun {
  std::unique_ptr<experiments::Experiment> experiment;
  std::unique_ptr<experiments::World> world;
  std::unique_ptr<monitoring::RuleSet> prometheus_rules;  // the experiment's rule files, read
  monitoring::RunOutcome outcome;
  monitoring::Evaluation evaluation;
  double wall_seconds = 0;
  bool interrupted = false;
};

ExperimentRun run_experiment(experiments::Experiment experiment, const RunOptions& options);

// Writes summary.json, run.json, junit.xml, timeline.csv, metrics.om and report.html into
// `out_dir/<name>/`, replacing an earlier result whole. Returns false (with `error`) on an I/O
// failure, leaving any earlier result in place.
// `set_args` are the run's --set arguments, repeated in the report's reproduce command.
bool write_results(const ExperimentRun& run, const std::string& out_dir,
                   const std::vector<std::string>& set_args, std::string* error);

// What a live run (live/live_session.h) adds to its folder: `partial` when it was interrupted
// (summary.json says so: the results measured until then), the comparison with the simulation
// that report.html shows, and more files (fidelity.json), all written in the same one step.
struct LiveResults {
  bool partial = false;
  const monitoring::LiveComparison* comparison = nullptr;
  std::vector<monitoring::FolderFile> extra_files;
};

// The same files into `folder` itself (live mode: DIR/<name>/live), with `live`'s additions.
bool write_results_to(const ExperimentRun& run, const std::string& folder, const std::vector<std::string>& set_args,
                      const LiveResults& live, std::string* error);

}  // namespace faultline::batch

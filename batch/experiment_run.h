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
#include "monitoring/evaluation.h"
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

// The same files into `folder` itself (live mode: DIR/<name>/live). `partial`: the run was
// interrupted and these are the results measured until then (summary.json says so).
bool write_results_to(const ExperimentRun& run, const std::string& folder, const std::vector<std::string>& set_args,
                      bool partial, std::string* error);

}  // namespace faultline::batch

// `faultline run` and `faultline validate`.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <fmt/core.h>

#include "cli/commands.h"
#include "batch/experiment_run.h"
#include "batch/interrupt.h"
#include "cli/options.h"
#include "experiments/loader.h"
#include "monitoring/console_report.h"
#include "monitoring/prometheus_rule_file.h"
#include "monitoring/terminal.h"

namespace faultline::cli {

using batch::ExperimentRun;
using batch::install_interrupt_handlers;
using batch::interrupted_exit_code;
using batch::run_experiment;
using batch::RunOptions;
using batch::write_results;

namespace po = boost::program_options;

namespace {

// Loads every file first: bad input anywhere means exit 2 before anything runs or is written.
bool load_all(const std::vector<std::string>& files, const std::vector<std::string>& sets,
              std::vector<experiments::Experiment>* out) {
  bool ok = true;
  for (const auto& file : files) {
    experiments::LoadResult r = experiments::load_experiment_file(file, sets);
    for (const auto& d : r.diagnostics) fmt::print(stderr, "{}\n", experiments::format(d));
    if (!r.ok()) {
      ok = false;
      continue;
    }
    out->push_back(std::move(*r.experiment));
  }
  return ok;
}

// Adds --prometheus-rules to every experiment, then reads each experiment's rule files: a
// problem in one (file:line:column, the rule and the construct) means exit 2 before any run.
bool add_rule_files(const std::vector<std::string>& rule_files, std::vector<experiments::Experiment>* experiments) {
  bool ok = true;
  for (auto& e : *experiments) {
    // A file named both by the experiment and on the command line is read once.
    const auto same = [](const std::string& a, const std::string& b) {
      std::error_code ec1, ec2;
      const auto ca = std::filesystem::weakly_canonical(a, ec1), cb = std::filesystem::weakly_canonical(b, ec2);
      return ec1 || ec2 ? a == b : ca == cb;
    };
    for (const auto& f : rule_files) {
      if (std::none_of(e.prometheus_rules.begin(), e.prometheus_rules.end(),
                       [&](const std::string& g) { return same(f, g); })) {
        e.prometheus_rules.push_back(f);
        e.prometheus_rule_names.push_back(f);
      }
    }
    std::vector<std::string> errors;
    monitoring::load_rule_files(e.prometheus_rules, &errors);
    for (const auto& error : errors) fmt::print(stderr, "{}\n", error);
    if (!errors.empty()) ok = false;
  }
  return ok;
}

}  // namespace

int run_command(const Args& args) {
  po::options_description options("run");
  std::vector<std::string> files, sets, rule_files;
  std::string out = "results";
  options.add_options()
      ("file", po::value(&files)->composing(), "experiment files")
      ("seed", po::value<std::string>(), "seed override (64-bit)")
      ("out", po::value(&out), "results directory (default results/)")
      ("set", po::value(&sets)->composing(), "PATH=VALUE override, repeatable")
      ("prometheus-rules", po::value(&rule_files)->multitoken()->composing(),
       "Prometheus rule files evaluated over the run (docs/prometheus.md)")
      ("quiet,q", po::bool_switch(), "one verdict line per experiment")
      ("progress", po::bool_switch(), "progress line on stderr even when not a terminal")
      ("no-progress", po::bool_switch(), "no progress line");
  po::variables_map vm;
  if (!parse_args("run", args, options, "file", &vm)) return 2;
  if (files.empty()) return usage_error("run", "no experiment file given");
  // What the reproduce lines repeat: the --set arguments as given (the seed is printed apart).
  const std::vector<std::string> user_sets = sets;
  if (vm.count("seed")) sets.push_back("seed=" + vm["seed"].as<std::string>());

  std::vector<experiments::Experiment> experiments;
  if (!load_all(files, sets, &experiments)) return 2;
  if (!add_rule_files(rule_files, &experiments)) return 2;

  install_interrupt_handlers();
  const bool quiet = vm["quiet"].as<bool>();
  bool progress = monitoring::stderr_is_terminal();
  if (vm["progress"].as<bool>()) progress = true;
  if (vm["no-progress"].as<bool>()) progress = false;
  monitoring::ConsoleOptions console;
  console.colour = monitoring::use_colour(monitoring::OutputStream::kStdout);
  console.set_args = user_sets;
  for (const auto& e : experiments) console.name_width = std::max(console.name_width, static_cast<int>(e.name.size()));

  int status = 0;
  for (auto& experiment : experiments) {
    RunOptions ro;
    ro.progress = progress;
    ExperimentRun run = run_experiment(std::move(experiment), ro);
    if (run.interrupted) {
      fmt::print(stderr, "faultline: interrupted; {} left no results\n", run.experiment->name);
      return interrupted_exit_code();
    }
    std::string error;
    if (!write_results(run, out, user_sets, &error)) {
      fmt::print(stderr, "faultline: cannot write results of {}: {}\n", run.experiment->name, error);
      return 2;
    }
    if (quiet) {
      std::fputs((monitoring::verdict_line(run.outcome, run.evaluation, console) + "\n").c_str(), stdout);
    } else {
      std::fputs(monitoring::console_report(run.outcome, run.evaluation, console).c_str(), stdout);
      fmt::print("results: {}/{}/\n", out, run.experiment->name);
    }
    std::fflush(stdout);
    if (!run.evaluation.passed) status = 1;
  }
  return status;
}

int validate_command(const Args& args) {
  po::options_description options("validate");
  std::vector<std::string> files;
  options.add_options()("file", po::value(&files)->composing(), "experiment files");
  po::variables_map vm;
  if (!parse_args("validate", args, options, "file", &vm)) return 2;
  if (files.empty()) return usage_error("validate", "no experiment file given");
  int status = 0;
  for (const auto& file : files) {
    experiments::LoadResult r = experiments::load_experiment_file(file, {});
    for (const auto& d : r.diagnostics) fmt::print(stderr, "{}\n", experiments::format(d));
    if (r.ok()) {
      fmt::print("{}: ok ({})\n", file, r.experiment->name);
    } else {
      fmt::print("{}: {} problem{}\n", file, r.diagnostics.size(), r.diagnostics.size() == 1 ? "" : "s");
      status = 2;
    }
  }
  return status;
}

}  // namespace faultline::cli

// faultline: the command-line entry point. Dispatches to the commands of cli/commands.h.
#include <cstdio>
#include <exception>
#include <string>

#include <fmt/core.h>

#include "cli/commands.h"

namespace {

constexpr const char* kUsage =
    "usage: faultline <command> [options]\n"
    "\n"
    "commands:\n"
    "  run FILE... [--seed N] [--out DIR] [--set PATH=VALUE]... [--quiet] [--progress|--no-progress]\n"
    "  validate FILE...\n"
    "  sweep FILE [--jobs N] [--shard I/N] [--out DIR]\n"
    "  merge DIR... [--out DIR] [--jobs N]\n"
    "  explore FILE [--runs N] [--jobs N] [--out DIR] [--shard I/N]\n"
    "  compare BASELINE.json CURRENT.json [--tolerance PCT]\n"
    "  health FILE --at SECONDS\n"
    "  live FILE [--out DIR] [--seed N] [--set PATH=VALUE]... [--target URL] [--progress]\n"
    "  proxy FILE --listen PORT --upstream HOST:PORT [--dependency NAME] [--seed N] [--set PATH=VALUE]...\n"
    "\n"
    "exit status: 0 all checks passed, 1 a check failed or a regression, 2 bad input or usage,\n"
    "130/143 interrupted. Docs: README.md and docs/.\n";

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  const std::string command = argv[1];
  faultline::cli::Args args(argv + 2, argv + argc);
  try {
    if (command == "run") return faultline::cli::run_command(args);
    if (command == "validate") return faultline::cli::validate_command(args);
    if (command == "compare") return faultline::cli::compare_command(args);
    if (command == "health") return faultline::cli::health_command(args);
    if (command == "sweep") return faultline::cli::sweep_command(args);
    if (command == "merge") return faultline::cli::merge_command(args);
    if (command == "explore") return faultline::cli::explore_command(args);
    if (command == "live") return faultline::cli::live_command(args);
    if (command == "proxy") return faultline::cli::proxy_command(args);
    if (command == "--help" || command == "-h" || command == "help") {
      std::fputs(kUsage, stdout);
      return 0;
    }
    if (command == "--version") {
      std::puts("faultline 0.1.0");
      return 0;
    }
    fmt::print(stderr, "faultline: unknown command '{}'\n\n{}", command, kUsage);
    return 2;
  } catch (const std::exception& e) {
    // Bad input never gets here (the loader returns diagnostics); this is a last guard so a
    // bug ends with a message instead of an abort.
    fmt::print(stderr, "faultline: internal error: {}\n", e.what());
    return 3;
  }
}

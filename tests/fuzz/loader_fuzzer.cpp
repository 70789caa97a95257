// libFuzzer target over the experiment loader, the --set overrides and the world: proves that
// no text crashes, hangs or exhausts memory in the loader, and that every text it *accepts*
// builds a World that runs a few virtual seconds cleanly.
//
//   input = "<one --set argument, or nothing>\n<experiment document>"
//   tests/fuzz/build.sh && tests/fuzz/run.sh 600
//
// Single-threaded (libFuzzer calls LLVMFuzzerTestOneInput on one thread per worker).
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "experiments/loader.h"
#include "experiments/world.h"

namespace {

using faultline::Duration;
using faultline::Instant;
using faultline::experiments::Diagnostic;
using faultline::experiments::Experiment;
using faultline::experiments::LoadResult;
using faultline::experiments::World;

// The label decides where a relative empirical samples file is looked for: the test data
// experiments folder, so that the seeds that read experiments/data/ reach those readers.
#ifndef FAULTLINE_SOURCE_DIR
#define FAULTLINE_SOURCE_DIR "."
#endif
const std::string kLabel = FAULTLINE_SOURCE_DIR "/experiments/fuzz-input.json";

// The accepted run is short and capped twice: in virtual time, and in events, so that a
// legitimately heavy experiment (a million users) stays fast while a livelock at one
// virtual instant still shows up as a libFuzzer timeout.
constexpr Duration kRunFor = std::chrono::seconds(3);
constexpr Duration kSlice = std::chrono::milliseconds(5);
constexpr std::uint64_t kMaxEvents = 300'000;

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "loader_fuzzer: invariant broken: %s\n", what);
  std::abort();
}

void check_diagnostics(const LoadResult& r) {
  if (r.ok() != r.diagnostics.empty()) fail("ok() disagrees with the diagnostics");
  if (r.experiment.has_value() == !r.diagnostics.empty())
    fail("an experiment came back with diagnostics, or neither came back");
  for (const Diagnostic& d : r.diagnostics) {
    if (d.message.empty()) fail("a diagnostic without a message");
    if (d.file != kLabel) fail("a diagnostic that does not name the file");
    if (d.line < 0 || d.column < 0 || (d.line == 0 && d.column != 0))
      fail("a diagnostic with an impossible position");
    if (!d.pointer.empty() && d.pointer[0] != '/') fail("a pointer that is not RFC 6901");
  }
  // The list is capped (500, plus one "more were found" line, plus the --set argument's own).
  if (r.diagnostics.size() > 502) fail("an unbounded number of diagnostics");
  if (!r.diagnostics.empty() && faultline::experiments::format(r.diagnostics).empty())
    fail("diagnostics that format to nothing");
}

void run_briefly(const Experiment& e, bool verbose) {
  World world(e);
  const Instant until = std::min<Instant>(world.end(), Instant{} + kRunFor);
  Instant t{};
  while (t < until && world.events() < kMaxEvents) {
    t = std::min<Instant>(until, t + kSlice);
    world.run_until(t);
    if (world.now() != t) fail("the world did not measure up to the instant asked");
  }
  world.finish();
  const auto& totals = world.metrics().totals();
  if (totals.succeeded + totals.failed != totals.total) fail("succeeded + failed != total");
  std::uint64_t by_status = 0;
  for (const auto& [status, count] : totals.by_status) by_status += count;
  if (by_status != totals.total) fail("by_status does not sum to total");
  if (verbose) {
    std::fprintf(stderr, "accepted; ran %.3f virtual s, %llu events, %llu requests counted\n",
                 std::chrono::duration<double>(world.now()).count(),
                 static_cast<unsigned long long>(world.events()),
                 static_cast<unsigned long long>(totals.total));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> overrides;
  std::string_view document = input;
  if (const auto newline = input.find('\n'); newline != std::string_view::npos) {
    if (newline > 0) overrides.emplace_back(input.substr(0, newline));
    document = input.substr(newline + 1);
  }
  const LoadResult r = faultline::experiments::load_experiment_text(document, kLabel, overrides);
  check_diagnostics(r);
  // Triage aid: LOADER_FUZZER_VERBOSE=1 ./loader_fuzzer FILE says what became of one input.
  static const bool verbose = std::getenv("LOADER_FUZZER_VERBOSE") != nullptr;
  if (verbose) std::fputs(faultline::experiments::format(r.diagnostics).c_str(), stderr);
  if (r.ok()) run_briefly(*r.experiment, verbose);
  return 0;
}

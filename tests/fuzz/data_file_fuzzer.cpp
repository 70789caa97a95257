// libFuzzer target over the data files an experiment names: the input is written to a file that
// a fixed experiment reads as an empirical samples file and as a Prometheus histogram (text or
// JSON, seconds and milliseconds, with and without a metric and labels). Whatever the bytes,
// the loader must answer with located diagnostics or with a distribution whose draws, mean and
// quantiles are finite, non-negative and within the simulator's clamp.
//
//   tests/fuzz/build.sh && tests/fuzz/run.sh 600 data_file_fuzzer
//
// Single-threaded; the file lives in a folder of its own per process.
#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "experiments/loader.h"
#include "sim/rng.h"

namespace {

using faultline::experiments::Diagnostic;
using faultline::experiments::LoadResult;

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "data_file_fuzzer: invariant broken: %s\n", what);
  std::abort();
}

const std::filesystem::path& folder() {
  static const std::filesystem::path dir = [] {
    auto d = std::filesystem::temp_directory_path() /
             ("faultline-data-fuzz-" + std::to_string(::getpid()));
    std::filesystem::create_directories(d);
    return d;
  }();
  return dir;
}

std::string experiment_reading(const std::string& latency) {
  return R"({"name": "data", "duration_s": 10,
    "dependencies": {"d": {"concurrency": 4, "latency_ms": )" +
         latency + R"(}},
    "endpoints": [{"name": "e", "steps": [{"call": "d"}]}],
    "load": {"users": 2}})";
}

void check(const LoadResult& r) {
  if (r.ok() != r.diagnostics.empty()) fail("ok() disagrees with the diagnostics");
  for (const Diagnostic& d : r.diagnostics) {
    if (d.message.empty()) fail("a diagnostic without a message");
    if (d.pointer.empty() && d.line == 0) fail("a diagnostic that locates nothing");
  }
  if (!r.ok()) return;
  const auto& latency = r.experiment->dependencies.at(0).latency;
  const double mean = latency.mean_ms();
  if (std::isnan(mean) || mean < 0) fail("a mean that is NaN or negative");
  for (double q : {0.0, 0.001, 0.5, 0.99, 1.0}) {
    const double v = latency.quantile_ms(q);
    if (!std::isfinite(v) || v < 0) fail("a quantile that is not a finite, non-negative ms");
  }
  faultline::sim::Rng rng = faultline::sim::make_stream(1, "data-fuzz");
  for (int i = 0; i < 64; ++i) {
    const auto d = latency.sample(rng);
    if (d.count() < 0) fail("a negative draw");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::filesystem::path file = folder() / "data.txt";
  {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  const std::string name = "\"" + file.string() + "\"";
  const std::vector<std::string> latencies = {
      R"({"dist": "empirical", "file": )" + name + "}",
      R"({"dist": "empirical", "prometheus": )" + name + "}",
      R"({"dist": "empirical", "prometheus": )" + name + R"(, "unit": "ms"})",
      R"({"dist": "empirical", "prometheus": )" + name +
          R"(, "metric": "openai_request_duration_seconds", "labels": {"model": "gpt-4o-mini"}})",
  };
  for (const std::string& latency : latencies) {
    check(faultline::experiments::load_experiment_text(experiment_reading(latency),
                                                       (folder() / "x.json").string()));
  }
  return 0;
}

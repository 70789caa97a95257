// Explore's throughput: schedules per second on the guide topology — the bundled
// experiments/explore/db-recovery-race.json (API, OpenAI, Postgres, breakers; 400 virtual s,
// 50 users) with its drawn schedules, run through the batch engine as `faultline explore` runs
// them (a fresh points/ folder each iteration, so nothing is reused), on 1 and 2 threads.
//
//   build/bench/bench/explore_bench --benchmark_min_time=2s
//
// Prints items_per_second = schedules per second. Timing only: never fails.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <string>

#include "batch/batch_runner.h"
#include "experiments/loader.h"
#include "explore/explore_plan.h"
#include "explore/explore_runs.h"

namespace {

using namespace faultline;

constexpr std::size_t kSchedules = 16;

const explore::ExplorePlan& guide_plan() {
  static const explore::ExplorePlan plan = [] {
    const std::string file =
        std::string(FAULTLINE_SOURCE_DIR) + "/experiments/explore/db-recovery-race.json";
    const auto loaded = experiments::load_experiment_file(file);
    if (!loaded.ok()) throw std::runtime_error(experiments::format(loaded.diagnostics));
    std::vector<experiments::Diagnostic> problems;
    return *explore::make_plan(loaded.experiment->source, loaded.experiment->seed, file, &problems);
  }();
  return plan;
}

void BM_ExploreSchedules(benchmark::State& state) {
  const explore::ExplorePlan& plan = guide_plan();
  const std::vector<explore::RunRef> refs = explore::all_runs(plan);
  std::vector<batch::BatchRun> runs;
  for (std::size_t i = 0; i < kSchedules; ++i) runs.push_back(explore::batch_run(plan, refs[i]));
  const auto dir = std::filesystem::temp_directory_path() / "faultline-explore-bench";
  std::size_t faults = 0;
  for (std::size_t i = 0; i < kSchedules; ++i) faults += plan.schedules[i].faults.size();
  for (auto _ : state) {
    state.PauseTiming();
    std::filesystem::remove_all(dir);
    state.ResumeTiming();
    const batch::RunnerStats stats = batch::run_batch(
        runs,
        {.jobs = static_cast<int>(state.range(0)),
         .points_dir = (dir / "points").string(),
         .format = explore::kRunFormat,
         .file = plan.file},
        [&](std::size_t i, const batch::ExperimentRun& run, batch::RunResult* out) {
          explore::fill_result(runs[i].id, refs[i].schedule, refs[i].replication, run, out);
        },
        {});
    if (stats.ran != kSchedules) state.SkipWithError("a run failed");
  }
  std::filesystem::remove_all(dir);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kSchedules));
  state.counters["faults_per_schedule"] =
      static_cast<double>(faults) / static_cast<double>(kSchedules);
}
BENCHMARK(BM_ExploreSchedules)
    ->Arg(1)
    ->Arg(2)
    ->ArgName("jobs")
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();

// The whole explore on the planted model: the failure is found, grouped, reproduced by its
// reproducer, and the outputs do not depend on --jobs or on the shard split.
#include "explore/explore_session.h"

#include <gtest/gtest.h>

#include "batch/experiment_run.h"
#include "experiments/loader.h"
#include "explore/explore_runs.h"
#include "explore_test_data.h"

namespace faultline::explore {
namespace {

using nlohmann::json;
using namespace testing_data;

ExploreRequest request_for(const std::string& file, const std::filesystem::path& out, int jobs) {
  ExploreRequest r;
  r.file = file;
  r.session.out = out.string();
  r.session.jobs = jobs;
  r.session.quiet = true;
  return r;
}

TEST(ExploreSession, FindsThePlantedFailureInEverySchedulesWithAFaultAndNoOther) {
  const auto dir = fresh_dir("run");
  const std::string file = write_document(dir, planted_document());
  EXPECT_EQ(explore_file(request_for(file, dir / "out", 2)), 1);
  const json j = json::parse(read_text(dir / "out/planted-explore/explore.json"));
  std::size_t with_faults = 0;
  std::optional<std::size_t> first;
  for (const json& s : j["schedules"]) {
    const bool any = !s["faults"].empty();
    with_faults += any ? 1 : 0;
    if (any && !first) first = s["index"].get<std::size_t>();
    EXPECT_EQ(s["passed"], !any) << s.dump();
    if (any) {
      EXPECT_EQ(s["failed_checks"], json::array({"breaker db never opens"}));
    }
  }
  ASSERT_GT(with_faults, 0u);
  ASSERT_LT(with_faults, 12u);
  EXPECT_EQ(j["failing_schedules"], with_faults);
  ASSERT_EQ(j["failures"].size(), 1u);
  const json& g = j["failures"][0];
  EXPECT_EQ(g["check"], "breaker db never opens");
  EXPECT_EQ(g["schedules"], with_faults);
  EXPECT_EQ(g["first_schedule"], schedule_id(*first));
  EXPECT_EQ(g["first_seed"], 11);
  EXPECT_EQ(g["reproducer"], "reproducers/01-breaker-db-never-opens.json");
  // Shrunk: one fault of the first failing schedule's, no longer than it.
  ASSERT_EQ(g["shrunk_faults"].size(), 1u) << g.dump();
  EXPECT_GT(g["shrink_runs"].get<int>(), 0);
  const std::string csv = read_text(dir / "out/planted-explore/explore.csv");
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 13);  // header + one row per schedule
}

TEST(ExploreSession, TheReproducerFailsTheSameCheckUnderFaultlineRun) {
  const auto dir = fresh_dir("repro");
  const std::string file = write_document(dir, planted_document());
  ASSERT_EQ(explore_file(request_for(file, dir / "out", 1)), 1);
  const auto loaded = experiments::load_experiment_file(
      (dir / "out/planted-explore/reproducers/01-breaker-db-never-opens.json").string());
  ASSERT_TRUE(loaded.ok()) << experiments::format(loaded.diagnostics);
  EXPECT_TRUE(loaded.experiment->explore.is_null());
  const json j = json::parse(read_text(dir / "out/planted-explore/explore.json"));
  // The reproducer is the file's faults (none) followed by the shrunk schedule.
  EXPECT_EQ(loaded.experiment->source["faults"], j["failures"][0]["shrunk_faults"]);
  const batch::ExperimentRun run = batch::run_experiment(
      *loaded.experiment, {.stop_at = std::nullopt, .progress = false, .interruptible = false});
  EXPECT_EQ(failed_names(run), std::vector<std::string>{"breaker db never opens"});
  EXPECT_FALSE(run.evaluation.passed);
}

TEST(ExploreSession, OutputsAreTheSameForAnyJobsAndForShards) {
  const auto dir = fresh_dir("jobs");
  const std::string file = write_document(dir, planted_document());
  ASSERT_EQ(explore_file(request_for(file, dir / "one", 1)), 1);
  ASSERT_EQ(explore_file(request_for(file, dir / "two", 2)), 1);
  ExploreRequest first = request_for(file, dir / "shards", 1), second = first;
  first.session.shard = {0, 2};
  second.session.shard = {1, 2};
  EXPECT_EQ(explore_file(first), 0);  // half the runs: nothing concluded yet
  EXPECT_FALSE(std::filesystem::exists(dir / "shards/planted-explore/explore.json"));
  EXPECT_EQ(explore_file(second), 0);  // the last shard concludes; a shard's status is 0
  for (const char* name :
       {"explore.json", "explore.csv", "reproducers/01-breaker-db-never-opens.json"}) {
    const std::string one = read_text(dir / "one/planted-explore" / name);
    EXPECT_FALSE(one.empty()) << name;
    EXPECT_EQ(one, read_text(dir / "two/planted-explore" / name)) << name;
    EXPECT_EQ(one, read_text(dir / "shards/planted-explore" / name)) << name;
  }
}

TEST(ExploreSession, WithoutShrinkingTheReproducerHoldsTheScheduleAsDrawn) {
  const auto dir = fresh_dir("noshrink");
  ExploreRequest r = request_for(write_document(dir, planted_document()), dir / "out", 2);
  r.shrink = false;
  ASSERT_EQ(explore_file(r), 1);
  const json j = json::parse(read_text(dir / "out/planted-explore/explore.json"));
  const json& g = j["failures"][0];
  EXPECT_FALSE(g.contains("shrunk_faults"));
  const json repro = json::parse(
      read_text(dir / "out/planted-explore/reproducers/01-breaker-db-never-opens.json"));
  EXPECT_EQ(repro["faults"], g["faults"]);
  EXPECT_EQ(repro["seed"], 11);
}

TEST(ExploreSession, NoFailingScheduleExitsZeroAndBadInputTwo) {
  const auto dir = fresh_dir("none");
  json doc = planted_document();
  // A latency of 1 ms opens no breaker: nothing fails.
  doc["explore"]["faults"][0] = {{"target", "db"}, {"kind", "latency"}, {"add_ms", {1, 2}}};
  EXPECT_EQ(explore_file(request_for(write_document(dir, doc), dir / "out", 2)), 0);
  const json j = json::parse(read_text(dir / "out/planted-explore/explore.json"));
  EXPECT_EQ(j["failing_schedules"], 0);
  EXPECT_TRUE(j["failures"].empty());
  EXPECT_FALSE(std::filesystem::exists(dir / "out/planted-explore/reproducers"));

  doc.erase("explore");
  EXPECT_EQ(explore_file(request_for(write_document(dir, doc), dir / "out", 1)), 2);
  doc = planted_document();
  doc["explore"]["runs"] = 0;
  EXPECT_EQ(explore_file(request_for(write_document(dir, doc), dir / "out", 1)), 2);
}

TEST(ExploreSession, RunsOptionOverridesTheBlockAndObjectiveNamesTheWorstSchedule) {
  const auto dir = fresh_dir("objective");
  json doc = planted_document();
  doc["explore"]["objective"] = "minimize availability";
  ExploreRequest r = request_for(write_document(dir, doc), dir / "out", 2);
  r.runs = 4;
  EXPECT_EQ(explore_file(r), 1);
  const json j = json::parse(read_text(dir / "out/planted-explore/explore.json"));
  ASSERT_EQ(j["schedules"].size(), 4u);
  double lowest = 101;
  std::string worst;
  for (const json& s : j["schedules"]) {
    if (s["objective"].get<double>() < lowest) {
      lowest = s["objective"].get<double>();
      worst = s["schedule"];
    }
  }
  EXPECT_EQ(j["objective"]["worst_schedule"], worst);
  EXPECT_EQ(j["objective"]["value"], lowest);
  EXPECT_EQ(j["objective"]["metric"], "availability");
}

}  // namespace
}  // namespace faultline::explore

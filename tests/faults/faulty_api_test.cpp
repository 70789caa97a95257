// FaultyApi: faults on the API itself, seen through the requests' statuses and latencies and
// the faults' hit counts, at the exact instants of their windows.
#include "faults/faulty_api.h"

#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "sim/dependency_model.h"
#include "sim/status.h"

namespace faultline::faults {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

struct Answer {
  Instant sent;
  Instant answered;
};

class FaultyApiTest : public ::testing::Test {
 protected:
  // An API of `workers` workers whose one endpoint calls a dependency answering in 100 ms.
  void build(int workers, std::vector<Fault> faults) {
    sim::MetricsLayout layout;
    layout.duration = seconds(100);
    layout.dependencies = {"db"};
    for (std::size_t i = 0; i < faults.size(); ++i) layout.faults.push_back("f" + std::to_string(i));
    metrics_ = std::make_unique<sim::Metrics>(layout);
    dep_ = std::make_unique<sim::DependencyModel>(
        loop_, sim::DependencySpec{.name = "db", .concurrency = 1000, .latency = sim::Distribution::constant(100)},
        sim::CallDraws(1, "dep"));
    sim::EndpointSpec ep;
    ep.name = "e";
    sim::StepSpec step;
    step.dependency = 0;
    ep.steps.push_back(step);
    api_ = std::make_unique<sim::ApiModel>(
        loop_, *metrics_, sim::ApiSpec{.workers = workers, .queue_limit = 100000, .overhead = sim::Distribution::constant(0)},
        std::vector<sim::EndpointSpec>{ep}, std::vector<sim::Dependency*>{dep_.get()}, 1);
    std::vector<sim::CallDraws> draws;
    for (std::size_t i = 0; i < faults.size(); ++i) {
      faults[i].index = i;
      draws.push_back(fault_draws(1, i));
    }
    faulty_ = std::make_unique<FaultyApi>(loop_, *api_, std::move(faults), std::move(draws), *metrics_);
    faulty_->arm();
  }
  // One request every `every` from `from` to `to` (exclusive), each answer recorded.
  void submit_every(Duration every, Instant from, Instant to) {
    for (Instant t = from; t < to; t += every) {
      loop_.schedule_at(t, [this] {
        const Instant sent = loop_.now();
        api_->submit(0, 0, next_request_++, [this, sent] { answers_.push_back({sent, loop_.now()}); });
      });
    }
  }
  std::uint64_t status_count(int status) const {
    const auto& m = metrics_->totals().by_status;
    const auto it = m.find(status);
    return it == m.end() ? 0 : it->second;
  }

  sim::EventLoop loop_;
  std::unique_ptr<sim::Metrics> metrics_;
  std::unique_ptr<sim::DependencyModel> dep_;
  std::unique_ptr<sim::ApiModel> api_;
  std::unique_ptr<FaultyApi> faulty_;
  std::vector<Answer> answers_;
  std::uint64_t next_request_ = 0;  // the plan number of the next submit()
};

TEST_F(FaultyApiTest, OutageRefusesEveryRequestInItsWindowAtOnce) {
  build(10, {Fault{.kind = FaultKind::kOutage, .start = seconds(10), .end = seconds(20)}});
  submit_every(milliseconds(500), Instant{}, seconds(30));
  loop_.run();
  EXPECT_EQ(status_count(sim::kStatusUnavailable), 20u) << "the requests sent in [10 s, 20 s)";
  EXPECT_EQ(status_count(200), 40u);
  EXPECT_EQ(metrics_->faults()[0].hits, 20u);
  for (const Answer& a : answers_) {
    const bool inside = a.sent >= seconds(10) && a.sent < seconds(20);
    EXPECT_EQ(a.answered - a.sent, inside ? milliseconds(0) : milliseconds(100));
  }
}

// Capacity 1 of 4 workers: every request sent in the window finds the one worker busy (4 would
// have had room) and is counted as a hit; it waits its turn in the queue. None before or after.
TEST_F(FaultyApiTest, CapacityLowersTheWorkersAndHitsTheRequestsItMakesWait) {
  build(4, {Fault{.kind = FaultKind::kCapacity, .start = seconds(10), .end = seconds(20), .concurrency = 1}});
  submit_every(milliseconds(50), Instant{}, seconds(30));
  loop_.run_until(seconds(15));
  EXPECT_EQ(api_->workers(), 1);
  loop_.run();
  EXPECT_EQ(api_->workers(), 4) << "restored when the window ends";
  EXPECT_EQ(metrics_->faults()[0].hits, 200u) << "the 200 requests sent in [10 s, 20 s)";
  EXPECT_EQ(status_count(200), 600u);
  for (const Answer& a : answers_) {
    if (a.sent < seconds(10)) {
      EXPECT_EQ(a.answered - a.sent, milliseconds(100)) << "before: no wait";
    }
    if (a.sent >= seconds(10) && a.sent < seconds(20)) {
      EXPECT_GT(a.answered - a.sent, milliseconds(100));
    }
  }
}

}  // namespace
}  // namespace faultline::faults

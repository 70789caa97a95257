// Event loop throughput: schedule+run, schedule+cancel, the request pattern (every event arms
// and disarms a timeout), and an M/M/1 queue checked against 1 / (mu - lambda).
//
//   build/simcore/bench/event_loop_bench [--benchmark_filter=...]
//
// Wall-clock timing is fine here: benchmarks measure the host, never the simulation.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <vector>

#include "sim/distribution.h"
#include "sim/event_loop.h"
#include "sim/rng.h"

namespace faultline::sim {
namespace {

// Random delays drawn up front so that the loop, not the RNG, is measured.
std::vector<Duration> delays(std::size_t n, std::uint64_t seed) {
  Rng rng(seed);
  std::vector<Duration> out(n);
  for (Duration& d : out) d = Duration(1 + static_cast<std::int64_t>(rng.next_below(1'000'000)));
  return out;
}

// `pending` self-rescheduling events; one iteration = one event run and one scheduled.
void BM_ScheduleRun(benchmark::State& state) {
  EventLoop loop;
  const std::vector<Duration> table = delays(1 << 16, 1);
  std::size_t next = 0;
  struct Actor {
    EventLoop* loop;
    const std::vector<Duration>* table;
    std::size_t* next;
    void step() {
      loop->schedule_after((*table)[(*next)++ & 0xffff], [this] { step(); });
    }
  };
  std::vector<Actor> actors(static_cast<std::size_t>(state.range(0)), Actor{&loop, &table, &next});
  for (Actor& a : actors) a.step();
  for (auto _ : state) loop.run_one();
  state.SetItemsProcessed(state.iterations());
  state.counters["pending"] = static_cast<double>(loop.pending());
}
BENCHMARK(BM_ScheduleRun)->Arg(1'000)->Arg(100'000);

// One iteration = schedule a 30 s timeout and cancel it, with `pending` other events waiting.
void BM_ScheduleCancel(benchmark::State& state) {
  EventLoop loop;
  for (std::int64_t i = 0; i < state.range(0); ++i) {
    loop.schedule_after(std::chrono::seconds(1) + Duration(i), [] {});
  }
  for (auto _ : state) {
    const TimerId id = loop.schedule_after(std::chrono::seconds(30), [] {});
    benchmark::DoNotOptimize(loop.cancel(id));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ScheduleCancel)->Arg(1'000)->Arg(100'000);

// The simulator's common shape: each event re-arms a timeout (cancelling the previous one) and
// schedules its successor. One iteration = one event run, two scheduled, one cancelled.
void BM_RequestPattern(benchmark::State& state) {
  EventLoop loop;
  const std::vector<Duration> table = delays(1 << 16, 2);
  std::size_t next = 0;
  struct Actor {
    EventLoop* loop;
    const std::vector<Duration>* table;
    std::size_t* next;
    TimerId timeout = kNoTimer;
    void step() {
      if (timeout != kNoTimer) loop->cancel(timeout);
      timeout = loop->schedule_after(std::chrono::seconds(30), [this] { timeout = kNoTimer; });
      loop->schedule_after((*table)[(*next)++ & 0xffff], [this] { step(); });
    }
  };
  std::vector<Actor> actors(static_cast<std::size_t>(state.range(0)), Actor{&loop, &table, &next});
  for (Actor& a : actors) a.step();
  for (auto _ : state) loop.run_one();
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RequestPattern)->Arg(1'000)->Arg(100'000);

// Fill the heap with `n` events at random instants, then drain it: one item = one event.
void BM_FillThenDrain(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const std::vector<Duration> table = delays(n, 3);
  std::uint64_t ran = 0;
  for (auto _ : state) {
    EventLoop loop;
    for (const Duration d : table) loop.schedule_after(d, [&ran] { ++ran; });
    loop.run();
  }
  benchmark::DoNotOptimize(ran);
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_FillThenDrain)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

// M/M/1 written directly on the loop: Poisson arrivals (lambda = 0.8/ms), exponential service
// (mu = 1/ms), FIFO. Theory: mean response 1 / (mu - lambda) = 5 ms.
class Mm1 {
 public:
  explicit Mm1(std::uint64_t customers) : customers_(customers), ring_(1 << 12) {}

  void run() {
    arrive();
    loop_.run();
  }
  const EventLoop& loop() const { return loop_; }
  double mean_response_ms() const { return response_ms_ / static_cast<double>(served_); }
  std::uint64_t served() const { return served_; }

 private:
  void arrive() {
    ++arrived_;
    push(loop_.now());
    if (size_ == 1) start_service();
    if (arrived_ < customers_) {
      loop_.schedule_after(interarrival_.sample(arrivals_), [this] { arrive(); });
    }
  }
  void start_service() {
    loop_.schedule_after(service_.sample(services_), [this] { depart(); });
  }
  void depart() {
    response_ms_ += to_millis(loop_.now() - ring_[head_]);
    ++served_;
    head_ = (head_ + 1) & (ring_.size() - 1);
    --size_;
    if (size_ > 0) start_service();
  }
  // A power-of-two ring of arrival instants; the customer in service is at the head.
  void push(Instant t) {
    if (size_ == ring_.size()) {
      std::vector<Instant> bigger(ring_.size() * 2);
      for (std::size_t i = 0; i < size_; ++i) bigger[i] = ring_[(head_ + i) & (ring_.size() - 1)];
      ring_ = std::move(bigger);
      head_ = 0;
    }
    ring_[(head_ + size_) & (ring_.size() - 1)] = t;
    ++size_;
  }

  EventLoop loop_;
  Rng arrivals_ = make_stream(1, "mm1/arrivals");
  Rng services_ = make_stream(1, "mm1/service");
  Distribution interarrival_ = Distribution::exponential(1.25);
  Distribution service_ = Distribution::exponential(1.0);
  std::uint64_t customers_;
  std::uint64_t arrived_ = 0, served_ = 0;
  double response_ms_ = 0;
  std::vector<Instant> ring_;
  std::size_t head_ = 0, size_ = 0;
};

void run_mm1() {
  constexpr std::uint64_t kCustomers = 2'000'000;
  Mm1 mm1(kCustomers);
  // CPU time as well as wall time: on a shared machine the wall clock also counts other
  // processes' turns.
  const std::clock_t cpu_start = std::clock();
  const auto wall_start = std::chrono::steady_clock::now();
  mm1.run();
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  const double cpu = static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
  const double events = static_cast<double>(mm1.loop().events_processed());
  const double theory_ms = 1.0 / (1.0 - 0.8);
  std::printf(
      "M/M/1 rho=0.8, %llu customers: %.0f events, %.3f s CPU (%.2f M events/s), "
      "%.3f s wall (%.2f M events/s)\n",
      static_cast<unsigned long long>(mm1.served()), events, cpu, events / cpu / 1e6, wall,
      events / wall / 1e6);
  std::printf(
      "  mean response %.3f ms, theory 1/(mu-lambda) = %.3f ms (%+.2f%%), virtual time %.0f s\n",
      mm1.mean_response_ms(), theory_ms, 100 * (mm1.mean_response_ms() / theory_ms - 1),
      to_seconds(mm1.loop().now()));
}

}  // namespace
}  // namespace faultline::sim

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  faultline::sim::run_mm1();
  return 0;
}

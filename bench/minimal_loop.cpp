// minimal_loop: the practical limit for an M/M/c queue in C++ — a binary heap of 16-byte
// events ordered by (time, seq) in a preallocated array, integer-nanosecond time, a FIFO ring
// of arrival instants, xoshiro256** and -mean * ln(u) draws; no allocation while it runs.
//
//   minimal_loop --servers 1 --customers 2000000    # M/M/1 at rho 0.8, mean service 1 ms
//
// Prints one `key=value` line (customers, events, seconds, mean response and its theory);
// bench/bench.sh times it next to faultline, SimGrid and SimPy. Single-threaded.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "bench/bench_rng.h"

namespace {

// 16 bytes: the time, then (seq << 8 | server << 1 | kind) so that one 128-bit compare orders
// by (time, seq); a departure names its server (servers <= 127).
struct Event {
  std::int64_t time;
  std::uint64_t seq_kind;
};

bool before(const Event& a, const Event& b) {
  return (static_cast<unsigned __int128>(static_cast<std::uint64_t>(a.time)) << 64 | a.seq_kind) <
         (static_cast<unsigned __int128>(static_cast<std::uint64_t>(b.time)) << 64 | b.seq_kind);
}

class Heap {
 public:
  explicit Heap(std::size_t capacity) : a_(capacity + 1) {}
  bool empty() const { return n_ == 0; }
  const Event& top() const { return a_[1]; }
  void push(Event e) {
    std::size_t i = ++n_;
    while (i > 1 && before(e, a_[i / 2])) {
      a_[i] = a_[i / 2];
      i /= 2;
    }
    a_[i] = e;
  }
  void pop() {
    const Event e = a_[n_--];
    std::size_t i = 1;
    for (;;) {
      std::size_t c = 2 * i;
      if (c > n_) break;
      if (c + 1 <= n_ && before(a_[c + 1], a_[c])) ++c;
      if (!before(a_[c], e)) break;
      a_[i] = a_[c];
      i = c;
    }
    a_[i] = e;
  }

 private:
  std::vector<Event> a_;  // 1-based
  std::size_t n_ = 0;
};

enum Kind : std::uint64_t { kArrival = 0, kDeparture = 1 };

}  // namespace

int main(int argc, char** argv) {
  std::uint64_t customers = 2'000'000;
  int servers = 1;
  double rho = 0.8;
  double service_ms = 1.0;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--customers") == 0) customers = std::strtoull(argv[i + 1], nullptr, 10);
    if (std::strcmp(argv[i], "--servers") == 0) servers = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--rho") == 0) rho = std::atof(argv[i + 1]);
    if (std::strcmp(argv[i], "--service-ms") == 0) service_ms = std::atof(argv[i + 1]);
  }
  const double service_ns = service_ms * 1e6;
  const double interarrival_ns = service_ns / (servers * rho);

  const auto wall_start = std::chrono::steady_clock::now();
  BenchRng arrivals(1), services(2);
  // At most one arrival and one departure per server are pending.
  Heap heap(static_cast<std::size_t>(servers) + 1);
  // Arrival instants of waiting customers, and of the customer each server holds.
  std::vector<std::int64_t> queue(std::size_t{1} << 16);  // doubles if ever full
  std::size_t head = 0, waiting = 0;
  std::vector<std::int64_t> in_service(static_cast<std::size_t>(servers));
  std::vector<int> idle;
  for (int s = servers - 1; s >= 0; --s) idle.push_back(s);
  std::uint64_t seq = 0, arrived = 0, served = 0, events = 0;
  double response_ns = 0;

  auto start_service = [&](int server, std::int64_t now, std::int64_t arrived_at) {
    in_service[static_cast<std::size_t>(server)] = arrived_at;
    heap.push(Event{now + services.exponential_ns(service_ns),
                    (++seq << 8) | (static_cast<std::uint64_t>(server) << 1) | kDeparture});
  };
  heap.push(Event{arrivals.exponential_ns(interarrival_ns), (++seq << 8) | kArrival});
  ++arrived;
  while (!heap.empty()) {
    const Event e = heap.top();
    heap.pop();
    ++events;
    const std::int64_t now = e.time;
    if ((e.seq_kind & 1) == kArrival) {
      if (!idle.empty()) {
        const int s = idle.back();
        idle.pop_back();
        start_service(s, now, now);
      } else {
        if (waiting == queue.size()) {
          std::vector<std::int64_t> bigger(2 * queue.size());
          for (std::size_t k = 0; k < waiting; ++k) bigger[k] = queue[(head + k) & (queue.size() - 1)];
          queue.swap(bigger);
          head = 0;
        }
        queue[(head + waiting++) & (queue.size() - 1)] = now;
      }
      if (arrived < customers) {
        ++arrived;
        heap.push(Event{now + arrivals.exponential_ns(interarrival_ns), (++seq << 8) | kArrival});
      }
    } else {
      const int s = static_cast<int>((e.seq_kind & 0xff) >> 1);
      response_ns += static_cast<double>(now - in_service[static_cast<std::size_t>(s)]);
      ++served;
      if (waiting > 0) {
        const std::int64_t t = queue[head];
        head = (head + 1) & (queue.size() - 1);
        --waiting;
        start_service(s, now, t);
      } else {
        idle.push_back(s);
      }
    }
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();

  const double theory_ms = erlang_c_response(servers, rho, service_ms);
  const double mean_ms = response_ns / static_cast<double>(served) / 1e6;
  std::printf("customers=%llu events=%llu seconds=%.6f mean_ms=%.6f theory_ms=%.6f\n",
              static_cast<unsigned long long>(served), static_cast<unsigned long long>(events), seconds,
              mean_ms, theory_ms);
  return 0;
}

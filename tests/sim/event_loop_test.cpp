#include "sim/event_loop.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <map>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/rng.h"

// Counts every global allocation of this test binary, so that a test can assert that the event
// loop's steady state allocates nothing. Forwards to malloc/free; all forms are replaced so
// that sanitizers never see a mismatched pair.
namespace {
std::atomic<std::uint64_t> g_allocations{0};

void* counted_alloc(std::size_t n) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void* counted_aligned_alloc(std::size_t n, std::align_val_t a) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  const auto align = static_cast<std::size_t>(a);
  const std::size_t size = (n + align - 1) / align * align;
  if (void* p = std::aligned_alloc(align, size == 0 ? align : size)) return p;
  throw std::bad_alloc();
}
}  // namespace

void* operator new(std::size_t n) { return counted_alloc(n); }
void* operator new[](std::size_t n) { return counted_alloc(n); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  try {
    return counted_alloc(n);
  } catch (...) {
    return nullptr;
  }
}
void* operator new[](std::size_t n, const std::nothrow_t& t) noexcept { return operator new(n, t); }
void* operator new(std::size_t n, std::align_val_t a) { return counted_aligned_alloc(n, a); }
void* operator new[](std::size_t n, std::align_val_t a) { return counted_aligned_alloc(n, a); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }

namespace faultline::sim {
namespace {

using std::chrono::milliseconds;
using std::chrono::nanoseconds;

TEST(EventLoopTest, StartsAtZeroAndEmpty) {
  EventLoop loop;
  EXPECT_EQ(loop.now(), Instant(0));
  EXPECT_EQ(loop.pending(), 0u);
  EXPECT_FALSE(loop.run_one());
  EXPECT_EQ(loop.events_processed(), 0u);
}

TEST(EventLoopTest, EventsAtTheSameInstantRunInSchedulingOrder) {
  EventLoop loop;
  std::vector<int> order;
  for (int i = 0; i < 100; ++i)
    loop.schedule_at(milliseconds(5), [&order, i] { order.push_back(i); });
  loop.run();
  ASSERT_EQ(order.size(), 100u);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(order[i], i);
  EXPECT_EQ(loop.now(), milliseconds(5));
}

TEST(EventLoopTest, EventsRunInTimeOrderEachAtItsInstant) {
  EventLoop loop;
  std::vector<std::pair<int, Instant>> ran;
  for (int t : {30, 10, 20, 10, 0}) {
    loop.schedule_at(milliseconds(t), [&ran, &loop, t] { ran.emplace_back(t, loop.now()); });
  }
  loop.run();
  const std::vector<int> expected = {0, 10, 10, 20, 30};
  ASSERT_EQ(ran.size(), expected.size());
  for (std::size_t i = 0; i < ran.size(); ++i) {
    EXPECT_EQ(ran[i].first, expected[i]);
    EXPECT_EQ(ran[i].second, milliseconds(expected[i]));
  }
  EXPECT_EQ(loop.events_processed(), 5u);
}

TEST(EventLoopTest, ScheduleAfterCountsFromNowAndNegativeDelayIsZero) {
  EventLoop loop;
  loop.run_until(milliseconds(100));
  Instant at{-1};
  loop.schedule_after(milliseconds(7), [&] { at = loop.now(); });
  loop.run();
  EXPECT_EQ(at, milliseconds(107));
  loop.schedule_after(milliseconds(-3), [&] { at = loop.now(); });
  loop.run();
  EXPECT_EQ(at, milliseconds(107));
}

TEST(EventLoopTest, CancelBeforeRunPreventsItAndAfterRunReturnsFalse) {
  EventLoop loop;
  bool a = false, b = false;
  const TimerId ida = loop.schedule_at(milliseconds(1), [&] { a = true; });
  const TimerId idb = loop.schedule_at(milliseconds(2), [&] { b = true; });
  EXPECT_NE(ida, kNoTimer);
  EXPECT_EQ(loop.pending(), 2u);
  EXPECT_TRUE(loop.cancel(ida));
  EXPECT_FALSE(loop.cancel(ida));  // twice
  EXPECT_EQ(loop.pending(), 1u);
  loop.run();
  EXPECT_FALSE(a);
  EXPECT_TRUE(b);
  EXPECT_FALSE(loop.cancel(idb));  // already ran
  EXPECT_FALSE(loop.cancel(kNoTimer));
  EXPECT_FALSE(loop.cancel(0xdeadbeef00000123ULL));  // never issued
  EXPECT_EQ(loop.events_processed(), 1u);
}

TEST(EventLoopTest, StaleIdAfterSlotReuseDoesNotCancelTheNewEvent) {
  EventLoop loop;
  int ran = 0;
  const TimerId cancelled = loop.schedule_at(milliseconds(1), [&] { ran += 100; });
  ASSERT_TRUE(loop.cancel(cancelled));
  const TimerId reused = loop.schedule_at(milliseconds(1), [&] { ran += 1; });  // same slot
  EXPECT_NE(reused, cancelled);
  EXPECT_FALSE(loop.cancel(cancelled));
  loop.run();
  EXPECT_EQ(ran, 1);

  const TimerId done = loop.schedule_after(milliseconds(1), [&] { ran += 10; });
  loop.run();
  loop.schedule_after(milliseconds(1), [&] { ran += 1000; });  // reuses the slot of `done`
  EXPECT_FALSE(loop.cancel(done));
  loop.run();
  EXPECT_EQ(ran, 1011);
}

TEST(EventLoopTest, CancelledEntryLeftInTheHeapNeverRunsTheSlotsNextCallback) {
  EventLoop loop;
  std::vector<int> ran;
  // The cancelled event's heap entry (at 1 ms) outlives it; its slot is reused at once for an
  // event at 5 ms, which must run at 5 ms, once.
  const TimerId id = loop.schedule_at(milliseconds(1), [&] { ran.push_back(1); });
  loop.cancel(id);
  loop.schedule_at(milliseconds(5), [&] { ran.push_back(5); });
  loop.run_until(milliseconds(4));
  EXPECT_TRUE(ran.empty());
  loop.run();
  EXPECT_EQ(ran, std::vector<int>{5});
  EXPECT_EQ(loop.now(), milliseconds(5));
}

TEST(EventLoopTest, RunUntilSetsNowWithNoEventsAndRunsEventsAtTheLimit) {
  EventLoop loop;
  loop.run_until(milliseconds(250));
  EXPECT_EQ(loop.now(), milliseconds(250));
  bool at_limit = false, after = false;
  loop.schedule_at(milliseconds(300), [&] { at_limit = true; });
  loop.schedule_at(milliseconds(300) + nanoseconds(1), [&] { after = true; });
  loop.run_until(milliseconds(300) - nanoseconds(1));
  EXPECT_FALSE(at_limit);
  EXPECT_EQ(loop.now(), milliseconds(300) - nanoseconds(1));
  loop.run_until(milliseconds(300));
  EXPECT_TRUE(at_limit);
  EXPECT_FALSE(after);
  EXPECT_EQ(loop.now(), milliseconds(300));
  loop.run_until(milliseconds(100));  // never backwards
  EXPECT_EQ(loop.now(), milliseconds(300));
  EXPECT_EQ(loop.pending(), 1u);
}

TEST(EventLoopTest, EventsScheduledFromCallbacksAtNowRunAfterThoseAlreadyDue) {
  EventLoop loop;
  std::vector<std::string> order;
  loop.schedule_at(milliseconds(10), [&] {
    order.push_back("a");
    loop.schedule_after(Duration::zero(), [&] {
      order.push_back("c");
      loop.schedule_at(loop.now(), [&] { order.push_back("d"); });
    });
  });
  loop.schedule_at(milliseconds(10), [&] { order.push_back("b"); });
  loop.schedule_at(milliseconds(11), [&] { order.push_back("e"); });
  loop.run_until(milliseconds(10));
  EXPECT_EQ(order, (std::vector<std::string>{"a", "b", "c", "d"}));
  EXPECT_EQ(loop.now(), milliseconds(10));
  loop.run();
  EXPECT_EQ(order.back(), "e");
}

TEST(EventLoopTest, CallbackCanCancelOthersButNotItself) {
  EventLoop loop;
  TimerId self = kNoTimer, other = kNoTimer;
  bool self_cancel = true, other_cancel = false, other_ran = false;
  self = loop.schedule_at(milliseconds(1), [&] {
    self_cancel = loop.cancel(self);
    other_cancel = loop.cancel(other);
  });
  other = loop.schedule_at(milliseconds(1), [&] { other_ran = true; });
  loop.run();
  EXPECT_FALSE(self_cancel);
  EXPECT_TRUE(other_cancel);
  EXPECT_FALSE(other_ran);
}

TEST(EventLoopTest, StopReturnsAfterTheCurrentEventLeavingNowThere) {
  EventLoop loop;
  int ran = 0;
  loop.schedule_at(milliseconds(1), [&] { ++ran; });
  loop.schedule_at(milliseconds(2), [&] {
    ++ran;
    loop.stop();
  });
  loop.schedule_at(milliseconds(2), [&] { ++ran; });
  loop.schedule_at(milliseconds(3), [&] { ++ran; });
  loop.run_until(milliseconds(10));
  EXPECT_EQ(ran, 2);
  EXPECT_EQ(loop.now(), milliseconds(2));
  EXPECT_EQ(loop.pending(), 2u);
  loop.run();  // a later run starts afresh
  EXPECT_EQ(ran, 4);
  EXPECT_EQ(loop.now(), milliseconds(3));
}

TEST(EventLoopTest, StopAlsoEndsRun) {
  EventLoop loop;
  int ran = 0;
  for (int i = 1; i <= 5; ++i) {
    loop.schedule_at(milliseconds(i), [&, i] {
      ++ran;
      if (i == 3) loop.stop();
    });
  }
  loop.run();
  EXPECT_EQ(ran, 3);
  EXPECT_EQ(loop.now(), milliseconds(3));
}

TEST(EventLoopTest, RunOneRunsExactlyOneLiveEvent) {
  EventLoop loop;
  int ran = 0;
  const TimerId first = loop.schedule_at(milliseconds(1), [&] { ran += 1; });
  loop.schedule_at(milliseconds(2), [&] { ran += 10; });
  loop.cancel(first);
  EXPECT_TRUE(loop.run_one());
  EXPECT_EQ(ran, 10);
  EXPECT_EQ(loop.now(), milliseconds(2));
  EXPECT_FALSE(loop.run_one());
}

TEST(EventLoopTest, MassCancellationCompactsAndKeepsOrder) {
  EventLoop loop;
  std::vector<int> ran;
  std::vector<TimerId> ids;
  for (int i = 0; i < 20000; ++i) {
    ids.push_back(loop.schedule_at(nanoseconds(20000 - i), [&ran, i] { ran.push_back(i); }));
  }
  for (int i = 0; i < 20000; ++i) {
    if (i % 10 != 0) {
      EXPECT_TRUE(loop.cancel(ids[i]));
    }
  }
  EXPECT_EQ(loop.pending(), 2000u);
  loop.run();
  ASSERT_EQ(ran.size(), 2000u);
  for (std::size_t k = 0; k < ran.size(); ++k) EXPECT_EQ(ran[k], 19990 - 10 * static_cast<int>(k));
}

TEST(EventLoopTest, DestroyingTheLoopDestroysPendingCallbacks) {
  auto token = std::make_shared<int>(1);
  {
    EventLoop loop;
    loop.schedule_after(milliseconds(1), [token] {});
    EXPECT_EQ(token.use_count(), 2);
  }
  EXPECT_EQ(token.use_count(), 1);
}

TEST(EventLoopDeathTest, SchedulingInThePastAssertsOrRunsAtNow) {
  EventLoop loop;
  loop.run_until(milliseconds(10));
  Instant at{-1};
  EXPECT_DEBUG_DEATH(loop.schedule_at(milliseconds(5), [&] { at = loop.now(); }), "past");
#ifdef NDEBUG
  loop.run();
  EXPECT_EQ(at, milliseconds(10));
#endif
}

// A million random schedule/cancel/run operations against a std::multimap reference model.
TEST(EventLoopTest, RandomOperationsMatchAReferenceModel) {
  EventLoop loop;
  Rng rng(20240611);
  using Key = std::pair<std::int64_t, std::uint64_t>;  // (time, scheduling order)
  std::multimap<Key, std::pair<int, TimerId>> model;   // -> (label, id)
  std::map<TimerId, Key> live_ids;
  std::vector<TimerId> issued;  // every id, live or not
  std::vector<int> fired;
  std::uint64_t order = 0;
  int next_label = 0;

  // Pops what the loop should have run (everything due at or before `limit`, at most `count`).
  auto pop_model = [&](std::int64_t limit, std::size_t count) {
    std::vector<int> expected;
    while (!model.empty() && model.begin()->first.first <= limit && expected.size() < count) {
      expected.push_back(model.begin()->second.first);
      live_ids.erase(model.begin()->second.second);
      model.erase(model.begin());
    }
    return expected;
  };

  for (int op = 0; op < 1'000'000; ++op) {
    const std::uint64_t r = rng.next_below(100);
    if (r < 45) {
      // Small delays so that many events share an instant; a quarter exactly at now.
      const auto delay = static_cast<std::int64_t>(rng.next_below(4) == 0 ? 0 : rng.next_below(64));
      const int label = next_label++;
      // Half through the lane search, half straight to the heap: the order must not differ.
      const TimerId id =
          rng.next_below(2) == 0
              ? loop.schedule_after(nanoseconds(delay), [&fired, label] { fired.push_back(label); })
              : loop.schedule_drawn_after(nanoseconds(delay), [&fired, label] { fired.push_back(label); });
      const Key key{loop.now().count() + delay, order++};
      model.emplace(key, std::make_pair(label, id));
      ASSERT_TRUE(live_ids.emplace(id, key).second) << "id reused while live, op " << op;
      issued.push_back(id);
    } else if (r < 75) {
      if (issued.empty()) continue;
      const TimerId id = issued[rng.next_below(issued.size())];
      const auto it = live_ids.find(id);
      const bool live = it != live_ids.end();
      ASSERT_EQ(loop.cancel(id), live) << "op " << op;
      if (live) {
        model.erase(model.find(it->second));
        live_ids.erase(it);
      }
    } else if (r < 90) {
      const bool any = !model.empty();
      const std::int64_t due = any ? model.begin()->first.first : 0;
      ASSERT_EQ(loop.run_one(), any) << "op " << op;
      if (any) {
        ASSERT_EQ(loop.now().count(), due) << "op " << op;
      }
      ASSERT_EQ(fired, pop_model(due, 1)) << "op " << op;
      fired.clear();
    } else {
      const std::int64_t limit = loop.now().count() + static_cast<std::int64_t>(rng.next_below(48));
      loop.run_until(nanoseconds(limit));
      ASSERT_EQ(fired, pop_model(limit, SIZE_MAX)) << "op " << op;
      fired.clear();
      ASSERT_EQ(loop.now().count(), limit);
    }
    ASSERT_EQ(loop.pending(), model.size()) << "op " << op;
  }
  loop.run();
  EXPECT_EQ(fired, pop_model(std::numeric_limits<std::int64_t>::max(), SIZE_MAX));
  EXPECT_TRUE(model.empty());
}

// try_continue_with(): the continuation is the event right after its callback, at the same
// instant, before the events the rest of the callback schedules at now().
TEST(EventLoopTest, ContinuationRunsRightAfterItsCallbackAndBeforeLaterEventsAtNow) {
  EventLoop loop;
  std::vector<std::pair<std::string, std::int64_t>> trace;
  auto log = [&](const char* what) { trace.emplace_back(what, loop.now().count()); };
  loop.schedule_at(nanoseconds(5), [&] {
    log("a");
    EXPECT_TRUE(loop.try_continue_with([&log] { log("continuation"); }));
    loop.schedule_after(Duration::zero(), [&] { log("zero-delay, scheduled after"); });
    loop.schedule_at(nanoseconds(5), [&] { log("at 5, scheduled after"); });
  });
  loop.schedule_at(nanoseconds(6), [&] { log("b"); });
  loop.run();
  const std::vector<std::pair<std::string, std::int64_t>> expected = {
      {"a", 5}, {"continuation", 5}, {"zero-delay, scheduled after", 5}, {"at 5, scheduled after", 5}, {"b", 6}};
  EXPECT_EQ(trace, expected);
  EXPECT_EQ(loop.events_processed(), 5u) << "a continuation counts as an event";
}

TEST(EventLoopTest, ContinuationIsDeclinedWhereAnEventCouldRunInBetween) {
  EventLoop loop;
  EXPECT_FALSE(loop.try_continue_with([] {})) << "no callback is running";
  int declined = 0, accepted = 0, continuations = 0;
  auto attempt = [&] {
    if (loop.try_continue_with([&continuations] { ++continuations; })) {
      ++accepted;
    } else {
      ++declined;
    }
  };
  // Two events due at 5: the first may not continue (the second must run before anything it
  // would schedule at now()); the second may, once, and its continuation may not continue.
  loop.schedule_at(nanoseconds(5), attempt);
  loop.schedule_at(nanoseconds(5), [&] {
    attempt();
    attempt();  // one is pending already
  });
  loop.schedule_at(nanoseconds(9), [&] {
    EXPECT_TRUE(loop.try_continue_with([&] { attempt(); }));
  });
  loop.run();
  EXPECT_EQ(accepted, 1);
  EXPECT_EQ(declined, 3);
  EXPECT_EQ(continuations, 1);

  // A cancelled event still in the heap at now() also declines (conservatively).
  EventLoop other;
  bool ok = true;
  other.schedule_at(nanoseconds(3), [&] { ok = other.try_continue_with([] {}); });
  const TimerId dead = other.schedule_at(nanoseconds(3), [] {});
  other.schedule_at(nanoseconds(2), [&] { other.cancel(dead); });
  other.run();
  EXPECT_FALSE(ok);
}

TEST(EventLoopTest, StopAfterACallbackStillRunsItsContinuation) {
  EventLoop loop;
  bool continued = false, later = false;
  loop.schedule_at(nanoseconds(5), [&] {
    EXPECT_TRUE(loop.try_continue_with([&continued] { continued = true; }));
    loop.stop();
  });
  loop.schedule_at(nanoseconds(7), [&] { later = true; });
  loop.run_until(nanoseconds(10));
  EXPECT_TRUE(continued);
  EXPECT_FALSE(later);
  EXPECT_EQ(loop.now().count(), 5);
}

TEST(EventLoopTest, CallbackThatThrowsDropsItsContinuation) {
  EventLoop loop;
  bool continued = false;
  loop.schedule_at(nanoseconds(5), [&] {
    EXPECT_TRUE(loop.try_continue_with([&continued] { continued = true; }));
    throw std::runtime_error("model bug");
  });
  loop.schedule_at(nanoseconds(6), [] {});
  EXPECT_THROW(loop.run(), std::runtime_error);
  loop.run();
  EXPECT_FALSE(continued);
  EXPECT_EQ(loop.now().count(), 6);
}

// The same random program twice: events that start a child at once, either as a continuation
// where the loop allows one or always as a zero-delay event. Both runs must run every event
// at the same instant in the same order: a continuation only skips the queue.
TEST(EventLoopTest, ContinuationsRunInExactlyTheOrderOfZeroDelayEvents) {
  struct Program {
    explicit Program(bool allowed) : continue_where_allowed(allowed) {}
    EventLoop loop;
    bool continue_where_allowed;
    std::vector<std::pair<std::uint64_t, std::int64_t>> trace;  // (label, now)
    std::uint64_t continued = 0;
    // Each event's choices depend on its label only, so both runs make the same ones.
    void event(std::uint64_t label) {
      trace.emplace_back(label, loop.now().count());
      if (trace.size() > 200'000) return;
      Rng r(label * 0x9e3779b97f4a7c15ULL + 1);
      const std::uint64_t children = 1 + r.next_below(2);
      for (std::uint64_t c = 0; c < children; ++c) {
        const std::uint64_t child = label * 4 + c + 1;
        const std::uint64_t kind = r.next_below(4);
        if (kind == 0) {
          if (continue_where_allowed && loop.try_continue_with([this, child] { event(child); })) {
            ++continued;
          } else {
            loop.schedule_after(Duration::zero(), [this, child] { event(child); });
          }
        } else {
          // Some delays of 0 or 1 ns, so that events share instants with continuations.
          const std::uint64_t delay = kind == 1 ? r.next_below(2) : 1 + r.next_below(1000);
          loop.schedule_after(nanoseconds(static_cast<std::int64_t>(delay)),
                              [this, child] { event(child); });
        }
      }
    }
    void run() {
      for (std::uint64_t root = 0; root < 64; ++root) {
        loop.schedule_at(nanoseconds(static_cast<std::int64_t>(root * 7)), [this, root] { event(root + (1ULL << 40)); });
      }
      loop.run();
    }
  };
  Program with(/*allowed=*/true), without(/*allowed=*/false);
  with.run();
  without.run();
  EXPECT_GT(with.continued, 1000u) << "the program must exercise continuations";
  EXPECT_EQ(without.continued, 0u);
  ASSERT_EQ(with.trace.size(), without.trace.size());
  EXPECT_TRUE(with.trace == without.trace);
  EXPECT_EQ(with.loop.events_processed(), without.loop.events_processed());
}

// Steady state: a timer wheel of self-rescheduling events, each arming and cancelling a
// timeout, must not allocate at all once the pools have grown.
TEST(EventLoopTest, SteadyStateAllocatesNothingPerEvent) {
  EventLoop loop;
  Rng rng(7);
  std::uint64_t fired = 0;
  struct Actor {
    EventLoop* loop;
    Rng* rng;
    std::uint64_t* fired;
    TimerId timeout = kNoTimer;
    void step() {
      ++*fired;
      if (timeout != kNoTimer) loop->cancel(timeout);
      timeout = loop->schedule_after(std::chrono::seconds(30), [this] { timeout = kNoTimer; });
      loop->schedule_after(nanoseconds(1 + rng->next_below(100'000)), [this] { step(); });
    }
  };
  std::vector<Actor> actors(2000, Actor{&loop, &rng, &fired});
  for (Actor& a : actors) loop.schedule_after(Duration::zero(), [&a] { a.step(); });
  loop.run_until(milliseconds(1));  // warm-up: pools, heap and free list reach their size
  const std::uint64_t events_before = loop.events_processed();
  const std::uint64_t allocations_before = g_allocations.load();
  loop.run_until(milliseconds(21));
  const std::uint64_t allocations = g_allocations.load() - allocations_before;
  const std::uint64_t events = loop.events_processed() - events_before;
  EXPECT_GT(events, 300'000u);
  EXPECT_EQ(allocations, 0u) << "over " << events << " events";
}

}  // namespace
}  // namespace faultline::sim

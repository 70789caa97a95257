// RequestCoalescer<V>: concurrent requests for one key share one execution; a success is
// cached for a TTL (LRU-bounded by max_cache_size); a failure reaches every waiter but is not
// cached. Asynchronous: the executor starts the work and calls its Completion later.
//
//   RequestCoalescer<Stats> c(clock, resolve_coalescer_config(profile, env));
//   c.coalesce("user-stats-123", [](auto complete) { fetch(std::move(complete)); },
//              [](const CoalescedResult<Stats>& r) { ... });   // on a hit: inside coalesce()
//
// Key is std::string (looked up by string_view, no allocation on a hit) or an integer type.
// Expiry is lazy, read from Clock::now() on lookup. No allocation per joined request or hit
// once warmed up. Single-threaded; destroy it only when nothing is in flight.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include "resilience/clock.h"
#include "resilience/coalescer_config.h"
#include "resilience/inplace_function.h"

namespace faultline::resilience {

template <typename V>
struct CoalescedResult {
  bool ok = false;
  V value{};  // delivered on failure too (e.g. an error code), but then never cached
};

namespace coalescer_detail {
struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
}  // namespace coalescer_detail

template <typename V, typename Key = std::string>
class RequestCoalescer {
 public:
  using Result = CoalescedResult<V>;
  using KeyView = std::conditional_t<std::is_same_v<Key, std::string>, std::string_view, Key>;

  // Handed to the executor; call it once with the outcome (later calls are ignored).
  class Completion {
   public:
    void operator()(Result result) const {
      owner_->complete(slot_, generation_, std::move(result));
    }

   private:
    friend class RequestCoalescer;
    Completion(RequestCoalescer* owner, std::uint32_t slot, std::uint32_t generation)
        : owner_(owner), slot_(slot), generation_(generation) {}
    RequestCoalescer* owner_;
    std::uint32_t slot_;
    std::uint32_t generation_;
  };
  using Executor = InplaceFunction<void(Completion), 48>;
  using Done = InplaceFunction<void(const Result&), 48>;

  struct Counters {
    std::uint64_t requests = 0;  // = executions + cache_hits + joined_in_flight
    std::uint64_t executions = 0;
    std::uint64_t cache_hits = 0;
    std::uint64_t joined_in_flight = 0;
    std::uint64_t failures = 0;     // failed executions
    std::uint64_t evictions = 0;    // successes pushed out by max_cache_size
    std::uint64_t expirations = 0;  // successes found past their TTL
  };

  RequestCoalescer(const Clock& clock, CoalescerConfig config) : clock_(clock), config_(config) {}
  RequestCoalescer(const RequestCoalescer&) = delete;
  RequestCoalescer& operator=(const RequestCoalescer&) = delete;

  // A fresh cached success: `done` runs now, inside coalesce(), with a copy of it. The same
  // key in flight: `done` waits for that execution. Otherwise `start` runs now and the result
  // it completes goes to `done` and to everyone who joined, in arrival order, then is cached
  // for `ttl` (the TTL of the request that started it; 0 = not cached) if it succeeded.
  void coalesce(KeyView key, Duration ttl, Executor start, Done done) {
    ++counters_.requests;
    auto it = entries_.find(key);
    if (it == entries_.end()) {
      it = entries_.emplace(Key(key), Entry{}).first;
      it->second.key = &it->first;  // node-based map: the address is stable
    } else if (Entry& e = it->second; e.flight != kNone) {
      ++counters_.joined_in_flight;
      add_waiter(flights_[e.flight], std::move(done));
      return;
    } else if (clock_.now() < e.expires_at) {
      ++counters_.cache_hits;
      lru_unlink(&e);
      lru_push_front(&e);
      const Result copy = e.result;  // `done` may evict the entry while it runs
      done(copy);
      return;
    } else {
      ++counters_.expirations;  // reuse the entry for a new execution
      lru_unlink(&e);
      --cached_;
    }
    start_flight(&it->second, ttl, std::move(start), std::move(done));
  }
  void coalesce(KeyView key, Executor start, Done done) {
    coalesce(key, config_.ttl, std::move(start), std::move(done));
  }

  // Drops every cached success; executions in flight carry on.
  void clear_cache() {
    while (lru_tail_ != nullptr) evict(lru_tail_);
  }

  std::size_t cached() const { return cached_; }
  std::size_t in_flight() const { return entries_.size() - cached_; }
  const Counters& counters() const { return counters_; }
  const CoalescerConfig& config() const { return config_; }

 private:
  static constexpr std::uint32_t kNone = ~std::uint32_t{0};
  struct Entry {
    const Key* key = nullptr;
    Result result{};
    Instant expires_at{};
    Entry* newer = nullptr;  // LRU list of cached entries, most recent first
    Entry* older = nullptr;
    std::uint32_t flight = kNone;  // index in flights_ while executing
  };
  struct Flight {
    Entry* entry = nullptr;
    Duration ttl{};
    std::uint32_t generation = 1;
    std::uint32_t first = kNone;  // waiters, a singly linked list in arrival order
    std::uint32_t last = kNone;
  };
  struct Waiter {
    Done done;
    std::uint32_t next = kNone;
  };
  using Hash = std::conditional_t<std::is_same_v<Key, std::string>, coalescer_detail::StringHash,
                                  std::hash<Key>>;
  using Map = std::unordered_map<Key, Entry, Hash, std::equal_to<>>;

  void start_flight(Entry* e, Duration ttl, Executor start, Done done) {
    ++counters_.executions;
    const std::uint32_t slot = take(flights_, free_flights_);
    Flight& f = flights_[slot];
    f.entry = e;
    f.ttl = ttl;
    f.first = f.last = kNone;
    e->flight = slot;
    add_waiter(f, std::move(done));
    start(Completion(this, slot, f.generation));
  }

  void complete(std::uint32_t slot, std::uint32_t generation, Result result) {
    if (slot >= flights_.size() || flights_[slot].generation != generation) return;
    Flight& f = flights_[slot];
    Entry* e = f.entry;
    std::uint32_t w = f.first;
    const Duration ttl = f.ttl;
    if (++f.generation == 0) f.generation = 1;
    f.entry = nullptr;
    free_flights_.push_back(slot);
    e->flight = kNone;
    if (!result.ok) ++counters_.failures;
    if (result.ok && ttl > Duration::zero() && config_.max_cache_size > 0) {
      e->result = result;
      e->expires_at = clock_.now() + ttl;
      lru_push_front(e);
      ++cached_;
      while (cached_ > config_.max_cache_size) {
        ++counters_.evictions;
        evict(lru_tail_);
      }
    } else {
      entries_.erase(entries_.find(*e->key));
    }
    // Deliver from the local copy: a waiter may start, hit or evict this key meanwhile.
    while (w != kNone) {
      const std::uint32_t next = waiters_[w].next;
      Done done = std::move(waiters_[w].done);
      waiters_[w].done = nullptr;
      free_waiters_.push_back(w);
      done(result);
      w = next;
    }
  }

  void add_waiter(Flight& f, Done done) {
    const std::uint32_t w = take(waiters_, free_waiters_);
    waiters_[w].done = std::move(done);
    waiters_[w].next = kNone;
    if (f.last == kNone) {
      f.first = w;
    } else {
      waiters_[f.last].next = w;
    }
    f.last = w;
  }

  template <typename T>
  static std::uint32_t take(std::vector<T>& slab, std::vector<std::uint32_t>& free) {
    if (free.empty()) {
      slab.emplace_back();
      return static_cast<std::uint32_t>(slab.size() - 1);
    }
    const std::uint32_t i = free.back();
    free.pop_back();
    return i;
  }

  void evict(Entry* e) {
    lru_unlink(e);
    --cached_;
    entries_.erase(entries_.find(*e->key));
  }
  void lru_push_front(Entry* e) {
    e->newer = nullptr;
    e->older = lru_head_;
    if (lru_head_ != nullptr) lru_head_->newer = e;
    lru_head_ = e;
    if (lru_tail_ == nullptr) lru_tail_ = e;
  }
  void lru_unlink(Entry* e) {
    (e->newer != nullptr ? e->newer->older : lru_head_) = e->older;
    (e->older != nullptr ? e->older->newer : lru_tail_) = e->newer;
    e->newer = e->older = nullptr;
  }

  const Clock& clock_;
  CoalescerConfig config_;
  Map entries_;  // cached successes and executions in flight
  std::vector<Flight> flights_;
  std::vector<std::uint32_t> free_flights_;
  std::vector<Waiter> waiters_;
  std::vector<std::uint32_t> free_waiters_;
  Entry* lru_head_ = nullptr;
  Entry* lru_tail_ = nullptr;
  std::size_t cached_ = 0;
  Counters counters_;
};

}  // namespace faultline::resilience

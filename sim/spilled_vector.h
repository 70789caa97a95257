// SpilledVector<T>: an append-only sequence of small trivially copyable records (the timeline's
// per-second rows) whose memory does not grow with its length. Records are gathered in blocks
// of 32 KiB; a full block is written to an anonymous temporary file (unlinked at creation, so
// nothing is left behind even on SIGKILL) and read back on demand through a small cache of
// blocks. A day of seconds costs the same memory as a minute.
//
//   SpilledVector<TimelineRow> rows;
//   rows.push_back(row);              // once per virtual second
//   for (const TimelineRow& r : rows) ...;   // or rows[i], rows.size()
//
// Reads are cheap when they walk forward, or keep up to kCacheBlocks positions at once (a
// sliding window reads its head and its tail). When no temporary file can be created (no
// writable TMPDIR), full blocks stay in memory: correct, no longer flat.
//
// Not thread-safe, even for reads (they fill the cache); one run's results are read on one
// thread.
#pragma once

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <memory>
#include <type_traits>
#include <vector>

namespace faultline::sim {

// The untyped part: the temporary file (or the in-memory fallback) holding full blocks.
class BlockStore {
 public:
  explicit BlockStore(std::size_t block_bytes);
  ~BlockStore();
  BlockStore(const BlockStore&) = delete;
  BlockStore& operator=(const BlockStore&) = delete;
  BlockStore(BlockStore&& other) noexcept;
  BlockStore& operator=(BlockStore&& other) noexcept;

  // Appends block number blocks() (exactly block_bytes bytes).
  void write(const void* data);
  // Copies block `index` (< blocks()) into `out`.
  void read(std::size_t index, void* out) const;
  std::size_t blocks() const { return blocks_; }
  // True when blocks go to a temporary file (false: the in-memory fallback).
  bool on_disk() const { return fd_ >= 0; }

 private:
  std::size_t block_bytes_;
  std::size_t blocks_ = 0;
  int fd_ = -1;
  std::vector<std::unique_ptr<unsigned char[]>> memory_;  // the fallback
};

template <typename T>
class SpilledVector {
  static_assert(std::is_trivially_copyable_v<T>, "records are written to a file as bytes");

 public:
  static constexpr std::size_t kBlock = sizeof(T) >= 32768 ? 1 : 32768 / sizeof(T);
  static constexpr std::size_t kCacheBlocks = 4;

  SpilledVector() : store_(kBlock * sizeof(T)) { tail_.reserve(kBlock); }

  void push_back(const T& value) {
    tail_.push_back(value);
    if (tail_.size() == kBlock) {
      store_.write(tail_.data());
      tail_.clear();
    }
  }
  std::size_t size() const { return store_.blocks() * kBlock + tail_.size(); }
  bool empty() const { return size() == 0; }
  T operator[](std::size_t i) const {
    assert(i < size());
    const std::size_t block = i / kBlock;
    if (block == store_.blocks()) return tail_[i % kBlock];
    return cached(block)[i % kBlock];
  }
  T back() const { return (*this)[size() - 1]; }
  bool on_disk() const { return store_.on_disk(); }

  class const_iterator {
   public:
    using iterator_category = std::input_iterator_tag;
    using value_type = T;
    using difference_type = std::ptrdiff_t;
    using pointer = const T*;
    using reference = T;
    const_iterator(const SpilledVector* v, std::size_t i) : v_(v), i_(i) {}
    T operator*() const { return (*v_)[i_]; }
    const_iterator& operator++() {
      ++i_;
      return *this;
    }
    bool operator==(const const_iterator& o) const { return i_ == o.i_; }
    bool operator!=(const const_iterator& o) const { return i_ != o.i_; }

   private:
    const SpilledVector* v_;
    std::size_t i_;
  };
  const_iterator begin() const { return {this, 0}; }
  const_iterator end() const { return {this, size()}; }

 private:
  struct Slot {
    std::size_t block = SIZE_MAX;
    std::uint64_t used = 0;
    std::vector<T> data;
  };

  // The block's records, from the cache or read into its least recently used slot.
  const T* cached(std::size_t block) const {
    Slot* victim = &cache_[0];
    for (Slot& s : cache_) {
      if (s.block == block) {
        s.used = ++clock_;
        return s.data.data();
      }
      if (s.used < victim->used) victim = &s;
    }
    victim->data.resize(kBlock);
    store_.read(block, victim->data.data());
    victim->block = block;
    victim->used = ++clock_;
    return victim->data.data();
  }

  BlockStore store_;
  std::vector<T> tail_;  // the block being filled
  mutable Slot cache_[kCacheBlocks];
  mutable std::uint64_t clock_ = 0;
};

}  // namespace faultline::sim

// IndexRing: a growable FIFO of 64-bit entries (slot numbers) on a power-of-two ring buffer.
// Used for the API's and the dependencies' wait queues: no allocation once it has grown to the
// peak queue length, O(1) push and pop.
//
//   IndexRing q; q.push(7); std::uint64_t i = q.pop();
#pragma once

#include <cassert>
#include <cstdint>
#include <vector>

namespace faultline::sim {

class IndexRing {
 public:
  IndexRing() : buf_(16) {}
  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }
  void push(std::uint64_t v) {
    if (size_ == buf_.size()) grow();
    buf_[(head_ + size_) & (buf_.size() - 1)] = v;
    ++size_;
  }
  std::uint64_t front() const {
    assert(size_ > 0);
    return buf_[head_];
  }
  std::uint64_t pop() {
    assert(size_ > 0);
    const std::uint64_t v = buf_[head_];
    head_ = (head_ + 1) & (buf_.size() - 1);
    --size_;
    return v;
  }

 private:
  void grow() {
    std::vector<std::uint64_t> bigger(buf_.size() * 2);
    for (std::size_t i = 0; i < size_; ++i) bigger[i] = buf_[(head_ + i) & (buf_.size() - 1)];
    buf_.swap(bigger);
    head_ = 0;
  }
  std::vector<std::uint64_t> buf_;
  std::size_t head_ = 0;
  std::size_t size_ = 0;
};

}  // namespace faultline::sim

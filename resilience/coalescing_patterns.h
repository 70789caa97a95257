// CoalescingPatterns: the guide's ready-made coalescing keys and TTLs.
//   user_request:       key "user:<id>:<kind>",               TTL 30 s
//   ai_recommendations: key "ai_recommendations:<id>:<kind>", TTL 30 min
//
//   CoalescingPatterns::user_request(coalescer, "123", "profile", start, done);
//
// Keys are built in a stack buffer (no allocation for ids and kinds up to ~100 characters).
// Single-threaded, like the coalescer.
#pragma once

#include <array>
#include <chrono>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>

#include "resilience/request_coalescer.h"

namespace faultline::resilience {

struct CoalescingPatterns {
  static constexpr Duration kUserRequestTtl = std::chrono::seconds(30);
  static constexpr Duration kAiRecommendationsTtl = std::chrono::minutes(30);

  static std::string user_request_key(std::string_view user_id, std::string_view kind) {
    return std::string(KeyBuilder("user", user_id, kind).view());
  }
  static std::string ai_recommendations_key(std::string_view user_id, std::string_view kind) {
    return std::string(KeyBuilder("ai_recommendations", user_id, kind).view());
  }

  template <typename V>
  static void user_request(RequestCoalescer<V>& coalescer, std::string_view user_id,
                           std::string_view kind, typename RequestCoalescer<V>::Executor start,
                           typename RequestCoalescer<V>::Done done) {
    const KeyBuilder key("user", user_id, kind);
    coalescer.coalesce(key.view(), kUserRequestTtl, std::move(start), std::move(done));
  }

  template <typename V>
  static void ai_recommendations(RequestCoalescer<V>& coalescer, std::string_view user_id,
                                 std::string_view kind,
                                 typename RequestCoalescer<V>::Executor start,
                                 typename RequestCoalescer<V>::Done done) {
    const KeyBuilder key("ai_recommendations", user_id, kind);
    coalescer.coalesce(key.view(), kAiRecommendationsTtl, std::move(start), std::move(done));
  }

 private:
  // "<prefix>:<id>:<kind>" in a fixed buffer, or on the heap when it does not fit.
  class KeyBuilder {
   public:
    KeyBuilder(std::string_view prefix, std::string_view id, std::string_view kind) {
      size_ = prefix.size() + id.size() + kind.size() + 2;
      char* out = buf_.data();
      if (size_ > buf_.size()) {
        heap_.resize(size_);
        out = heap_.data();
      }
      for (std::string_view part :
           {prefix, std::string_view(":"), id, std::string_view(":"), kind}) {
        std::memcpy(out, part.data(), part.size());
        out += part.size();
      }
    }
    std::string_view view() const {
      return {size_ > buf_.size() ? heap_.data() : buf_.data(), size_};
    }

   private:
    std::array<char, 128> buf_{};
    std::string heap_;
    std::size_t size_ = 0;
  };
};

}  // namespace faultline::resilience

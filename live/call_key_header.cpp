#include "live/call_key_header.h"

#include <charconv>

namespace faultline::live {

namespace {

// Parses one decimal field of `text` from `pos` up to `stop` (or the end): digits only.
template <typename T>
bool parse_field(std::string_view text, std::size_t& pos, char stop, T& out) {
  const std::size_t end = stop == '\0' ? text.size() : text.find(stop, pos);
  if (end == std::string_view::npos || end == pos) return false;
  const char* first = text.data() + pos;
  const char* last = text.data() + end;
  if (*first == '+' || *first == '-') return false;
  const auto [ptr, ec] = std::from_chars(first, last, out);
  if (ec != std::errc() || ptr != last) return false;
  pos = end + 1;
  return true;
}

}  // namespace

std::string format_call_key(const sim::CallKey& key) {
  return std::to_string(key.request) + "." + std::to_string(key.step) + "." + std::to_string(key.attempt);
}

std::optional<sim::CallKey> parse_call_key(std::string_view text) {
  sim::CallKey key;
  std::size_t pos = 0;
  if (!parse_field(text, pos, '.', key.request)) return std::nullopt;
  if (!parse_field(text, pos, '.', key.step)) return std::nullopt;
  if (!parse_field(text, pos, '\0', key.attempt)) return std::nullopt;
  return key;
}

std::optional<std::uint64_t> parse_request_number(std::string_view text) {
  std::uint64_t n = 0;
  std::size_t pos = 0;
  if (!parse_field(text, pos, '\0', n)) return std::nullopt;
  return n;
}

}  // namespace faultline::live

// The headers that carry the simulator's keys over HTTP in live mode, so the live services
// draw from the same keyed streams as the simulation (sim/call_draws.h):
//   X-Faultline-Request: <request>                  load generator -> API (the plan's number)
//   X-Faultline-Call: <request>.<step>.<attempt>    API -> fault proxy -> dependency emulator
//
//   request.headers.emplace_back(kCallKeyHeader, format_call_key({.request = 17, .step = 1}));
//   std::optional<sim::CallKey> key = parse_call_key(header_value(request, kCallKeyHeader));
//
// Pure. A malformed value (not three decimal numbers in range, anything around them) reads as
// absent: the receiver falls back to call order, as for a service that sends no header.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "sim/call_key.h"

namespace faultline::live {

inline constexpr std::string_view kCallKeyHeader = "X-Faultline-Call";
inline constexpr std::string_view kRequestHeader = "X-Faultline-Request";

// "<request>.<step>.<attempt>" in decimal.
std::string format_call_key(const sim::CallKey& key);
std::optional<sim::CallKey> parse_call_key(std::string_view text);

// A request number: decimal, nothing around it.
std::optional<std::uint64_t> parse_request_number(std::string_view text);

}  // namespace faultline::live

#include "live/reference_service.h"

#include <algorithm>
#include <charconv>
#include <optional>

#include "live/call_key_header.h"
#include "live/wall_clock_driver.h"
#include "sim/api_model.h"

namespace faultline::live {

void parse_target(const std::string& target, std::string& path, std::uint64_t& user) {
  const auto q = target.find('?');
  path = target.substr(0, q);
  user = 0;
  if (q == std::string::npos) return;
  const auto u = target.find("user=", q);
  if (u == std::string::npos) return;
  const char* begin = target.data() + u + 5;
  std::from_chars(begin, target.data() + target.size(), user);
}

ReferenceService::ReferenceService(boost::asio::io_context& io, WallClockDriver& driver, sim::ApiModel& api)
    : driver_(driver), api_(api), server_(io, [this](HttpRequest r, Responder respond) { on_request(r, respond); }) {
  for (const auto& ep : api_.endpoints()) paths_.push_back("/" + ep.name);
}

void ReferenceService::on_request(const HttpRequest& request, const Responder& respond) {
  std::string path;
  std::uint64_t user = 0;
  parse_target(request.target, path, user);
  const auto it = std::find(paths_.begin(), paths_.end(), path);
  if (it == paths_.end()) {
    respond(HttpResponse(404, R"({"error":"no such endpoint"})"));
    return;
  }
  const auto endpoint = static_cast<std::uint32_t>(it - paths_.begin());
  const std::optional<std::uint64_t> planned = parse_request_number(header_value(request, kRequestHeader));
  const std::uint64_t number = planned ? *planned : next_unplanned_++;
  driver_.deliver([&] {
    api_.submit(endpoint, user, number, [this, respond] {
      const sim::ApiModel::Outcome& o = api_.last_outcome();
      respond(HttpResponse(o.status, std::string(R"({"success":)") + (o.success ? "true" : "false") +
                                         R"(,"degraded":)" + (o.degraded ? "true" : "false") + "}"));
    });
  });
}

}  // namespace faultline::live

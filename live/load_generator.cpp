#include "live/load_generator.h"

#include <algorithm>

#include "live/call_key_header.h"
#include "live/wall_clock_driver.h"
#include "sim/status.h"

namespace faultline::live {

ClientOutcome client_outcome(const HttpResult& result, int expected_status) {
  ClientOutcome o;
  switch (result.error) {
    case TransportError::kNone:
      o.status = result.status;
      o.success = result.status == expected_status && result.body.find("\"success\":false") == std::string::npos;
      o.degraded = o.success && result.body.find("\"degraded\":true") != std::string::npos;
      return o;
    case TransportError::kTimeout: o.status = sim::kStatusClientTimeout; return o;
    default: o.status = sim::kStatusNoAnswer; return o;
  }
}

LiveLoad::LiveLoad(boost::asio::io_context& io, WallClockDriver& driver, sim::EventLoop& loop, sim::Metrics& metrics,
                   std::vector<LiveEndpoint> endpoints)
    : io_(io), driver_(driver), loop_(loop), metrics_(metrics), endpoints_(std::move(endpoints)) {}

LiveLoad::~LiveLoad() = default;

void LiveLoad::set_target(Upstream target) { client_ = std::make_unique<HttpClient>(io_, std::move(target), 4096); }

void LiveLoad::submit(std::uint32_t endpoint, std::uint64_t user, std::uint64_t request, Answered answered) {
  // Runs inside the world at the planned instant: loop_.now() is the plan, the wall clock is
  // when it is actually sent.
  const Instant planned = loop_.now();
  const std::uint64_t id = next_id_++;
  pending_.emplace(id, Pending{planned, endpoint, user, request, std::move(answered)});
  metrics_.on_request_issued(planned);
  if (!started_) {
    deferred_.push_back(id);
    return;
  }
  send(id);
}

void LiveLoad::start() {
  started_ = true;
  for (const std::uint64_t id : deferred_) send(id);
  deferred_.clear();
}

void LiveLoad::send(std::uint64_t id) {
  const Pending& p = pending_.at(id);
  lags_ns_.push_back(std::max<std::int64_t>(0, (driver_.wall_now() - p.issued).count()));
  const std::uint64_t user = p.user;
  const LiveEndpoint& ep = endpoints_[p.endpoint];
  const auto timeout = ep.client_timeout.count() > 0 ? ep.client_timeout : std::chrono::nanoseconds(std::chrono::minutes(10));
  HttpRequest request{"GET", ep.path + "?user=" + std::to_string(user), ""};
  request.headers.emplace_back(kRequestHeader, std::to_string(p.request));
  client_->request(std::move(request), timeout, [this, id](const HttpResult& r) { on_answer(id, r); });
}

void LiveLoad::on_answer(std::uint64_t id, const HttpResult& result) {
  if (result.error == TransportError::kCancelled) return;  // shutting down: stays unfinished
  const auto it = pending_.find(id);
  if (it == pending_.end()) return;
  Pending p = std::move(it->second);
  pending_.erase(it);
  const ClientOutcome o = client_outcome(result, endpoints_[p.endpoint].expected_status);
  driver_.deliver([&] {
    metrics_.on_request_done(p.issued, loop_.now(), o.status, o.success, o.degraded, p.endpoint);
    if (p.answered) p.answered();
  });
}

void LiveLoad::close() {
  if (client_ != nullptr) client_->close();
}

SendLag LiveLoad::lag() const {
  SendLag l;
  l.sends = lags_ns_.size();
  if (lags_ns_.empty()) return l;
  std::vector<std::int64_t> v = lags_ns_;
  std::sort(v.begin(), v.end());
  double sum = 0;
  for (auto x : v) sum += static_cast<double>(x);
  l.mean_ms = sum / static_cast<double>(v.size()) / 1e6;
  l.p99_ms = static_cast<double>(v[std::min(v.size() - 1, v.size() * 99 / 100)]) / 1e6;
  l.max_ms = static_cast<double>(v.back()) / 1e6;
  return l;
}

}  // namespace faultline::live

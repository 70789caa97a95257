#include "live/http_dependency.h"

#include "live/call_key_header.h"
#include "live/wall_clock_driver.h"

namespace faultline::live {

sim::CallStatus call_status(const HttpResult& result) {
  switch (result.error) {
    case TransportError::kNone:
      if (result.status == 200) return sim::CallStatus::kOk;
      if (result.status == 503) return sim::CallStatus::kRejected;
      return sim::CallStatus::kError;
    case TransportError::kRefused: return sim::CallStatus::kRefused;
    default: return sim::CallStatus::kError;
  }
}

HttpDependency::HttpDependency(boost::asio::io_context& io, WallClockDriver& driver,
                               std::chrono::nanoseconds transport_timeout)
    : io_(io), driver_(driver), transport_timeout_(transport_timeout) {}

void HttpDependency::set_upstream(Upstream upstream) {
  client_ = std::make_unique<HttpClient>(io_, std::move(upstream), 4096);
}

sim::CallId HttpDependency::call(Done done, const sim::CallOptions& options) {
  const sim::CallId id = next_id_++;
  pending_.emplace(id, std::move(done));
  HttpRequest request{"GET", "/", ""};
  // The call's name, so that the fault proxy and the emulator draw its fate as the simulator does.
  if (options.key) request.headers.emplace_back(kCallKeyHeader, format_call_key(*options.key));
  requests_[id] = client_->request(std::move(request), transport_timeout_,
                                   [this, id](const HttpResult& r) { answered(id, r); });
  return id;
}

void HttpDependency::abandon(sim::CallId id) {
  pending_.erase(id);
  const auto it = requests_.find(id);
  if (it == requests_.end()) return;
  const std::uint64_t request = it->second;
  requests_.erase(it);
  client_->cancel(request);  // runs answered() with kCancelled: ignored
}

void HttpDependency::answered(sim::CallId id, const HttpResult& result) {
  requests_.erase(id);
  if (result.error == TransportError::kCancelled) return;  // shutting down, or abandoned
  const auto it = pending_.find(id);
  if (it == pending_.end()) return;  // abandoned: the answer reaches nobody
  Done done = std::move(it->second);
  pending_.erase(it);
  const sim::CallStatus status = call_status(result);
  driver_.deliver([&] { done(status); });
}

}  // namespace faultline::live

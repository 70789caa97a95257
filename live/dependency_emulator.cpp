#include "live/dependency_emulator.h"

#include <utility>

#include "live/call_key_header.h"
#include "sim/status.h"

namespace faultline::live {

DependencyEmulator::DependencyEmulator(boost::asio::io_context& io, Scheduler& scheduler,
                                       experiments::DependencyConfig config, std::uint64_t seed)
    : scheduler_(scheduler),
      config_(std::move(config)),
      draws_(seed, "dependency/" + config_.name),
      concurrency_(config_.concurrency),
      server_(io, [this](HttpRequest request, Responder respond) { on_request(request, std::move(respond)); }) {}

DependencyEmulator::~DependencyEmulator() { stop(); }

std::uint16_t DependencyEmulator::listen(std::uint16_t port) { return server_.listen(port); }

void DependencyEmulator::stop() {
  server_.stop();
  for (auto& [call, entry] : in_service_) scheduler_.cancel(entry.timer);
  in_service_.clear();
  queue_.clear();
  busy_ = 0;
}

void DependencyEmulator::on_request(const HttpRequest& request, Responder respond) {
  Waiting call{std::move(respond), parse_call_key(header_value(request, kCallKeyHeader))};
  if (busy_ < concurrency_) return start_service(std::move(call));
  if (config_.queue_limit.has_value() && static_cast<std::int64_t>(queue_.size()) >= *config_.queue_limit) {
    ++rejected_;
    call.respond({sim::kStatusUnavailable, R"({"error":"queue full"})"});
    return;
  }
  const std::uint64_t waiter = ++next_waiter_;
  call.waiter = waiter;
  call.respond.on_client_gone([this, waiter] { drop_queued(waiter); });
  queue_.push_back(std::move(call));
}

// The client closed its connection while its call waited: as the model's abandon, the call
// leaves the queue (a linear search: queues are short, and this is not the model's hot loop).
// Once in service it is no longer here and keeps its server to the end of its service time.
void DependencyEmulator::drop_queued(std::uint64_t waiter) {
  for (auto it = queue_.begin(); it != queue_.end(); ++it) {
    if (it->waiter != waiter) continue;
    queue_.erase(it);
    ++abandoned_;
    return;
  }
}

void DependencyEmulator::start_service(Waiting waiting) {
  ++busy_;
  sim::Rng& rng = draws_.for_call(waiting.key);
  const Duration service = config_.latency.sample(rng);
  std::optional<bool> fail;
  if (waiting.key) fail = config_.error_rate > 0 && rng.bernoulli(config_.error_rate);  // as the model
  const std::uint64_t call = ++next_call_;
  const TimerId timer = scheduler_.schedule_after(service, [this, call] { finish_service(call); });
  in_service_.emplace(call, InService{std::move(waiting.respond), timer, fail});
}

void DependencyEmulator::finish_service(std::uint64_t call) {
  const auto it = in_service_.find(call);
  if (it == in_service_.end()) return;
  Responder respond = std::move(it->second.respond);
  const std::optional<bool> keyed_fail = it->second.fail;
  in_service_.erase(it);
  // An unkeyed call's error is drawn for every call, as the model does, so that one outcome
  // never shifts the next.
  const bool fail = keyed_fail ? *keyed_fail : config_.error_rate > 0 && draws_.ordered().bernoulli(config_.error_rate);
  --busy_;
  ++served_;
  if (fail) {
    ++failed_;
    respond({sim::kStatusInternalError, R"({"error":"emulated error"})"});
  } else {
    respond({200, R"({"dependency":")" + config_.name + R"("})"});
  }
  start_queued();
}

void DependencyEmulator::start_queued() {
  while (busy_ < concurrency_ && !queue_.empty()) {
    Waiting next = std::move(queue_.front());
    queue_.pop_front();
    start_service(std::move(next));
  }
}

void DependencyEmulator::set_concurrency(int concurrency) {
  concurrency_ = concurrency;
  start_queued();
}

}  // namespace faultline::live

#include "live/fault_proxy.h"

#include <optional>
#include <utility>

#include "faults/call_fate.h"
#include "faults/capacity_schedule.h"
#include "live/call_key_header.h"
#include "live/fault_schedule.h"
#include "sim/status.h"

namespace faultline::live {

FaultProxy::FaultProxy(boost::asio::io_context& io, Scheduler& scheduler, FaultProxyOptions options)
    : scheduler_(scheduler),
      options_(std::move(options)),
      server_(io, [this](HttpRequest request, Responder respond) { on_request(std::move(request), std::move(respond)); }),
      client_(io, options_.upstream),
      capacity_(options_.base_concurrency),
      hits_(options_.faults.size(), 0) {}

FaultProxy::~FaultProxy() { stop(); }

std::uint16_t FaultProxy::start() {
  port_ = server_.listen(options_.listen_port);
  t0_ = scheduler_.now();
  started_ = true;
  apply_schedule();
  return port_;
}

void FaultProxy::stop() {
  if (!started_) return;
  started_ = false;
  if (edge_timer_ != kNoTimer) scheduler_.cancel(edge_timer_);
  edge_timer_ = kNoTimer;
  for (auto& [n, d] : delayed_) scheduler_.cancel(d.timer);
  delayed_.clear();
  waiting_.clear();
  server_.stop();
  client_.close();
}

// Applies the state in force now (listening or refusing, capacity) and arms the next edge.
void FaultProxy::apply_schedule() {
  edge_timer_ = kNoTimer;
  const Instant t = now();
  const bool refuse = live::refusing(options_.faults, t);
  if (refuse && !refusing_) {
    // As a crashed server: nothing listens. Requests in flight still get their answers, each
    // closing its connection; idle kept-alive connections are closed now.
    server_.stop_listening();
    server_.set_keep_alive(false);
    server_.close_idle_connections();
  } else if (!refuse && refusing_) {
    server_.set_keep_alive(true);
    server_.listen(port_);
  }
  if (refuse != refusing_ && options_.log) options_.log(t, refuse ? "refusing connections" : "accepting connections");
  refusing_ = refuse;
  const int capacity = faults::capacity_at(options_.faults, t, options_.base_concurrency);
  if (capacity != capacity_) {
    capacity_ = capacity;
    if (options_.log) {
      options_.log(t, capacity == options_.base_concurrency ? std::string("capacity restored")
                                                             : "capacity " + std::to_string(capacity));
    }
    start_waiting();
  }
  arm_next_edge();
}

void FaultProxy::arm_next_edge() {
  const auto next = next_edge(options_.faults, now());
  if (!next) return;
  edge_timer_ = scheduler_.schedule_after(*next - now(), [this] { apply_schedule(); });
}

void FaultProxy::on_request(HttpRequest request, Responder respond) {
  const Instant t = now();
  const std::optional<sim::CallKey> key = parse_call_key(header_value(request, kCallKeyHeader));
  const faults::CallFate fate = faults::decide_call_fate(options_.faults, options_.draws, t, key, [this](const faults::Fault& f) {
    for (std::size_t i = 0; i < options_.faults.size(); ++i) {
      if (&options_.faults[i] == &f) ++hits_[i];
    }
  });
  if (fate.refuse || refusing_) return respond.reset();
  if (fate.hang) {
    ++held_;  // never answered: the connection stays open until the client leaves
    respond.on_client_gone({});
    return;
  }
  const std::uint64_t number = ++next_call_;
  respond.on_client_gone([this, number] { client_gone(number); });
  Call call{std::move(request), std::move(respond), fate.fail, fate.status, fate.add, fate.service_scale, number};
  if (forwarding_ < capacity_) return forward(std::move(call));
  if (options_.queue_limit && static_cast<std::int64_t>(waiting_.size()) >= *options_.queue_limit) {
    call.respond({sim::kStatusUnavailable, R"({"error":"queue full"})"});
    return;
  }
  // Counted as the capacity fault's hit when it is what makes the call wait (as the model).
  if (const faults::Fault* f = faults::capacity_fault_in_the_way(options_.faults, t, forwarding_, options_.base_concurrency)) {
    ++hits_[static_cast<std::size_t>(f - options_.faults.data())];
  }
  waiting_.push_back(std::move(call));
}

void FaultProxy::start_waiting() {
  while (forwarding_ < capacity_ && !waiting_.empty()) {
    Call next = std::move(waiting_.front());
    waiting_.pop_front();
    forward(std::move(next));
  }
}

void FaultProxy::client_gone(std::uint64_t number) {
  for (auto it = waiting_.begin(); it != waiting_.end(); ++it) {
    if (it->number != number) continue;
    waiting_.erase(it);
    return;
  }
  const auto it = upstream_.find(number);
  if (it == upstream_.end()) return;
  const std::uint64_t request = it->second;
  upstream_.erase(it);
  client_.cancel(request);  // its callback runs now, with kCancelled
}

void FaultProxy::forward(Call call) {
  ++forwarding_;
  const std::uint64_t number = call.number;
  Responder respond = call.respond;
  const bool fail = call.fail;
  const int fail_status = call.status;
  const Duration add = call.add;
  const double scale = call.scale;
  upstream_[number] = client_.request(std::move(call.request), options_.upstream_timeout,
                  [this, respond, fail, fail_status, add, scale, number](const HttpResult& r) {
    upstream_.erase(number);
    --forwarding_;
    start_waiting();
    if (!started_) return;
    switch (r.error) {
      case TransportError::kNone: break;
      case TransportError::kTimeout: return;  // the upstream hangs: so does the proxy
      default: return respond.reset();
    }
    HttpResponse response(r.status, r.body);
    if (fail && r.status >= 200 && r.status < 300) {
      response = HttpResponse(fail_status != 0 ? fail_status : sim::kStatusInternalError, R"({"error":"injected"})");
    }
    // Slowdown: the upstream's own time stretched by the factor, minus what it already took.
    Duration delay = add;
    if (scale > 1) delay += Duration(static_cast<std::int64_t>(static_cast<double>(r.elapsed.count()) * (scale - 1)));
    if (delay.count() <= 0) return respond(std::move(response));
    const std::uint64_t n = ++next_delayed_;
    const TimerId timer = scheduler_.schedule_after(delay, [this, n] {
      const auto it = delayed_.find(n);
      if (it == delayed_.end()) return;
      Delayed d = std::move(it->second);
      delayed_.erase(it);
      d.respond(std::move(d.response));
    });
    delayed_.emplace(n, Delayed{respond, std::move(response), timer});
  });
}

}  // namespace faultline::live

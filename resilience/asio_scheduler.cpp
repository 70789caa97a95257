#include "resilience/asio_scheduler.h"

namespace faultline::resilience {

AsioScheduler::AsioScheduler(boost::asio::io_context& io)
    : timer_(io), start_(std::chrono::steady_clock::now()) {}

Instant AsioScheduler::now() const {
  return std::chrono::duration_cast<Duration>(std::chrono::steady_clock::now() - start_);
}

TimerId AsioScheduler::schedule_after(Duration delay, Callback cb) {
  const TimerId id = ++last_id_;
  const Instant due = now() + (delay.count() < 0 ? Duration::zero() : delay);
  queue_.emplace(Key{due, id}, std::move(cb));
  due_.emplace(id, due);
  arm();
  return id;
}

bool AsioScheduler::cancel(TimerId id) {
  const auto it = due_.find(id);
  if (it == due_.end()) return false;
  queue_.erase(Key{it->second, id});
  due_.erase(it);
  arm();
  return true;
}

void AsioScheduler::arm() {
  if (queue_.empty()) {
    if (armed_for_.has_value()) {
      armed_for_.reset();
      ++wake_;
      timer_.cancel();
    }
    return;
  }
  const Instant head = queue_.begin()->first.first;
  if (armed_for_ == head) return;
  armed_for_ = head;
  timer_.expires_at(start_ + head);  // cancels the previous wait, if any
  timer_.async_wait([this, wake = ++wake_](const boost::system::error_code& ec) {
    // An aborted wait may be delivered after this scheduler is gone: touch nothing then.
    if (ec) return;
    on_wake(wake);
  });
}

void AsioScheduler::on_wake(std::uint64_t wake) {
  if (wake != wake_) return;
  armed_for_.reset();
  // A snapshot of now: timers scheduled by these callbacks wait for the next wake, so a
  // callback that keeps rescheduling itself at zero delay cannot starve the io_context.
  const Instant now_snapshot = now();
  while (!queue_.empty() && queue_.begin()->first.first <= now_snapshot) {
    auto node = queue_.extract(queue_.begin());
    due_.erase(node.key().second);
    node.mapped()();
  }
  arm();
}

}  // namespace faultline::resilience

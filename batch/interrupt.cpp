#include "batch/interrupt.h"

#include <atomic>
#include <csignal>

namespace faultline::batch {

namespace {
std::atomic<int> g_signal{0};
extern "C" void on_signal(int sig) { g_signal.store(sig, std::memory_order_relaxed); }
}  // namespace

void install_interrupt_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

int interrupted() { return g_signal.load(std::memory_order_relaxed); }

int interrupted_exit_code() { return 128 + interrupted(); }

}  // namespace faultline::batch

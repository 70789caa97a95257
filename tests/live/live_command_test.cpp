// `faultline live` end to end, as a user runs it (the built binary): against a real HTTP
// service with --target, and stopped by SIGINT or SIGTERM in the middle of a run. Short files
// from tests/live/data: about 3 s and 1.5 s of wall time each.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <regex>
#include <thread>

// clang-format off
#include <utility>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
// clang-format on
#include <nlohmann/json.hpp>

#include "live/dependency_emulator.h"
#include "resilience/asio_scheduler.h"
#include "tests/e2e/cli_helpers.h"

namespace faultline::live {
namespace {

using e2e::read_file;
using e2e::ScratchDir;
using e2e::source_path;
using e2e::spawn_faultline;

nlohmann::json read_json(const std::filesystem::path& path) { return nlohmann::json::parse(read_file(path)); }

// "The user's service": a real HTTP server on its own thread (a dependency emulator: 200 to
// any path after 5 ms, up to 64 at once).
class Service {
 public:
  Service() : scheduler_(io_), emulator_(io_, scheduler_, config(), 1), guard_(boost::asio::make_work_guard(io_)) {
    port_ = emulator_.listen();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~Service() { stop(); }
  std::uint16_t port() const { return port_; }
  // Stops the server; returns the requests it answered.
  std::uint64_t stop() {
    if (thread_.joinable()) {
      boost::asio::post(io_, [this] {
        emulator_.stop();
        guard_.reset();
      });
      thread_.join();
    }
    return emulator_.served();
  }

 private:
  static experiments::DependencyConfig config() {
    experiments::DependencyConfig d;
    d.name = "users-service";
    d.concurrency = 64;
    d.latency = sim::Distribution::constant(5);
    return d;
  }

  boost::asio::io_context io_;
  resilience::AsioScheduler scheduler_;
  DependencyEmulator emulator_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_;
  std::thread thread_;
  std::uint16_t port_ = 0;
};

// True iff something accepts TCP connections on 127.0.0.1:`port`.
bool listening(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool ok = connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  close(fd);
  return ok;
}

// --target: the load goes to the user's service; every planned request reaches it. Its
// breakers and dependency calls cannot be seen from outside: those checks are not evaluated
// (and fail the run: no silent pass), the SLI check is judged, and fidelity.json, the console
// and the report say why breakers and dependencies are not compared.
TEST(LiveCommand, TargetSendsTheLoadToTheUsersService) {
  Service service;
  ScratchDir dir;
  const std::string url = "http://127.0.0.1:" + std::to_string(service.port());
  const auto r = e2e::run_faultline("live " + source_path("tests/live/data/live-target-short.json") + " --out " +
                                    dir.str() + " --target " + url);
  // 20 rps, uniform, from 50 ms, none at or after 3 s: 59 requests, all answered by the service.
  EXPECT_EQ(service.stop(), 59u);
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("live: load -> 127.0.0.1:" + std::to_string(service.port()) + " (the user's service)"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("breaker ai never opens — not evaluated: no data in live --target run"), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("breakers: not compared: no data in live --target run"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("reference service on"), std::string::npos) << r.output;
  // The console shows no breaker figures it never saw.
  EXPECT_NE(r.output.find("Circuit breakers:\n  not observed: no data in live --target run"), std::string::npos)
      << r.output;

  const auto folder = dir.path() / "live-target-short" / "live";
  for (const char* f : {"summary.json", "junit.xml", "timeline.csv", "metrics.om", "report.html", "run.json",
                        "fidelity.json"}) {
    EXPECT_TRUE(std::filesystem::exists(folder / f)) << f;
  }
  const auto summary = read_json(folder / "summary.json");
  EXPECT_EQ(summary["requests"]["total"], 59);
  EXPECT_EQ(summary["requests"]["succeeded"], 59);
  ASSERT_GE(summary["checks"].size(), 3u);  // the expect items, then the SLO gate's
  EXPECT_EQ(summary["checks"][0]["evaluated"], false);
  EXPECT_EQ(summary["checks"][0]["passed"], false);
  EXPECT_EQ(summary["checks"][1]["evaluated"], false);
  EXPECT_EQ(summary["checks"][2]["passed"], true);  // availability, measured at the client
  EXPECT_FALSE(summary["checks"][2].contains("evaluated"));
  EXPECT_EQ(summary["passed"], false);
  EXPECT_FALSE(summary.contains("partial"));

  const auto fidelity = read_json(folder / "fidelity.json");
  EXPECT_EQ(fidelity["api"], "target");
  EXPECT_TRUE(fidelity["breakers"].empty());
  EXPECT_NE(fidelity["not_compared"]["breakers"].get<std::string>().find("no data in live --target run"),
            std::string::npos);
  EXPECT_NE(fidelity["not_compared"]["dependencies"].get<std::string>().find("no data in live --target run"),
            std::string::npos);
  // The default CircuitBreakerOpen alert reads breaker state: not compared either.
  EXPECT_EQ(fidelity["not_compared"]["alerts"].get<std::string>().rfind("CircuitBreakerOpen (from breaker", 0), 0u)
      << fidelity.dump(2);
  EXPECT_EQ(fidelity["send_lag"]["sends"], 59);

  const std::string report = read_file(folder / "report.html");
  EXPECT_NE(report.find("not evaluated</span>"), std::string::npos);
  EXPECT_NE(report.find("Breakers not compared: no data in live --target run"), std::string::npos);
  EXPECT_NE(report.find("<section id=\"fidelity\">"), std::string::npos);
}

// A signal in the middle of a run: exit 128 + signal, the results measured so far written
// whole and marked partial, no fidelity.json, and nothing listening any more on the ports the
// run printed (reference service, emulator, fault proxy).
void expect_clean_stop_on(int sig) {
  ScratchDir dir;
  const std::string out = (dir.path() / "out.txt").string();
  const pid_t pid =
      spawn_faultline({"live", source_path("tests/live/data/live-outage-short.json"), "--out", dir.str()}, out, true);
  const std::regex service(R"(reference service on 127\.0\.0\.1:([0-9]+))");
  const std::regex dependency(R"(dependency ai on 127\.0\.0\.1:([0-9]+) behind fault proxy 127\.0\.0\.1:([0-9]+))");
  std::smatch s, d;
  std::string text;
  for (int i = 0; i < 200 && !std::regex_search(text, d, dependency); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
    text = read_file(out);
  }
  ASSERT_TRUE(std::regex_search(text, s, service)) << text;
  ASSERT_TRUE(std::regex_search(text, d, dependency)) << text;
  const std::vector<int> ports = {std::stoi(s[1]), std::stoi(d[1]), std::stoi(d[2])};
  for (int port : ports) EXPECT_TRUE(listening(port)) << port;
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));  // some requests measured
  kill(pid, sig);
  int status = 0;
  waitpid(pid, &status, 0);
  text = read_file(out);
  ASSERT_TRUE(WIFEXITED(status)) << text;
  EXPECT_EQ(WEXITSTATUS(status), 128 + sig) << text;
  EXPECT_NE(text.find("live: interrupted at"), std::string::npos) << text;
  const auto folder = dir.path() / "live-outage-short" / "live";
  const auto summary = read_json(folder / "summary.json");
  EXPECT_EQ(summary["partial"], true);
  EXPECT_GT(summary["requests"]["total"].get<int>(), 10);
  EXPECT_LT(summary["requests"]["total"].get<int>(), 479);
  EXPECT_FALSE(std::filesystem::exists(folder / "fidelity.json"));
  EXPECT_TRUE(std::filesystem::exists(folder / "report.html"));
  EXPECT_NE(read_file(folder / "report.html").find("not compared with the simulation"), std::string::npos);
  for (int port : ports) EXPECT_FALSE(listening(port)) << port;
}

TEST(LiveCommand, SigintStopsWith130AndPartialResults) { expect_clean_stop_on(SIGINT); }
TEST(LiveCommand, SigtermStopsWith143AndPartialResults) { expect_clean_stop_on(SIGTERM); }

}  // namespace
}  // namespace faultline::live

// `faultline proxy`: usage errors exit 2; a running proxy prints its port and stops with
// 128 + signal on SIGINT/SIGTERM, leaving nothing bound. (Its fault semantics: tests/live.)
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <regex>
#include <thread>

#include "tests/e2e/cli_helpers.h"

namespace faultline::e2e {
namespace {

TEST(ProxyCommand, BadInputExitsWith2) {
  const std::string file = source_path("experiments/ai-outage.json");
  EXPECT_EQ(run_faultline("proxy " + file + " --listen 0").exit_code, 2);  // no --upstream
  EXPECT_EQ(run_faultline("proxy " + file + " --listen 0 --upstream db.internal:5432").exit_code, 2);
  const auto unknown = run_faultline("proxy " + file + " --listen 0 --upstream :1 --dependency nosuch");
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.output.find("no such dependency"), std::string::npos) << unknown.output;
  EXPECT_EQ(run_faultline("proxy " + file + " --listen 70000 --upstream :1").exit_code, 2);
  EXPECT_EQ(run_faultline("proxy " + file + " --listen 0 --upstream :1 --set faults.0.kind=nope").exit_code, 2);
}

void expect_clean_stop_on(int sig) {
  ScratchDir dir;
  const std::string out = (dir.path() / "out.txt").string();
  const pid_t pid = spawn_faultline(
      {"proxy", source_path("experiments/ai-outage.json"), "--listen", "0", "--upstream", "127.0.0.1:1"}, out, false);
  std::smatch m;
  std::string text;
  const std::regex listening(R"(127\.0\.0\.1:([0-9]+) -> 127\.0\.0\.1:1 \(dependency openai, seed 42\))");
  for (int i = 0; i < 100 && !std::regex_search(text, m, listening); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    text = read_file(out);
  }
  ASSERT_TRUE(std::regex_search(text, m, listening)) << text;
  kill(pid, sig);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 128 + sig);
  EXPECT_NE(read_file(out).find("stopped after 0 requests"), std::string::npos) << read_file(out);
}

TEST(ProxyCommand, SigintStopsWith130) { expect_clean_stop_on(SIGINT); }
TEST(ProxyCommand, SigtermStopsWith143) { expect_clean_stop_on(SIGTERM); }

}  // namespace
}  // namespace faultline::e2e

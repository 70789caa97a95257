// Helpers for end-to-end tests: run the built `faultline` binary in a scratch directory and
// read what it wrote. FAULTLINE_BINARY and FAULTLINE_SOURCE_DIR come from tests/CMakeLists.txt.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace faultline::e2e {

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr, interleaved
};

inline std::string source_path(const std::string& relative) {
  return std::string(FAULTLINE_SOURCE_DIR) + "/" + relative;
}

// Runs a shell command, stdout and stderr together.
inline CommandResult shell(const std::string& command) {
  CommandResult r;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return r;
  char buffer[4096];
  std::size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) r.output.append(buffer, n);
  const int status = pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

// Starts `faultline <args>` in a child process, its stdout (and with `with_stderr` its stderr)
// written to `out_path`, for a test that signals it; returns the child's pid. The argument
// vector is built before fork(): the child only redirects and execs.
inline pid_t spawn_faultline(const std::vector<std::string>& args, const std::string& out_path, bool with_stderr) {
  std::vector<std::string> words = {FAULTLINE_BINARY};
  words.insert(words.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& w : words) argv.push_back(w.data());
  argv.push_back(nullptr);
  const pid_t pid = fork();
  if (pid == 0) {
    if (std::freopen(out_path.c_str(), "w", stdout) == nullptr) _exit(126);
    if (with_stderr) dup2(fileno(stdout), fileno(stderr));
    execv(FAULTLINE_BINARY, argv.data());
    _exit(127);
  }
  return pid;
}

// Runs `faultline <args>` through the shell; args are pasted as given (quote them yourself).
inline CommandResult run_faultline(const std::string& args) {
  return shell(std::string(FAULTLINE_BINARY) + " " + args);
}

inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

inline void write_file(const std::filesystem::path& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary);
  out << content;
}

// A fresh scratch directory, removed when the object goes away.
class ScratchDir {
 public:
  ScratchDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "faultline-e2e-XXXXXX").string();
    path_ = mkdtemp(tmpl.data());
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }
  std::string str() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

}  // namespace faultline::e2e

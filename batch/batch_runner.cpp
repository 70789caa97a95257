#include "batch/batch_runner.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>

#include "batch/interrupt.h"
#include "experiments/loader.h"
#include "sim/rng.h"

#ifndef FAULTLINE_VERSION
#define FAULTLINE_VERSION "0.1.0"
#endif

namespace faultline::batch {

namespace {

std::string result_path(const std::string& points_dir, const std::string& id) {
  return fmt::format("{}/{}.json", points_dir, id);
}

bool fail(std::string* error, std::string message) {
  if (error != nullptr) *error = std::move(message);
  return false;
}

std::optional<RunResult> read_result(const std::string& path, const std::string& hash,
                                     const std::string& format) {
  const std::optional<std::string> text = read_text_file(path);
  if (!text) return std::nullopt;
  RunResult r = RunResult::parse(*text, nullptr, /*allow_exceptions=*/false);
  // A file from another plan, another faultline version or a foreign tool is simply run again.
  if (!r.is_object() || r.value("format", "") != format || r.value("hash", "") != hash ||
      !r.contains("metrics") || !r["metrics"].is_object() || !r.contains("checks") ||
      !r["checks"].is_array()) {
    return std::nullopt;
  }
  return r;
}

}  // namespace

std::string run_hash(const nlohmann::json& run_document) {
  return fmt::format("{:016x}",
                     sim::fnv1a64(fmt::format("{}|{}", run_document.dump(), FAULTLINE_VERSION)));
}

std::optional<std::string> read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

bool write_whole_file(const std::string& path, std::string_view text, bool durable,
                      std::string* error) {
  static std::atomic<unsigned> counter{0};
  static const std::string host = [] {
    char name[256] = {};
    return ::gethostname(name, sizeof name - 1) == 0 ? std::string(name) : std::string("host");
  }();
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  const std::string temp =
      fmt::format("{}.tmp.{}.{}.{}", path, host, ::getpid(), counter.fetch_add(1));
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return fail(error, fmt::format("{}: cannot create: {}", temp, std::strerror(errno)));
  bool ok = true;
  for (std::string_view rest = text; ok && !rest.empty();) {
    const ssize_t n = ::write(fd, rest.data(), rest.size());
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) rest.remove_prefix(static_cast<std::size_t>(n));
  }
  if (ok && durable) ok = ::fsync(fd) == 0;
  const int write_errno = errno;
  ok = ::close(fd) == 0 && ok;
  if (!ok || std::rename(temp.c_str(), path.c_str()) != 0) {
    const int err = ok ? errno : write_errno;
    std::filesystem::remove(temp, ec);
    return fail(error, fmt::format("{}: cannot write: {}", path, std::strerror(err)));
  }
  return true;
}

bool write_file_if_changed(const std::string& path, const std::string& text, std::string* error) {
  if (const auto existing = read_text_file(path); existing && *existing == text) return true;
  return write_whole_file(path, text, /*durable=*/true, error);
}

std::optional<RunResult> load_result(const std::string& points_dir, const BatchRun& run,
                                     const std::string& format) {
  return read_result(result_path(points_dir, run.id), run_hash(run.document), format);
}

bool write_result(const std::string& points_dir, const BatchRun& run, const RunResult& result,
                  std::string* error) {
  return write_whole_file(result_path(points_dir, run.id), result.dump(2) + "\n",
                          /*durable=*/false, error);
}

std::vector<std::optional<RunResult>> collect_results(const std::vector<BatchRun>& runs,
                                                      const std::vector<std::string>& points_dirs,
                                                      const std::string& format) {
  std::vector<std::optional<RunResult>> results;
  results.reserve(runs.size());
  for (const BatchRun& run : runs) {
    const std::string hash = run_hash(run.document);
    std::optional<RunResult> found;
    for (const auto& dir : points_dirs) {
      found = read_result(result_path(dir, run.id), hash, format);
      if (found) break;
    }
    results.push_back(std::move(found));
  }
  return results;
}

RunnerStats run_batch(const std::vector<BatchRun>& runs, const RunnerOptions& options,
                      const ResultFn& fill, const ProgressFn& progress) {
  RunnerStats stats;
  std::vector<std::size_t> to_run;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    if (load_result(options.points_dir, runs[i], options.format)) {
      ++stats.reused;
    } else {
      to_run.push_back(i);
    }
  }

  std::mutex mutex;
  std::condition_variable changed;
  std::size_t finished = 0;  // guarded by mutex
  std::atomic<std::size_t> ran{0};
  // No more threads than runs left: a resumed batch with a few runs to go starts a few threads.
  const std::size_t threads =
      std::clamp<std::size_t>(to_run.size(), 1, static_cast<std::size_t>(std::max(1, options.jobs)));
  boost::asio::thread_pool pool(threads);
  for (const std::size_t i : to_run) {
    boost::asio::post(pool, [&, i] {
      std::string error;
      const BatchRun& ref = runs[i];
      if (interrupted() == 0) {
        experiments::LoadResult loaded = experiments::load_experiment_json(ref.document, options.file);
        if (!loaded.ok()) {
          error = fmt::format("{}: {}", ref.id, experiments::format(loaded.diagnostics));
        } else {
          ExperimentRun run =
              run_experiment(std::move(*loaded.experiment),
                             {.stop_at = std::nullopt, .progress = false, .interruptible = true});
          if (!run.interrupted) {
            RunResult result;
            result["format"] = options.format;
            result["hash"] = run_hash(ref.document);
            fill(i, run, &result);
            if (write_result(options.points_dir, ref, result, &error)) ran.fetch_add(1);
          }
        }
      }
      std::lock_guard lock(mutex);
      if (!error.empty()) stats.errors.push_back(std::move(error));
      ++finished;
      changed.notify_all();
    });
  }
  {
    std::unique_lock lock(mutex);
    while (finished < to_run.size()) {
      changed.wait_for(lock, std::chrono::milliseconds(100));
      const std::size_t done = stats.reused + finished;
      lock.unlock();
      if (progress) progress(done, ran.load());
      lock.lock();
    }
  }
  pool.join();
  stats.ran = ran.load();
  stats.interrupted = interrupted() != 0;
  if (progress) progress(stats.reused + to_run.size(), stats.ran);
  return stats;
}

}  // namespace faultline::batch

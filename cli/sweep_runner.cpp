#include "cli/sweep_runner.h"

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

#include "cli/experiment_run.h"
#include "cli/interrupt.h"
#include "experiments/loader.h"

namespace faultline::cli {

namespace {

constexpr const char* kFormat = "faultline-sweep-run/1";
constexpr const char* kPlanFormat = "faultline-sweep-plan/1";

std::string result_path(const std::string& points_dir, const std::string& id) {
  return fmt::format("{}/{}.json", points_dir, id);
}

double percent(std::uint64_t part, std::uint64_t whole) {
  return whole == 0 ? 0.0 : 100.0 * static_cast<double>(part) / static_cast<double>(whole);
}

// Full precision (nlohmann writes the shortest text that reads back as the same double), so the
// aggregate computed from files read back equals the one computed right after the runs.
RunResult make_result(const SweepPlan& plan, const RunRef& ref, const std::string& hash,
                      const ExperimentRun& run) {
  RunResult r;
  r["format"] = kFormat;
  r["hash"] = hash;
  r["run"] = run_id(plan, ref);
  r["point"] = plan.points[ref.point].id;
  r["replication"] = ref.replication;
  r["seed"] = run.experiment->seed;
  RunResult parameters = RunResult::object();
  for (std::size_t k = 0; k < plan.parameters.size(); ++k) {
    parameters[plan.parameters[k]] = plan.points[ref.point].values[k];
  }
  r["parameters"] = std::move(parameters);

  const sim::Metrics& m = *run.outcome.metrics;
  RunResult metrics = RunResult::object();
  for (const auto& sli : run.evaluation.slis) {
    const std::string name = canonical_metric(sli.name, {});
    metrics[name.empty() ? sli.name : name] = sli.current;
  }
  metrics["degraded_rate"] = percent(m.totals().degraded, m.totals().total);
  const bool any = m.latency().count() > 0;
  metrics["latency_mean_ms"] = any ? m.latency().mean_ms() : 0.0;
  metrics["latency_p50_ms"] = any ? to_millis(m.latency().quantile(0.5)) : 0.0;
  metrics["checks_passed"] = run.evaluation.passed ? 1 : 0;
  std::uint64_t opens = 0, while_open = 0, rejected = 0;
  RunResult per_breaker = RunResult::object();
  for (const auto& b : m.breakers()) {
    std::uint64_t n = 0;
    for (const auto& t : b.transitions) n += t.to == "OPEN" ? 1 : 0;
    opens += n;
    while_open += b.calls_while_open;
    rejected += b.rejected;
    per_breaker["breaker_open_transitions." + b.name] = n;
    per_breaker["breaker_calls_while_open." + b.name] = b.calls_while_open;
    per_breaker["breaker_rejected." + b.name] = b.rejected;
  }
  metrics["breaker_open_transitions"] = opens;
  metrics["breaker_calls_while_open"] = while_open;
  metrics["breaker_rejected"] = rejected;
  for (auto& [k, v] : per_breaker.items()) metrics[k] = v;
  metrics["requests"] = m.totals().total;
  r["metrics"] = std::move(metrics);

  RunResult checks = RunResult::array();
  for (const auto& c : run.evaluation.checks)
    checks.push_back({{"name", c.name}, {"passed", c.passed}});
  r["checks"] = std::move(checks);
  r["passed"] = run.evaluation.passed;
  return r;
}

bool fail(std::string* error, std::string message) {
  if (error != nullptr) *error = std::move(message);
  return false;
}

}  // namespace

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

namespace {

std::optional<RunResult> read_result(const std::string& path, const std::string& hash) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream text;
  text << in.rdbuf();
  RunResult r = RunResult::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  // A file from another plan, another faultline version or a foreign tool is simply run again.
  if (!r.is_object() || r.value("format", "") != kFormat || r.value("hash", "") != hash ||
      !r.contains("metrics") || !r["metrics"].is_object() || !r.contains("checks") ||
      !r["checks"].is_array()) {
    return std::nullopt;
  }
  return r;
}

}  // namespace

std::optional<RunResult> load_run_result(const std::string& points_dir, const SweepPlan& plan,
                                         const RunRef& run) {
  return read_result(result_path(points_dir, run_id(plan, run)), run_hash(run_document(plan, run)));
}

bool write_run_result(const std::string& points_dir, const SweepPlan& plan, const RunRef& run,
                      const RunResult& result, std::string* error) {
  return write_whole_file(result_path(points_dir, run_id(plan, run)), result.dump(2) + "\n",
                          /*durable=*/false, error);
}

std::vector<std::optional<RunResult>> collect_results(const SweepPlan& plan,
                                                      const std::vector<std::string>& points_dirs) {
  std::vector<std::optional<RunResult>> results;
  for (const RunRef& run : all_runs(plan)) {
    const std::string hash = run_hash(run_document(plan, run));
    std::optional<RunResult> found;
    for (const auto& dir : points_dirs) {
      found = read_result(result_path(dir, run_id(plan, run)), hash);
      if (found) break;
    }
    results.push_back(std::move(found));
  }
  return results;
}

RunnerStats run_sweep(const SweepPlan& plan, const std::vector<RunRef>& runs,
                      const RunnerOptions& options, const ProgressFn& progress) {
  RunnerStats stats;
  std::vector<RunRef> to_run;
  for (const RunRef& run : runs) {
    if (load_run_result(options.points_dir, plan, run)) {
      ++stats.reused;
    } else {
      to_run.push_back(run);
    }
  }

  std::mutex mutex;
  std::condition_variable changed;
  std::size_t finished = 0;  // guarded by mutex
  std::atomic<std::size_t> ran{0};
  // No more threads than runs left: a resumed sweep with a few runs to go starts a few threads.
  const std::size_t threads =
      std::clamp<std::size_t>(to_run.size(), 1, static_cast<std::size_t>(std::max(1, options.jobs)));
  boost::asio::thread_pool pool(threads);
  for (const RunRef& ref : to_run) {
    boost::asio::post(pool, [&, ref] {
      std::string error;
      if (interrupted() == 0) {
        const nlohmann::json doc = run_document(plan, ref);
        experiments::LoadResult loaded = experiments::load_experiment_json(doc, plan.file);
        if (!loaded.ok()) {
          error = fmt::format("{}: {}", run_id(plan, ref), experiments::format(loaded.diagnostics));
        } else {
          ExperimentRun run =
              run_experiment(std::move(*loaded.experiment),
                             {.stop_at = std::nullopt, .progress = false, .interruptible = true});
          if (!run.interrupted) {
            if (write_run_result(options.points_dir, plan, ref,
                                 make_result(plan, ref, run_hash(doc), run), &error)) {
              ran.fetch_add(1);
            }
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

std::string plan_file_text(const SweepPlan& plan) {
  nlohmann::ordered_json j;
  j["format"] = kPlanFormat;
  j["plan"] = plan.hash;
  j["experiment"] = plan.name;
  j["file"] = plan.file;
  j["seed"] = plan.seed;
  j["points"] = plan.points.size();
  j["seeds"] = plan.seeds;
  j["document"] = plan.document;
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

bool write_plan_file(const SweepPlan& plan, const std::string& dir, std::string* error) {
  const std::string path = dir + "/plan.json";
  const std::string text = plan_file_text(plan);
  std::ifstream in(path, std::ios::binary);
  if (in) {
    std::stringstream existing;
    existing << in.rdbuf();
    if (existing.str() == text) return true;
  }
  return write_whole_file(path, text, /*durable=*/true, error);
}

std::optional<SweepPlan> read_plan_file(const std::string& dir, std::string* error) {
  const std::string path = dir + "/plan.json";
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = fmt::format("{}: cannot read (not a sweep folder?)", path);
    return std::nullopt;
  }
  std::stringstream text;
  text << in.rdbuf();
  const nlohmann::json j = nlohmann::json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || j.value("format", "") != kPlanFormat || !j.contains("document") ||
      !j["document"].is_object() || !j["document"].contains("sweep") || !j.contains("seed") ||
      !j["seed"].is_number_unsigned()) {
    *error = fmt::format("{}: not a faultline sweep plan", path);
    return std::nullopt;
  }
  std::vector<experiments::Diagnostic> problems;
  std::optional<SweepPlan> plan =
      make_plan(j["document"], j["seed"].get<std::uint64_t>(), j.value("file", ""), &problems);
  if (!plan) {
    *error = fmt::format("{}: {}", path, experiments::format(problems));
  } else if (plan->hash != j.value("plan", "")) {
    *error = fmt::format("{}: written by another faultline version (plan {} here, {} there)", path,
                         plan->hash, j.value("plan", ""));
    plan.reset();
  }
  return plan;
}

}  // namespace faultline::cli

// The explore tests' model: one database behind a breaker that must never open, and templates
// that can only produce a db outage or error burst long enough to open it. A schedule fails
// "breaker db never opens" exactly when it has at least one fault: the planted failure.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

namespace faultline::explore::testing_data {

inline nlohmann::json planted_document() {
  return nlohmann::json::parse(R"({
    "name": "planted", "seed": 11, "duration_s": 60,
    "api": {"workers": 20},
    "dependencies": {"db": {"type": "database", "concurrency": 10,
                            "latency_ms": {"dist": "constant", "value": 5}}},
    "endpoints": [{"name": "read", "method": "GET", "path": "/r", "weight": 1,
                   "steps": [{"call": "db", "breaker": "db", "timeout_ms": 1000}]}],
    "load": {"model": "closed", "users": 5, "think_ms": {"dist": "constant", "value": 100}},
    "resilience": {"circuit_breakers": {"db": {"failure_threshold": 3,
                                               "recovery_timeout_ms": 5000}}},
    "slo": {"gate": false},
    "expect": [{"breaker": "db", "never_opens": true}],
    "explore": {"faults": [{"target": "db", "kind": ["outage", "error"], "start_s": [10, 20],
                            "duration_s": [20, 30], "rate": [0.9, 1]}],
                "max_faults": 2, "runs": 12}
  })");
}

// A fresh folder under the test temporary directory, named after the running test.
inline std::filesystem::path fresh_dir(const std::string& tag) {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  const auto dir =
      std::filesystem::path(::testing::TempDir()) /
      (std::string("explore-") + info->test_suite_name() + "-" + info->name() + "-" + tag);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

inline std::string write_document(const std::filesystem::path& dir, const nlohmann::json& doc) {
  const auto path = dir / "planted.json";
  std::ofstream(path) << doc.dump(2);
  return path.string();
}

inline std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace faultline::explore::testing_data

// `faultline compare BASELINE.json CURRENT.json [--tolerance PCT]`: exit 1 on a regression.
#include <fstream>
#include <sstream>
#include <string>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/options.h"
#include "monitoring/compare.h"

namespace faultline::cli {

namespace po = boost::program_options;

namespace {

bool read_json(const std::string& path, nlohmann::json* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    fmt::print(stderr, "{}: cannot read file\n", path);
    return false;
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  *out = nlohmann::json::parse(buffer.str(), nullptr, /*allow_exceptions=*/false);
  if (out->is_discarded() || !out->is_object()) {
    fmt::print(stderr, "{}: not a JSON summary object\n", path);
    return false;
  }
  return true;
}

}  // namespace

int compare_command(const Args& args) {
  po::options_description options("compare");
  std::vector<std::string> files;
  double tolerance = 5.0;
  options.add_options()
      ("file", po::value(&files)->composing(), "BASELINE.json CURRENT.json")
      ("tolerance", po::value(&tolerance), "allowed relative change in percent (default 5)");
  po::variables_map vm;
  if (!parse_args("compare", args, options, "file", &vm)) return 2;
  if (files.size() != 2) return usage_error("compare", "expects BASELINE.json CURRENT.json");
  if (!(tolerance >= 0)) return usage_error("compare", "--tolerance must be a percentage >= 0");
  nlohmann::json baseline, current;
  if (!read_json(files[0], &baseline) || !read_json(files[1], &current)) return 2;
  const monitoring::CompareResult result = monitoring::compare_summaries(baseline, current, tolerance);
  fmt::print("{}", monitoring::format_compare(result));
  return result.regressions.empty() ? 0 : 1;
}

}  // namespace faultline::cli

// The faultline commands (contract: experiment-format.md section 1). Each takes the
// arguments after its name and returns the process exit status: 0 all checks passed,
// 1 a check failed or a regression was found, 2 bad input or usage, 130/143 interrupted.
#pragma once

#include <string>
#include <vector>

namespace faultline::cli {

using Args = std::vector<std::string>;

int run_command(const Args& args);
int validate_command(const Args& args);
int compare_command(const Args& args);
int health_command(const Args& args);
int sweep_command(const Args& args);
int merge_command(const Args& args);
int explore_command(const Args& args);
int live_command(const Args& args);
int proxy_command(const Args& args);

// Prints "faultline: <message>" and the command's usage hint to stderr; returns 2.
int usage_error(const std::string& command, const std::string& message);

}  // namespace faultline::cli

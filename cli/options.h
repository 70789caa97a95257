// Command-line parsing shared by the commands: Boost.Program_options with positional FILEs,
// errors turned into exit 2 with the command's name.
#pragma once

#include <string>
#include <vector>

#include <boost/program_options.hpp>

#include "cli/commands.h"

namespace faultline::cli {

// Parses `args` against `options` (+ positional `positional_name`, any count). Returns false
// and prints a usage error when parsing fails.
bool parse_args(const std::string& command, const Args& args,
                const boost::program_options::options_description& options,
                const std::string& positional_name, boost::program_options::variables_map* vm);

}  // namespace faultline::cli

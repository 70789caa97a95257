#include "cli/options.h"

#include <fmt/core.h>

namespace faultline::cli {

namespace po = boost::program_options;

int usage_error(const std::string& command, const std::string& message) {
  fmt::print(stderr, "faultline {}: {}\n(see 'faultline --help')\n", command, message);
  return 2;
}

bool parse_args(const std::string& command, const Args& args, const po::options_description& options,
                const std::string& positional_name, po::variables_map* vm) {
  try {
    po::positional_options_description positional;
    if (!positional_name.empty()) positional.add(positional_name.c_str(), -1);
    po::store(po::command_line_parser(args).options(options).positional(positional).run(), *vm);
    po::notify(*vm);
    return true;
  } catch (const po::error& e) {
    usage_error(command, e.what());
    return false;
  }
}

}  // namespace faultline::cli

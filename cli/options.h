// Command-line parsing shared by the commands: Boost.Program_options with positional FILEs,
// errors turned into exit 2 with the command's name; and the options every batch command
// takes (`sweep`, `explore`): --jobs, --shard/--shard-count, --out, --set, --quiet and the
// progress switches, read into batch::SessionOptions. (One file, not two: each file that
// includes Boost.Program_options costs CI a compile.)
//
//   BatchOptions b;
//   add_batch_options(&options, &b, "a sweep");   // then the command's own options
//   ... parse_args(...) ...
//   if (int s = read_batch_options("sweep", vm, &b); s != 0) return s;   // b.session, b.file()
#pragma once

#include <boost/program_options.hpp>
#include <string>
#include <vector>

#include "batch/session_options.h"
#include "cli/commands.h"

namespace faultline::cli {

// Parses `args` against `options` (+ positional `positional_name`, any count). Returns false
// and prints a usage error when parsing fails.
bool parse_args(const std::string& command, const Args& args,
                const boost::program_options::options_description& options,
                const std::string& positional_name, boost::program_options::variables_map* vm);

struct BatchOptions {
  std::vector<std::string> files;
  std::vector<std::string> sets;
  int jobs = 0;  // 0: the number of cores
  batch::SessionOptions session;
  std::string file() const { return files.empty() ? "" : files.front(); }
};

// Adds the shared options; `what` completes "experiment file with a ... block".
void add_batch_options(boost::program_options::options_description* options, BatchOptions* values,
                       const std::string& what);
// Checks them and fills values->session; 0, or the usage error's status (2, printed).
int read_batch_options(const std::string& command, const boost::program_options::variables_map& vm,
                       BatchOptions* values);

}  // namespace faultline::cli

// The options every batch command takes (`sweep`, `explore`): --jobs, --shard/--shard-count,
// --out, --set, --quiet and the progress switches, read into batch::SessionOptions.
//
//   BatchOptions b;
//   add_batch_options(&options, &b);            // then the command's own options
//   ... parse_args(...) ...
//   if (int s = read_batch_options("sweep", vm, &b); s != 0) return s;   // b.session, b.file
#pragma once

#include <string>
#include <vector>

#include <boost/program_options.hpp>

#include "batch/batch_session.h"

namespace faultline::cli {

struct BatchOptions {
  std::vector<std::string> files;
  std::vector<std::string> sets;
  int jobs = 0;  // 0: the number of cores
  batch::SessionOptions session;
  std::string file() const { return files.empty() ? "" : files.front(); }
};

// Adds the shared options; `what` completes "experiment file with a ... block".
void add_batch_options(boost::program_options::options_description* options,
                       BatchOptions* values, const std::string& what);
// Checks them and fills values->session; 0, or the usage error's status (2, printed).
int read_batch_options(const std::string& command, const boost::program_options::variables_map& vm,
                       BatchOptions* values);

}  // namespace faultline::cli

// `faultline sweep FILE [--jobs N] [--shard I/N] [--out DIR]` (docs/sweeps.md): options only;
// the sweep itself is sweep/sweep_session.h on the batch engine.
#include "cli/commands.h"
#include "cli/options.h"
#include "sweep/sweep_session.h"

namespace faultline::cli {

namespace po = boost::program_options;

int sweep_command(const Args& args) {
  po::options_description options("sweep");
  BatchOptions batch;
  sweep::SweepRequest request;
  add_batch_options(&options, &batch, "a sweep");
  options.add_options()("top", po::value(&request.top),
                        "points shown in the ranking (0: all; default 10)");
  po::variables_map vm;
  if (!parse_args("sweep", args, options, "file", &vm)) return 2;
  if (const int status = read_batch_options("sweep", vm, &batch); status != 0) return status;
  request.file = batch.file();
  request.sets = batch.sets;
  request.session = batch.session;
  return sweep::sweep_file(request);
}

}  // namespace faultline::cli

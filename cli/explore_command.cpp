// `faultline explore FILE [--runs N] [--jobs N] [--out DIR] [--shard I/N]` (docs/explore.md):
// options only; the explore itself is explore/explore_session.h on the batch engine.
#include "cli/commands.h"
#include "cli/options.h"
#include "explore/explore_session.h"

namespace faultline::cli {

namespace po = boost::program_options;

int explore_command(const Args& args) {
  po::options_description options("explore");
  BatchOptions batch;
  explore::ExploreRequest request;
  long long runs = 0;
  add_batch_options(&options, &batch, "an explore");
  // clang-format off
  options.add_options()
      ("runs", po::value(&runs), "schedules to try (the block's runs otherwise)")
      ("no-shrink", po::bool_switch(), "reproducers hold the failing schedules as drawn");
  // clang-format on
  po::variables_map vm;
  if (!parse_args("explore", args, options, "file", &vm)) return 2;
  if (const int status = read_batch_options("explore", vm, &batch); status != 0) return status;
  if (vm.count("runs") && runs < 1) return usage_error("explore", "--runs must be at least 1");
  request.file = batch.file();
  request.sets = batch.sets;
  if (vm.count("runs")) request.runs = runs;
  request.shrink = !vm["no-shrink"].as<bool>();
  request.session = batch.session;
  return explore::explore_file(request);
}

}  // namespace faultline::cli

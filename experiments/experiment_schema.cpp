#include "experiments/experiment_schema.h"

namespace faultline::experiments {

const nlohmann::json& experiment_schema() {
  // A static local: initialised once, thread-safely. A schema that does not parse (a build
  // from an edited file that schema_test has not seen) leaves the schema `false`, which
  // accepts no path, rather than a throw from a function that must not.
  static const nlohmann::json schema = [] {
    nlohmann::json parsed = nlohmann::json::parse(experiment_schema_text(), nullptr, false);
    return parsed.is_discarded() ? nlohmann::json(false) : parsed;
  }();
  return schema;
}

}  // namespace faultline::experiments

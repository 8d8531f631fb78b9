#include "cli/output_checks.h"

#include "cli/command.h"

namespace membench::cli {

void check_outputs(const std::string& command, const std::vector<OutputArg>& outputs,
                   const std::vector<std::string>& positional_inputs, const std::vector<NamedPath>& option_inputs) {
  std::vector<NamedPath> out, in;
  for (const OutputArg& o : outputs)
    if (o.path && !o.path->empty()) out.push_back({o.option, *o.path});
  for (const std::string& p : positional_inputs) in.push_back({"", p});
  in.insert(in.end(), option_inputs.begin(), option_inputs.end());
  try {
    refuse_outputs_over_inputs(out, in);
    refuse_outputs_naming_one_file(out);
  } catch (const PathConflict& e) {
    throw UsageError(command + ": " + e.what());
  }
}

}  // namespace membench::cli

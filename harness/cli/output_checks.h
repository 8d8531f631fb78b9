// The check every command makes before it reads or writes anything: none of
// its outputs is one of its inputs (or another of its outputs). The rule
// itself is util/paths.h; this turns a conflict into bad usage (exit 2).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "util/paths.h"

namespace membench::cli {

struct OutputArg {
  const char* option;                // "-o", "--html", ...
  std::optional<std::string> path;   // unset (or empty): the option was not given
};

// Throws UsageError "COMMAND: -o IN.json is also an input; refusing to
// overwrite it" (or "... name the same file").
void check_outputs(const std::string& command, const std::vector<OutputArg>& outputs,
                   const std::vector<std::string>& positional_inputs,
                   const std::vector<NamedPath>& option_inputs = {});

}  // namespace membench::cli

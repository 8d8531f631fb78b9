// The run's context: machine, build, commit, command line (the report's
// `context`, docs/report-format.md).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace membench::runner {

nlohmann::json collect_context(const std::vector<std::string>& command_line);

}  // namespace membench::runner

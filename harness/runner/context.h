// The run's context: machine, build, commit, command line (contract §3).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace membench::runner {

nlohmann::json collect_context(const std::vector<std::string>& command_line);

}  // namespace membench::runner

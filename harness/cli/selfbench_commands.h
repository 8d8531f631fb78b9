// make selfbench's figures for command cases (run --command): the harness's
// overhead per command run, and the counting library's on an
// allocation-heavy program.
#pragma once

#include <array>
#include <string>
#include <vector>

namespace membench::cli {

// Rows of figure, measured, target, verdict.
std::vector<std::array<std::string, 4>> command_figures(const std::string& exe, const std::string& work);

}  // namespace membench::cli

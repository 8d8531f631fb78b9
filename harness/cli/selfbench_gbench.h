// make selfbench's figure for Google Benchmark executables (docs/gbench.md):
// what counting the benchmark loop costs in the time Google Benchmark reports.
#pragma once

#include <array>
#include <string>
#include <vector>

namespace membench::cli {

// Rows of figure, measured, target, verdict; none when the example suite
// (examples/gbench, built beside the membench executable) is not there.
std::vector<std::array<std::string, 4>> gbench_figures(const std::string& exe, const std::string& work);

}  // namespace membench::cli

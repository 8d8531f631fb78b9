// An exact CPU-cost figure for machines too noisy to time: the case's work
// once more under Valgrind's cache simulator (callgrind --cache-sim=yes,
// Debian's valgrind), counting only the strategy's own call. Instructions
// executed do not depend on the machine's other tenants; simulated cache
// misses depend a little on addresses (README, "Instructions and cache misses").
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "report/model.h"

namespace membench::runner {

// "" when valgrind is not installed.
std::string valgrind_program();

// The collection window: the strategy call of the case process (its symbol,
// as callgrind's --toggle-collect matches it).
inline constexpr const char* kStrategyWindowSymbol = "membench::runner::run_strategy*";

// The callgrind options that count the window alone, writing `out_file`.
std::vector<std::string> cachegrind_arguments(const std::string& out_file);

// Reads the totals of a callgrind output file written with the options
// above; throws std::runtime_error naming the file when it has none.
report::CpuCost read_callgrind_totals(const std::string& path);

}  // namespace membench::runner

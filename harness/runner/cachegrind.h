// An exact CPU-cost figure for machines too noisy to time: the case's work
// once more under Valgrind's cache simulator (callgrind --cache-sim=yes,
// Debian's valgrind), counting only the strategy's own call. Instructions
// executed do not depend on the machine's other tenants; simulated cache
// misses depend a little on addresses (docs/workloads.md, "Instructions and cache misses").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "report/model.h"
#include "util/scratch_file.h"

namespace membench::runner {

struct CaseRun;  // runner/phases.h

// "" when valgrind is not installed.
std::string valgrind_program();

// The collection window: the strategy call of the case process (its symbol,
// as callgrind's --toggle-collect matches it).
inline constexpr const char* kStrategyWindowSymbol = "membench::runner::run_strategy*";

// The callgrind options, writing `out_file`: counting the window alone, the
// whole program (a command case), or what the program itself turns on with
// client requests (a Google Benchmark loop, track/gbench_window.h).
enum class CallgrindScope { strategy_window, whole_program, client_requests };
std::vector<std::string> cachegrind_arguments(const std::string& out_file,
                                              CallgrindScope scope = CallgrindScope::strategy_window);

// After a callgrind run: its totals into r.cachegrind, or why not into
// r.extra.cachegrind_error (`failure`, the run's own, when not empty).
void settle_cachegrind(report::CaseResult& r, const std::string& out_file, const std::string& failure,
                       std::string_view excluded_object = {});

// Reads the totals of a callgrind output file written with the options
// above; throws std::runtime_error naming the file when it has none. The
// self cost of the functions of an object whose path holds `excluded_object`
// (not empty) is taken out: membench's own library inside a measured loop.
report::CpuCost read_callgrind_totals(const std::string& path, std::string_view excluded_object = {});

// Cycles estimated from the cache simulation's counts (docs/time-gate.md):
// L1 hits + 5 x LL hits + 35 x RAM accesses, with `accesses` the instruction
// fetches plus data reads and writes, `l1_misses` the first-level misses of
// all three and `ll_misses` the last-level ones.
std::uint64_t estimated_cycles(std::uint64_t accesses, std::uint64_t l1_misses, std::uint64_t ll_misses);

// Opt-in: instructions and simulated cache misses of the strategy's call
// under Valgrind. A failure is noted, not the case's.
void attach_cachegrind(const CaseRun& run, report::CaseResult& result);

}  // namespace membench::runner

// An exact CPU-cost figure for machines too noisy to time: the case's work
// once more under Valgrind's cache simulator (callgrind --cache-sim=yes,
// Debian's valgrind), counting only the strategy's own call. Instructions
// executed do not depend on the machine's other tenants; simulated cache
// misses depend a little on addresses (docs/workloads.md, "Instructions and cache misses").
#pragma once

#include <cstdint>
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

// The callgrind options, writing `out_file`: counting the window alone, or
// the whole program (a command case).
enum class CallgrindScope { strategy_window, whole_program };
std::vector<std::string> cachegrind_arguments(const std::string& out_file,
                                              CallgrindScope scope = CallgrindScope::strategy_window);

// A fresh path for one callgrind output file, removed with this object.
class CallgrindFile {
 public:
  CallgrindFile();
  ~CallgrindFile();
  CallgrindFile(const CallgrindFile&) = delete;
  CallgrindFile& operator=(const CallgrindFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// After a callgrind run: its totals into r.cachegrind, or why not into
// r.extra.cachegrind_error (`failure`, the run's own, when not empty).
void settle_cachegrind(report::CaseResult& r, const std::string& out_file, const std::string& failure);

// Reads the totals of a callgrind output file written with the options
// above; throws std::runtime_error naming the file when it has none.
report::CpuCost read_callgrind_totals(const std::string& path);

// Cycles estimated from the cache simulation's counts (docs/time-gate.md):
// L1 hits + 5 x LL hits + 35 x RAM accesses, with `accesses` the instruction
// fetches plus data reads and writes, `l1_misses` the first-level misses of
// all three and `ll_misses` the last-level ones.
std::uint64_t estimated_cycles(std::uint64_t accesses, std::uint64_t l1_misses, std::uint64_t ll_misses);

}  // namespace membench::runner

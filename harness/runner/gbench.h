// Google Benchmark executables as suites (run --gbench, docs/gbench.md): each
// benchmark the executable lists is a case of the workload named after the
// executable, with no dataset. Every run of a case execs the executable
// afresh, filtered to that one benchmark, through membench-launch; the
// preloaded libmembench_count.so reports the benchmark loop's window, and
// Google Benchmark's own JSON output its time.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "report/model.h"
#include "runner/command_case.h"

namespace membench::runner {

// The dataset part of a Google Benchmark case's id: there is none.
inline constexpr const char* kNoDataset = "-";

struct GbenchSuite {
  std::string executable;          // absolute path
  std::vector<std::string> args;   // the user's pass-through options, given to every run
  CommandSet set;                  // one command per benchmark (set.workload_name: the workload)
};

// Lists the benchmarks of each executable (PATH --benchmark_list_tests) and
// makes one suite per executable. `workload` renames the only one. Throws
// UsageError (one line): not found, not executable, listing failed or listed
// nothing, a refused pass-through option, two suites with one name.
std::vector<std::shared_ptr<const GbenchSuite>> load_gbench_suites(const std::vector<std::string>& paths,
                                                                   const std::vector<std::string>& args,
                                                                   const std::string& workload, double timeout_seconds);

// Throws UsageError when a pass-through option would break the measurement
// (docs/gbench.md lists them).
void check_gbench_args(const std::vector<std::string>& args);

// The workload name an executable's cases get: its file name, made fit for a
// case id.
std::string gbench_workload_name(const std::string& path);

// One repetition of Google Benchmark's JSON output, per iteration.
struct GbenchRepetition {
  double real_ns = 0, cpu_ns = 0;
  std::uint64_t iterations = 0;
  // The benchmark's own rates (State::SetBytesProcessed, SetItemsProcessed).
  std::optional<double> bytes_per_second, items_per_second;
};

// The repetitions of `benchmark` in a --benchmark_out JSON file's text (its
// "iteration" runs; aggregates are skipped). Throws std::runtime_error when
// the text is not such output, the benchmark did not run, or it reported an
// error (its message).
std::vector<GbenchRepetition> parse_gbench_json(const std::string& text, const std::string& benchmark);

// Runs every phase of a Google Benchmark case (gbench_case.cpp).
report::CaseResult run_gbench_case(const PlannedCase& c, const RunOptions& o);

}  // namespace membench::runner

// Plans the cases of a run and executes each in child processes of its own,
// producing the report model. Knows nothing of output formats.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/strategy.h"
#include "report/model.h"
#include "report/sites.h"
#include "util/sanitizer.h"

namespace membench::runner {

struct CommandSet;  // runner/command_case.h
struct CommandDef;
struct GbenchSuite;  // runner/gbench.h

// Chosen with `make gate-accuracy` (docs/time-gate.md).
inline constexpr int kDefaultProcesses = 5;
// The process, not the repetition, is the sample: a second repetition only
// narrows the spread within a process, and cost `make bench` a third of its
// time (docs/figures.md, "What each figure means").
inline constexpr int kDefaultRepetitions = 1;

struct RunOptions {
  std::string filter;  // ECMAScript regex on the case id; empty: all
  std::vector<std::string> datasets;  // names or paths; empty: the suite's
  std::vector<std::string> allocators{"glibc"};
  int processes = kDefaultProcesses;      // fresh timed processes per case
  int repetitions = kDefaultRepetitions;  // timed repetitions per process
  double min_time_seconds = 0.05;  // per repetition, Google Benchmark's MinTime
  double warmup_seconds = 0.05;    // per process, run and discarded before timing
  // Phases to run; `ab` asks for the memory and counting runs once and for
  // single timed processes, interleaved between two builds.
  bool run_memory = true, run_count = true, run_time = true;
  bool quick = false;
  bool scale = false;  // every non-opt-in size of each workload's datasets
  double timeout_seconds = 600;  // per case, all phases together
  std::uint64_t memory_limit = 0;  // per case; 0: none
  bool cold = false;
  double sample_interval_ms = 1.0;
  std::uint32_t sites_top = report::kDefaultSitesTop;  // allocation sites per ranking; 0: none recorded
  bool heaptrack = false;     // also run each case under heaptrack
  bool cachegrind = false;    // also count the strategy's instructions and cache misses under Valgrind
  std::string heaptrack_dir;  // where recordings go (beside the report)
  int shard_index = 1, shard_count = 1;  // 1-based shard of N
  std::vector<std::string> command_line;
  // run --command: these commands are the only cases' strategies.
  std::shared_ptr<const CommandSet> commands;
  // run --gbench: each executable's benchmarks are the only cases (docs/gbench.md).
  std::vector<std::shared_ptr<const GbenchSuite>> gbench;
};

struct PlannedCase {
  const Workload* workload;
  const Strategy* strategy;
  std::string dataset;       // name in the case id
  std::string dataset_path;  // filled by materialise_datasets() (plan.h)
  std::string allocator;
  bool user_file = false;
  const CommandDef* command = nullptr;  // a command case, or a Google Benchmark case's run of its executable
  const GbenchSuite* gbench = nullptr;  // a Google Benchmark case
  std::string id() const;
};

struct Progress {
  std::function<void(std::size_t index, std::size_t total, const PlannedCase&)> starting;
  std::function<void(std::size_t index, std::size_t total, const report::CaseResult&)> finished;
};

// Runs every case (throws Interrupted on SIGINT/SIGTERM, after stopping the
// running child), then checks digests and fits scaling.
report::Report run_cases(const std::vector<PlannedCase>& cases, const RunOptions& options,
                         const Progress& progress);

using membench::sanitizer_build;

}  // namespace membench::runner

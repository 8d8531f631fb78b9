// The runs of one case, each in fresh child processes of its own: memory,
// count and time (case_child.cpp is the other end); the opt-in cachegrind
// (cachegrind.h) and heaptrack (heaptrack_run.h) runs take a CaseRun too.
// Each reads its typed results (protocol.h) and fills its part of the case.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "report/model.h"
#include "runner/child_process.h"
#include "runner/runner.h"

namespace membench::runner {

// What every run of one case shares.
struct CaseRun {
  const PlannedCase& planned;
  const RunOptions& options;
  const std::string& exe;              // this membench, for `membench __case`
  std::vector<std::string> env;        // added to each child's environment (LD_PRELOAD)
  std::chrono::steady_clock::time_point deadline;  // --timeout covers all runs together

  double remaining_seconds() const;
  // `membench __case` arguments for one phase of this case.
  std::vector<std::string> child_argv(const char* phase) const;
};

// A case's identity, parameters and input size, before any run.
report::CaseResult case_skeleton(const PlannedCase& planned);

struct PhaseVerdict {
  bool ok = true;
  report::Status status = report::Status::ok;
  std::string error;
};

// How a child ended, as the case's status: a timeout, a signal, the child's
// own failure report, a malformed result, a bad exit, or ok.
PhaseVerdict judge(const ChildOutcome& out, const char* phase, const RunOptions& options);

// Peak RSS (sampled from outside, exact VmHWM at the end), the anon/file
// split, faults, the allocator's own view.
PhaseVerdict measure_memory(const CaseRun& run, report::CaseResult& result);
// Allocations and the output digest.
PhaseVerdict count_allocations(const CaseRun& run, report::CaseResult& result);
// Timed repetitions from --processes fresh processes, each after a warm-up
// (attach_time turns them into the case's figures).
PhaseVerdict time_processes(const CaseRun& run, report::CaseResult& result);

// Sets the case's time figures from its timed processes, and the throughput
// that follows from their median; `cpu_clock` says whose CPU time the samples
// hold (report::TimeStats::cpu_clock).
void attach_time(report::CaseResult& result, std::vector<report::ProcessSamples> processes, double warmup_seconds,
                 std::string cpu_clock);

}  // namespace membench::runner

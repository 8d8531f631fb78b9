// Timed samples of a case, per process: the summary figures a report holds
// and the one-value-per-process view that verdicts are judged on.
#pragma once

#include <optional>
#include <vector>

#include "report/model.h"

namespace membench::analyze {

// The report's time figures from each process's repetitions (all processes
// pooled for median_real_ns and cv; per_process kept as given).
report::TimeStats summarize_time(std::vector<report::ProcessSamples> processes, double warmup_seconds);

// The median real time of each process, in process order. Repetitions of one
// process share its memory layout and its minute on the machine, so a test of
// a change counts each process once.
std::vector<double> process_medians(const report::TimeStats& time);

// How long the case's processes took against the CPU time of their
// benchmarking thread: the median over processes of median real time over
// median CPU time. 1.0 when the thread ran throughout; 1.8 when it waited
// (for a core on a busy machine, for I/O, for another thread) 45% of the time.
// std::nullopt when a timed process has no CPU time to set against it.
std::optional<double> off_cpu_factor(const report::TimeStats& time);

}  // namespace membench::analyze

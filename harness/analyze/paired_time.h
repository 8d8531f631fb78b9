// The paired time verdict of compare under `membench ab`: real time and CPU
// time, each judged on the interleaved pairs, and which of them decides
// (docs/time-gate.md).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "analyze/compare.h"

namespace membench::analyze {

using TimedPairs = std::vector<std::pair<double, double>>;

// The pairs of one measure: (base, head) per pair in run order, and the
// adjacent same-build runs its noise floor comes from (none or under 3: the
// consecutive base runs).
struct PairedSeries {
  const TimedPairs* pairs = nullptr;
  const TimedPairs* same_build = nullptr;
  std::string clock;  // CPU time: whose (report::TimeStats::cpu_clock)
};

// Judges `m` (time or throughput, already holding base, head and threshold)
// on the real-time pairs and, when `cpu.pairs` is given, on the CPU-time
// pairs beside them; `cpu_unavailable` says why CPU time is not judged
// when it is not.
MetricChange judge_paired_time(MetricChange m, const MetricInfo& info, const Thresholds& all, PairedSeries real,
                               PairedSeries cpu, const std::string& cpu_unavailable);

// Why the CPU time of a case cannot be judged in pairs, or "" when it can:
// both sides must have measured the same clock (report::TimeStats::cpu_clock).
std::string cpu_time_unavailable(const report::CaseResult& base, const report::CaseResult& head);

}  // namespace membench::analyze

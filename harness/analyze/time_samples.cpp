#include "analyze/time_samples.h"

#include "analyze/statistics.h"

namespace membench::analyze {

report::TimeStats summarize_time(std::vector<report::ProcessSamples> processes, double warmup_seconds) {
  report::TimeStats t;
  for (const report::ProcessSamples& p : processes) {
    t.real_ns.insert(t.real_ns.end(), p.real_ns.begin(), p.real_ns.end());
    t.cpu_ns.insert(t.cpu_ns.end(), p.cpu_ns.begin(), p.cpu_ns.end());
  }
  if (!processes.empty()) t.iterations = processes.front().iterations;
  t.repetitions = static_cast<int>(t.real_ns.size());
  t.median_real_ns = stats::median(t.real_ns);
  t.cv = stats::cv(t.real_ns);
  t.per_process = std::move(processes);
  t.warmup_seconds = warmup_seconds;
  return t;
}

std::vector<double> process_medians(const report::TimeStats& time) {
  std::vector<double> out;
  for (const report::ProcessSamples& p : time.per_process)
    if (!p.real_ns.empty()) out.push_back(stats::median(p.real_ns));
  return out;
}

std::optional<double> off_cpu_factor(const report::TimeStats& time) {
  std::vector<double> factors;
  for (const report::ProcessSamples& p : time.per_process) {
    if (p.real_ns.empty()) continue;
    const double cpu = stats::median(p.cpu_ns);
    if (p.cpu_ns.size() != p.real_ns.size() || !(cpu > 0)) return std::nullopt;
    factors.push_back(stats::median(p.real_ns) / cpu);
  }
  if (factors.empty()) return std::nullopt;
  return stats::median(factors);
}

}  // namespace membench::analyze

#include "cli/selfbench_commands.h"

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "analyze/statistics.h"
#include "report/json.h"
#include "runner/command_case.h"
#include "runner/count_slots.h"
#include "util/format.h"
#include "util/shell.h"

namespace membench::cli {
namespace {

// Wall seconds of `membench run --command t=true` making `processes` x 10
// timed runs, and the median wall time each run of `true` reported.
double run_true(const std::string& exe, const std::string& work, int processes, double& median_ns) {
  std::string out = work + "/true-" + std::to_string(processes) + ".json";
  double seconds = 0;
  shell_capture(shell_quote(exe) + " run --command t=true --dataset " + shell_quote(work + "/empty") +
                    " --phases time --warmup 0 --repetitions 10 --processes " + std::to_string(processes) +
                    " --out " + shell_quote(out) + " >/dev/null 2>&1",
                nullptr, &seconds);
  report::Report r = report::read_report_file(out);
  median_ns = r.results.empty() || !r.results[0].time ? 0 : r.results[0].time->median_real_ns;
  return seconds;
}

// Median wall seconds of `command`, alternating with and without `prefix`
// (environment assignments), `rounds` times each.
std::pair<double, double> alternate(const std::string& command, const std::string& prefix, int rounds) {
  std::vector<double> plain, with;
  for (int i = 0; i < rounds; ++i) {
    double s = 0;
    shell_capture(command + " >/dev/null 2>&1", nullptr, &s);
    plain.push_back(s);
    shell_capture(prefix + " " + command + " >/dev/null 2>&1", nullptr, &s);
    with.push_back(s);
  }
  return {stats::median(plain), stats::median(with)};
}

}  // namespace

std::vector<std::array<std::string, 4>> command_figures(const std::string& exe, const std::string& work) {
  std::vector<std::array<std::string, 4>> rows;
  std::filesystem::create_directories(work);
  std::ofstream(work + "/empty").flush();
  std::fprintf(stderr, "command cases: harness overhead per run of true ...\n");
  // Two run lengths: their difference leaves out membench's own start-up.
  double short_ns = 0, long_ns = 0;
  double short_s = run_true(exe, work, 5, short_ns), long_s = run_true(exe, work, 25, long_ns);
  double per_run_ms = (long_s - short_s) / 200 * 1e3, own_ms = long_ns / 1e6;
  double overhead_ms = per_run_ms - own_ms;
  rows.push_back({"harness overhead per command run (true: " + format_fixed(per_run_ms, 2) + " ms a run, " +
                      format_fixed(own_ms, 2) + " ms its own wall time)",
                  format_fixed(overhead_ms, 2) + " ms", "<= 5 ms", overhead_ms <= 5 ? "MET" : "MISSED"});

  std::string library = runner::count_library();
  if (library.empty()) return rows;
  std::fprintf(stderr, "command cases: counting library on python3 building a dict ...\n");
  const std::string python = "/usr/bin/python3 -c 'd = {i: str(i) for i in range(2000000)}'";
  // A real counts file, as a counting run gives: the counter then updates its
  // slot in the shared mapping (docs/command-cases.md).
  runner::CountsFile counts;
  const std::string preload = "LD_PRELOAD=" + shell_quote(library) + " MEMBENCH_COUNT_FILE=" + shell_quote(counts.path());
  for (const char* pymalloc : {"", "PYTHONMALLOC=malloc "}) {
    auto [plain, counted] = alternate(pymalloc + python, preload, 7);
    double ratio = counted / plain;
    rows.push_back({std::string("counting library on / off, python3 dict of 2 M ints") +
                        (*pymalloc ? " (PYTHONMALLOC=malloc: every object a malloc)" : ""),
                    format_fixed(ratio, 3) + "x (" + format_fixed(plain, 2) + " s / " + format_fixed(counted, 2) +
                        " s)",
                    "<= 1.10x", ratio <= 1.10 ? "MET" : "MISSED"});
  }
  return rows;
}

}  // namespace membench::cli

// Before/after in one session: two membench builds measured on the same
// machine, case by case, their timed processes interleaved and paired
// (docs/ab.md). Interleaving cancels the drift
// between minutes; pairing cancels the machine's slow moments, which a
// comparison of two reports taken at different times cannot.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "report/model.h"
#include "runner/ab_build.h"

namespace membench::runner {

struct AbOptions {
  // `run` arguments that pick the cases (--filter, --dataset, --quick,
  // --allocator) and set how each run measures (--repetitions, --min-time,
  // --warmup, --timeout, --memory-limit, --cold), given to both builds
  // unchanged.
  std::vector<std::string> selection;
  std::vector<std::string> measurement;
  // --sample-interval as given ("": run's default), for the memory and counting
  // runs and a command case's timed processes; a strategy case's timed memory
  // runs sample once a second (only their final VmHWM is paired).
  std::string sample_interval;
  // Given only to the memory and counting runs (--cachegrind: exact figures
  // need one run per build, not one per pair).
  std::vector<std::string> untimed_only;
  int pairs = 6;  // timed processes per side and case (the command line sets its own default)
  // A case whose verdict more pairs could settle gets `pairs` more, while it
  // stays under max_pairs (docs/ab.md, "More pairs where they can settle a case").
  int max_pairs = 18;
  using Pairs = std::vector<std::pair<double, double>>;
  // One case's timed processes so far (see AbResult): the (base, head) pairs
  // and the same-build runs, of real time and of CPU time.
  struct CasePairs {
    Pairs real, real_same_build, cpu, cpu_same_build;
  };
  // Asked after each batch; none: never more pairs.
  std::function<bool(const std::string& case_id, const CasePairs& pairs)> more_pairs;
  std::string work_dir;    // the reports of each step go here
  // >0: every timed `membench run`, and so its case process, runs at this
  // SCHED_RR priority; 0: normal priority (docs/time-gate-loaded.md, "Real-time priority").
  int realtime_priority = 0;
  std::string realtime_refusal;  // why not, when real-time priority was wanted and refused
};

struct AbProgress {
  std::function<void(const std::string&)> note;  // a phase begins
  std::function<void(std::size_t index, std::size_t total, const std::string& case_id)> timing;
  std::function<void(const std::string& case_id, int pairs)> more_pairs;  // a case gets more pairs, `pairs` in all
};

struct AbResult {
  // Ordinary reports: memory and counting runs from one `run` of each build,
  // time from the interleaved processes (one per pair and side).
  report::Report base, head;
  // Per case, the median real time of each timed process, as (base, head)
  // pairs in the order they ran.
  std::map<std::string, std::vector<std::pair<double, double>>> pairs;
  // Per case, the runs of one build that ran next to each other (head, head
  // between the first two pairs, base, base between the next two, ...): an
  // A/A pairing as close in time as the real pairs, for the noise floor.
  std::map<std::string, std::vector<std::pair<double, double>>> same_build;
  // The same two of each process's median CPU time (report::TimeStats::cpu_clock
  // says whose), judged beside real time (docs/time-gate.md).
  std::map<std::string, std::vector<std::pair<double, double>>> cpu_pairs, cpu_same_build;
  // Per case, peak RSS Δ (bytes) of the memory run each timed process made
  // first, as (base, head) pairs in the same order.
  std::map<std::string, std::vector<std::pair<double, double>>> peak_rss;
};

// Measures every case both builds have, interleaving each case's timed
// processes base, head, head, base, ... (the order alternates so that a
// steady drift adds as much to one side as to the other). Throws AbError
// when a build cannot run the selection, Interrupted on SIGINT/SIGTERM.
AbResult run_ab(const AbBuild& base, const AbBuild& head, const AbOptions& options, const AbProgress& progress);

// `text` with every regular-expression metacharacter escaped.
std::string regex_escape(const std::string& text);

}  // namespace membench::runner

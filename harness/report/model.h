// The report model: what a run produced, independent of any output format.
// Field names are those of the report JSON, documented field by field (unit,
// meaning, which run measures it) in docs/report-format.md; report/json.cpp
// maps them.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "track/alloc_fields.h"

namespace membench::report {

inline constexpr const char* kSchema = "membench.report/2";
// Still read: one timed process per case, no per-process samples.
inline constexpr const char* kSchemaV1 = "membench.report/1";

enum class Status { ok, failed, timeout, oom, mismatch, skipped };
const char* to_string(Status s);
std::optional<Status> status_from_string(const std::string& s);

// The timed repetitions of one fresh process, after its warm-up.
struct ProcessSamples {
  std::vector<double> real_ns;  // one value per repetition, per iteration
  std::vector<double> cpu_ns;
  std::uint64_t iterations = 0;  // per repetition
};

struct TimeStats {
  int repetitions = 0;          // all timed repetitions of all processes
  std::vector<double> real_ns;  // every process's repetitions, in process order
  std::vector<double> cpu_ns;
  double median_real_ns = 0;
  double cv = 0;  // coefficient of variation of real_ns
  std::uint64_t iterations = 0;  // per repetition (the first process's)
  // Each process's own samples: drift between processes is the noise a
  // verdict must see, so the repetitions of one process are never pooled blind.
  std::vector<ProcessSamples> per_process;
  double warmup_seconds = 0;  // run and thrown away in each process before timing
  // Whose CPU time cpu_ns holds (docs/report-format.md, time): "process" (every
  // thread of the case process), "children" (a command's user + system time
  // from wait4), "" (a report from before the field: the benchmarking thread
  // only, which leaves out a strategy's helper threads).
  std::string cpu_clock;
};

struct Throughput {
  double bytes_per_second = 0;
  std::optional<double> items_per_second;
};

struct MemoryStats {
  std::uint64_t baseline_rss_bytes = 0;
  std::uint64_t peak_rss_bytes = 0;  // VmHWM of the memory-run process
  std::uint64_t peak_rss_delta_bytes = 0;
  std::uint64_t peak_anon_bytes = 0;  // sampled maxima, absolute
  std::uint64_t peak_file_bytes = 0;
  std::uint64_t peak_shmem_bytes = 0;
  std::uint64_t baseline_anon_bytes = 0;
  std::uint64_t baseline_file_bytes = 0;
  std::uint64_t baseline_shmem_bytes = 0;
  std::uint64_t minor_faults = 0;
  std::uint64_t major_faults = 0;
  std::uint64_t samples = 0;  // how many outside samples the peaks come from
  // Highest RSS among the samples: when it is below peak_rss_bytes, the run
  // peaked between samples and the anon/file/shmem split is a lower bound.
  std::uint64_t peak_rss_sampled_bytes = 0;
};

// One frame of an allocation's call stack, as symbolized from debug information.
struct SiteFrame {
  std::string function;  // demangled, without parameter lists
  std::string file;      // relative to the source tree when inside it
  std::uint32_t line = 0;
  bool operator==(const SiteFrame&) const = default;
};

// The allocations of one call stack (a site) in the counting run.
struct AllocationSite {
  std::vector<SiteFrame> frames;  // the strategy first, the allocating call last
  std::uint64_t count = 0;
  std::uint64_t bytes = 0;
  std::uint64_t temporary = 0;
  std::uint64_t leaked_bytes = 0;
  std::uint64_t peak_live_bytes = 0;  // this site's share of allocations.peak_live_bytes
  std::vector<std::uint32_t> threads;  // 0: the thread that ran the strategy; 1, 2...: others, as they appeared
};

// allocations.sites: the top sites by count, by bytes and by share of the
// peak; everything else summed in `other`, so sums equal the case's totals.
struct AllocationSites {
  std::uint32_t top = 0;            // N of each ranking
  std::uint64_t unique_stacks = 0;  // sites in all
  std::vector<AllocationSite> entries;  // the union of the three top-N, by count (then bytes) descending
  AllocationSite other;                 // the remaining sites summed (no frames)
  std::uint64_t other_sites = 0;
  // Every site, while a run holds it (the folded-stacks files are written
  // from it); not part of the JSON.
  std::vector<AllocationSite> all;
};

struct Allocations {
  MEMBENCH_ALLOCATION_TOTAL_MEMBERS  // count, bytes, peak_live_bytes, ... (track/alloc_fields.h)
  // A Google Benchmark case: the iterations of the window these totals come
  // from, which the per-iteration figures divide by (docs/gbench.md); 0: the
  // totals are one strategy call's.
  std::uint64_t iterations = 0;
  std::optional<AllocationSites> sites = {};  // when the counting run recorded them
};

// Counted under Valgrind's cache simulator for the strategy's call alone
// (run --cachegrind): deterministic, unlike time.
struct CpuCost {
  std::uint64_t instructions = 0;  // instructions executed (Ir)
  std::uint64_t d1_misses = 0;     // simulated first-level data cache misses, reads and writes
  std::uint64_t ll_misses = 0;     // simulated last-level misses, instructions and data
  // L1 hits + 5 x LL hits + 35 x RAM accesses (docs/time-gate.md); none in a
  // report from before it.
  std::optional<std::uint64_t> estimated_cycles;
};

struct Timeline {
  double interval_ms = 0;
  std::vector<std::uint64_t> rss_bytes;
  std::vector<std::uint64_t> anon_bytes;
  std::vector<std::uint64_t> file_bytes;
};

// One budget (docs/budgets.md) as judged on one case.
struct BudgetCheck {
  std::string metric;  // the catalogue's name (report/metrics.h)
  std::string op;      // "<=" or ">="
  double limit = 0;
  std::optional<double> value;  // none: the case lacks the figure, so it was not judged
  std::string source;           // "FILE:LINE", or "registration" for one declared with the strategy
  bool over = false;
};

// One allocation site that leaked, as the leak budget saw it.
struct LeakEntry {
  std::string site;  // "function (file:line)" of where it allocates
  std::uint64_t bytes = 0;
  std::string suppressed_by;  // "leak:RULE (FILE:LINE)", "" when it counts against the budget
};

// The budgets that applied to a case, and its leaks, suppressed ones listed.
struct BudgetOutcome {
  std::vector<BudgetCheck> checks;
  std::vector<LeakEntry> leaks;
  bool over() const {
    for (const BudgetCheck& c : checks)
      if (c.over) return true;
    return false;
  }
};

struct CaseResult {
  std::string id;  // workload/strategy/dataset/allocator
  std::string workload;
  std::string strategy;
  std::string dataset;
  std::string allocator;
  std::vector<std::pair<std::string, std::int64_t>> params;
  Status status = Status::ok;
  std::string error;
  std::uint64_t input_bytes = 0;
  std::uint64_t input_items = 0;
  std::string output_digest;
  std::optional<TimeStats> time;
  std::optional<Throughput> throughput;
  std::optional<MemoryStats> memory;
  std::optional<Allocations> allocations;
  std::optional<Timeline> timeline;
  std::optional<CpuCost> cachegrind;
  nlohmann::json allocator_stats;  // object, or null when not collected
  nlohmann::json heaptrack;        // object, or null without --heaptrack
  nlohmann::json extra;            // strategy- or workload-specific figures
  // A command case (run --command): its command line and the figures only a
  // command has (docs/report-format.md, "command"); null for a strategy.
  nlohmann::json command;
  // Why `allocations` is absent although counting ran (a statically linked
  // command, an allocator of its own); empty otherwise.
  std::string allocations_unavailable;
  // A Google Benchmark case (run --gbench): its executable, benchmark and the
  // window's own figures (docs/report-format.md, "gbench"); null otherwise.
  nlohmann::json gbench;
  // Why `memory` is absent although the memory run ran (a Google Benchmark
  // case whose loop the preloaded library could not see); empty otherwise.
  std::string memory_unavailable;
  // Set when the run (or compare, ab) judged budgets: run --budgets.
  std::optional<BudgetOutcome> budget;
  // Fields this version does not know, kept so that rewriting a report
  // (merge) loses nothing a newer runner added.
  nlohmann::json unknown = nlohmann::json::object();
};

struct ScalingFit {
  std::string workload;
  std::string strategy;
  std::string allocator;
  std::string metric;  // a fitted metric's name (report/metrics.h)
  std::vector<std::pair<double, double>> points;  // (input_bytes, value)
  double slope = 0;
  double intercept = 0;
  double r2 = 0;
  std::string complexity;  // "O(1)", "O(n)" or "O(?)": the JSON field "class"
  std::string declared = {};  // the strategy's declared class, "" when it declares none
};

struct Report {
  std::string schema = kSchema;
  nlohmann::json context = nlohmann::json::object();
  std::vector<CaseResult> results;
  std::vector<ScalingFit> scaling;
};

std::string case_id(const std::string& workload, const std::string& strategy,
                    const std::string& dataset, const std::string& allocator);

// The order of one group's rows on a page (for a stable sort): the reference
// strategy first, then by name; a Google Benchmark suite's cases keep the
// report's order, its listing's (docs/gbench.md).
inline bool shown_before(const CaseResult& a, const CaseResult& b, const std::string& reference) {
  const bool a_ref = a.strategy == reference, b_ref = b.strategy == reference;
  if (a_ref != b_ref) return a_ref;
  if (!a.gbench.is_null() && !b.gbench.is_null()) return false;
  return a.strategy < b.strategy;
}

}  // namespace membench::report

#include "report/metrics.h"

#include <algorithm>
#include <cstdio>
#include <stdexcept>
#include <string>

#include "util/format.h"

namespace membench::report {
namespace {

using D = Direction;
using K = MetricKind;
using U = MetricUnit;

template <typename Stats, typename Field>
std::optional<double> field_of(const std::optional<Stats>& stats, Field Stats::*field) {
  if (!stats) return std::nullopt;
  return static_cast<double>((*stats).*field);
}

// Peak minus baseline of the memory run. A Google Benchmark case measures
// its loop's window, which outside samples cannot bound (docs/gbench.md).
std::optional<double> delta_of(const CaseResult& c, std::uint64_t MemoryStats::*peak,
                               std::uint64_t MemoryStats::*baseline) {
  if (!c.memory || !c.gbench.is_null()) return std::nullopt;
  return static_cast<double>((*c.memory).*peak) - static_cast<double>((*c.memory).*baseline);
}

// A total of one strategy call. A Google Benchmark window's totals grow with
// the iterations Google Benchmark chose for the time it had, so they are not
// compared; its per-iteration figures are (docs/gbench.md).
std::optional<double> per_call(const CaseResult& c, std::uint64_t Allocations::*field) {
  if (!c.allocations || c.allocations->iterations > 0) return std::nullopt;
  return static_cast<double>((*c.allocations).*field);
}

std::optional<double> per_iteration(const CaseResult& c, std::uint64_t Allocations::*field) {
  if (!c.allocations || c.allocations->iterations == 0) return std::nullopt;
  return static_cast<double>((*c.allocations).*field) / static_cast<double>(c.allocations->iterations);
}

// `figure` per item, for workloads that count items (Workload::item_unit).
std::optional<double> per_item(const CaseResult& c, std::uint64_t Allocations::*figure) {
  if (!c.allocations || c.input_items == 0) return std::nullopt;
  return static_cast<double>((*c.allocations).*figure) / static_cast<double>(c.input_items);
}

// Constant-initialised (no constructor runs), so code running before main,
// such as a static Thresholds, may already read it.
constexpr Metric kMetrics[] = {
    {MetricId::peak_rss_delta, "memory.peak_rss_delta_bytes", "peak RSS Δ", U::bytes, D::lower_is_better, K::rss,
     true, kTable | kTerminal | kMarkdown | kVersus | kHeadline | kOverview | kFitted,
     "The case process's peak resident set size (the kernel's high-water mark, as /usr/bin/time -v reports it) "
     "minus its RSS right before the strategy started. Every case runs in a process of its own, so this is what "
     "the strategy itself added to physical memory.",
     [](const CaseResult& c) { return field_of(c.memory, &MemoryStats::peak_rss_delta_bytes); }},
    {MetricId::peak_anon_delta, "memory.peak_anon_delta_bytes", "anon Δ", U::bytes, D::lower_is_better, K::rss,
     false, kTable | kTerminal,
     "The sampled peak of anonymous memory (heap, stacks, private buffers) minus its baseline: a read buffer "
     "shows up here. Samples can miss short spikes; the peak RSS cannot.",
     [](const CaseResult& c) { return delta_of(c, &MemoryStats::peak_anon_bytes, &MemoryStats::baseline_anon_bytes); }},
    {MetricId::peak_file_delta, "memory.peak_file_delta_bytes", "file Δ", U::bytes, D::lower_is_better, K::rss,
     false, kTable | kTerminal,
     "The sampled peak of file-backed pages (page cache mapped into the process, e.g. an mmap of the input) minus "
     "its baseline: an mmap strategy shows up here rather than under anon.",
     [](const CaseResult& c) { return delta_of(c, &MemoryStats::peak_file_bytes, &MemoryStats::baseline_file_bytes); }},
    {MetricId::peak_rss, "memory.peak_rss_bytes", "peak RSS", U::bytes, D::lower_is_better, K::rss, false, 0,
     "The case process's whole peak resident set size (VmHWM), start-up and input included: the figure "
     "/usr/bin/time -v reports. Shown beside peak RSS Δ on hover.",
     [](const CaseResult& c) { return field_of(c.memory, &MemoryStats::peak_rss_bytes); }},
    {MetricId::peak_rss_delta_per_input_byte, "memory.peak_rss_delta_per_input_byte", "peak RSS Δ per input byte",
     U::ratio, D::lower_is_better, K::rss, true, kTable | kMarkdown,
     "Peak RSS Δ divided by the input's size: the memory amplification. About 100% for a strategy that holds "
     "its whole input (hash/full_read), about 0% for one that streams it through a fixed buffer (hash/stream).",
     [](const CaseResult& c) -> std::optional<double> {
       if (!c.memory || c.input_bytes == 0) return std::nullopt;
       return static_cast<double>(c.memory->peak_rss_delta_bytes) / static_cast<double>(c.input_bytes);
     }},
    {MetricId::allocations, "allocations.count", "allocations", U::count, D::lower_is_better, K::exact, true,
     kTable | kTerminal | kMarkdown | kVersus | kHeadline | kOverview,
     "Every malloc, calloc, realloc, aligned allocation and operator new between the strategy's start and end, "
     "each request counted once. Exact and deterministic: the same binary on the same data gives the same count.",
     [](const CaseResult& c) { return per_call(c, &Allocations::count); }},
    {MetricId::allocated_bytes, "allocations.bytes", "allocated", U::bytes, D::lower_is_better, K::exact, true,
     kTable | kTerminal | kMarkdown | kOverview, "The sum of the sizes those allocations requested.",
     [](const CaseResult& c) { return per_call(c, &Allocations::bytes); }},
    {MetricId::peak_live, "allocations.peak_live_bytes", "peak live", U::bytes, D::lower_is_better, K::exact, true,
     kTable | kTerminal | kMarkdown | kHeadline | kOverview | kFitted,
     "The high-water mark of requested-and-not-yet-freed bytes during the strategy.",
     [](const CaseResult& c) { return field_of(c.allocations, &Allocations::peak_live_bytes); }},
    {MetricId::temporary, "allocations.temporary", "temporary", U::count, D::lower_is_better, K::exact, true,
     kTable | kTerminal | kMarkdown,
     "Allocations freed with no other allocation in between (heaptrack's definition): churn that a reused buffer "
     "would avoid.",
     [](const CaseResult& c) { return per_call(c, &Allocations::temporary); }},
    {MetricId::leaked, "allocations.leaked_bytes", "leaked", U::bytes, D::lower_is_better, K::exact, true,
     kTable | kTerminal, "Bytes the strategy allocated and had not freed when it ended.",
     [](const CaseResult& c) { return per_call(c, &Allocations::leaked_bytes); }},
    // Google Benchmark cases (run --gbench): the last window's totals over its iterations.
    {MetricId::allocations_per_iteration, "allocations.per_iteration.count", "allocations/iter", U::count,
     D::lower_is_better, K::exact, true, kTable | kTerminal | kMarkdown | kVersus | kHeadline | kOverview,
     "A Google Benchmark case's allocations per iteration of its timed loop: the allocations between the loop's "
     "start and end in the batch Google Benchmark reports, divided by that batch's iterations.",
     [](const CaseResult& c) { return per_iteration(c, &Allocations::count); }},
    {MetricId::bytes_per_iteration, "allocations.per_iteration.bytes", "allocated/iter", U::bytes,
     D::lower_is_better, K::exact, true, kTable | kTerminal | kMarkdown | kOverview,
     "The bytes those allocations requested, per iteration of the timed loop.",
     [](const CaseResult& c) { return per_iteration(c, &Allocations::bytes); }},
    {MetricId::temporary_per_iteration, "allocations.per_iteration.temporary", "temporary/iter", U::count,
     D::lower_is_better, K::exact, true, kTable | kTerminal | kMarkdown,
     "Temporary allocations (freed with no other allocation in between) per iteration of the timed loop.",
     [](const CaseResult& c) { return per_iteration(c, &Allocations::temporary); }},
    {MetricId::allocations_per_item, "allocations.count_per_item", "allocations per item", U::count,
     D::lower_is_better, K::exact, true, kTable | kMarkdown,
     "Allocations divided by the items the strategy processed (words, rows, identifiers), for workloads that "
     "count items: 1.00 is one block per item.",
     [](const CaseResult& c) { return per_item(c, &Allocations::count); }},
    {MetricId::allocated_bytes_per_item, "allocations.bytes_per_item", "allocated per item", U::bytes,
     D::lower_is_better, K::exact, true, kTable | kMarkdown,
     "Bytes allocated divided by the items the strategy processed, for workloads that count items.",
     [](const CaseResult& c) { return per_item(c, &Allocations::bytes); }},
    {MetricId::median_time, "time.median_real_ns", "median time", U::nanoseconds, D::lower_is_better, K::time, true,
     kTable | kHeadline | kOverview,
     "The median over the repetitions of the real time per iteration (Google Benchmark), from runs separate "
     "from the memory run.",
     [](const CaseResult& c) { return field_of(c.time, &TimeStats::median_real_ns); }},
    {MetricId::bytes_per_second, "throughput.bytes_per_second", "throughput", U::bytes_per_second,
     D::higher_is_better, K::throughput, true, kTable | kTerminal | kMarkdown | kHeadline | kOverview,
     "Input bytes divided by the median real time.",
     [](const CaseResult& c) { return field_of(c.throughput, &Throughput::bytes_per_second); }},
    {MetricId::items_per_second, "throughput.items_per_second", "items/s", U::items_per_second, D::higher_is_better,
     K::throughput, true, 0,
     "Items (words, rows, ...) divided by the median real time, for workloads that have items; shown beside the "
     "throughput on hover.",
     [](const CaseResult& c) -> std::optional<double> {
       if (!c.throughput || !c.throughput->items_per_second) return std::nullopt;
       return *c.throughput->items_per_second;
     }},
    {MetricId::time_cv, "time.cv", "CV", U::ratio, D::lower_is_better, K::time, false, kTable | kTerminal,
     "The spread of the repetitions' real time (standard deviation / mean); above 5 % treat small differences in "
     "time and throughput as noise.",
     [](const CaseResult& c) { return field_of(c.time, &TimeStats::cv); }},
    // Counted only with run --cachegrind; tables leave out columns no case has.
    {MetricId::instructions, "cachegrind.instructions", "instructions", U::count, D::lower_is_better, K::exact,
     true, kTable | kTerminal,
     "Instructions the strategy's call executed (a Google Benchmark case: one warm iteration of its loop), "
     "counted under Valgrind's cache simulator (run --cachegrind): deterministic, unlike time.",
     [](const CaseResult& c) { return field_of(c.cachegrind, &CpuCost::instructions); }},
    {MetricId::estimated_cycles, "cachegrind.estimated_cycles", "est. cycles", U::count, D::lower_is_better, K::exact,
     true, kTable | kTerminal,
     "Cycles estimated from the cache simulator's counts of the strategy's call: L1 hits + 5 x last-level hits "
     "+ 35 x memory accesses (docs/time-gate.md). Deterministic like instructions, and it weighs a cache miss "
     "that instructions alone do not see.",
     [](const CaseResult& c) -> std::optional<double> {
       if (!c.cachegrind || !c.cachegrind->estimated_cycles) return std::nullopt;
       return static_cast<double>(*c.cachegrind->estimated_cycles);
     }},
    {MetricId::d1_misses, "cachegrind.d1_misses", "D1 misses", U::count, D::lower_is_better, K::exact, true,
     kTable | kTerminal, "Simulated first-level data cache misses of the strategy's call, reads and writes.",
     [](const CaseResult& c) { return field_of(c.cachegrind, &CpuCost::d1_misses); }},
    {MetricId::ll_misses, "cachegrind.ll_misses", "LL misses", U::count, D::lower_is_better, K::exact, true,
     kTable | kTerminal, "Simulated last-level cache misses of the strategy's call, instructions and data.",
     [](const CaseResult& c) { return field_of(c.cachegrind, &CpuCost::ll_misses); }},
};

int judging_rank(MetricKind k) {
  switch (k) {
    case K::exact: return 0;
    case K::rss: return 1;
    case K::time: return 2;
    case K::throughput: return 3;
  }
  return 4;
}

}  // namespace

std::span<const Metric> metrics() { return kMetrics; }

const Metric& metric(MetricId id) {
  for (const Metric& m : kMetrics)
    if (m.id == id) return m;
  throw std::logic_error("metric id missing from the catalogue");
}

const Metric* find_metric(std::string_view name) {
  for (const Metric& m : kMetrics)
    if (name == m.name) return &m;
  return nullptr;
}

std::vector<const Metric*> metrics_shown(Show where) {
  std::vector<const Metric*> out;
  for (const Metric& m : kMetrics)
    if (m.shows(where)) out.push_back(&m);
  return out;
}

std::vector<const Metric*> compared_metrics() {
  std::vector<const Metric*> out;
  for (const Metric& m : kMetrics)
    if (m.compared) out.push_back(&m);
  return out;
}

std::string unavailable_reason(const Metric& m, const CaseResult& c) {
  if (m.kind == K::rss && !c.memory) return c.memory_unavailable;
  if (c.allocations || c.allocations_unavailable.empty()) return "";
  return std::string_view(m.name).starts_with("allocations.") ? c.allocations_unavailable : "";
}

bool applies_to(const Metric& m, const std::vector<const CaseResult*>& cases) {
  auto per_iteration_case = [](const CaseResult* c) {
    return !c->gbench.is_null() || (c->allocations && c->allocations->iterations > 0);
  };
  switch (m.id) {
    case MetricId::allocations_per_iteration:
    case MetricId::bytes_per_iteration:
    case MetricId::temporary_per_iteration:
      return std::any_of(cases.begin(), cases.end(), per_iteration_case);
    case MetricId::allocations:
    case MetricId::allocated_bytes:
    case MetricId::temporary:
    case MetricId::leaked:
      return !std::all_of(cases.begin(), cases.end(), per_iteration_case);
    default:
      return true;
  }
}

bool is_derived(const Metric& m) {
  return m.id == MetricId::peak_rss_delta_per_input_byte || m.id == MetricId::allocations_per_item ||
         m.id == MetricId::allocated_bytes_per_item;
}

std::vector<const Metric*> in_judging_order(std::vector<const Metric*> list) {
  std::stable_sort(list.begin(), list.end(),
                   [](const Metric* a, const Metric* b) { return judging_rank(a->kind) < judging_rank(b->kind); });
  return list;
}

std::string metric_value_text(std::string_view metric, double value) {
  const Metric* m = find_metric(metric);
  if (m && m->unit != MetricUnit::count) return format_value(m->unit, value);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.6g", value);
  return buf;
}

}  // namespace membench::report

// The metric catalogue: every figure of a case that a renderer shows or
// compare judges, each once, with its name, label, unit, direction, noise
// kind, legend text and how to read it from a CaseResult. The HTML tables,
// charts, trend and compare overview, the Markdown and terminal tables, the
// legend, compare's metric list and the scaling fits all iterate over it:
// adding a metric is adding a row to metrics.cpp.
#pragma once

#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "report/model.h"
#include "util/format.h"

namespace membench::report {

// How noisy a figure is, hence how compare judges it (docs/compare.md, "`compare`: the regression gate").
enum class MetricKind { exact, time, throughput, rss };
// A metric's unit is one of util/format.h's, which writes it.
using MetricUnit = membench::Unit;
enum class Direction { lower_is_better, higher_is_better };

// Where a metric is shown (bits of Metric::shown).
enum Show : unsigned {
  kTable = 1u << 0,     // the HTML results table of each workload
  kTerminal = 1u << 1,  // the summary table `run` prints
  kMarkdown = 1u << 2,  // the Markdown results tables
  kVersus = 1u << 3,    // a "vs reference" column in the Markdown results tables
  kHeadline = 1u << 4,  // HTML bar charts, the comparison with the reference, the trend
  kOverview = 1u << 5,  // the compare page's overview (compared metrics only)
  kFitted = 1u << 6,    // fitted against input size (the report's `scaling`)
};

// One per metric, in catalogue (display) order; code that needs one
// particular metric names it by id rather than by its name string.
enum class MetricId {
  peak_rss_delta, peak_anon_delta, peak_file_delta, peak_rss, peak_rss_delta_per_input_byte,
  allocations, allocated_bytes, peak_live, temporary, leaked,
  allocations_per_iteration, bytes_per_iteration, temporary_per_iteration,
  allocations_per_item, allocated_bytes_per_item,
  median_time, time_cv, bytes_per_second, items_per_second,
  instructions, estimated_cycles, d1_misses, ll_misses,
};

struct Metric {
  MetricId id;
  const char* name;   // dotted, as the report JSON nests it (section.field); derived ones alike
  const char* label;  // a column header: "peak RSS Δ"
  MetricUnit unit;
  Direction direction;
  MetricKind kind;
  bool compared;             // judged by compare
  unsigned shown;            // Show bits
  const char* description;   // the legend's text, plain
  std::optional<double> (*value)(const CaseResult&);  // none when the case lacks the figure

  bool higher_is_better() const { return direction == Direction::higher_is_better; }
  bool shows(Show where) const { return (shown & where) != 0; }
};

// Every metric, in display order.
std::span<const Metric> metrics();
const Metric& metric(MetricId id);
const Metric* find_metric(std::string_view name);
// The metrics shown at `where`, in display order.
std::vector<const Metric*> metrics_shown(Show where);
// The compared metrics.
std::vector<const Metric*> compared_metrics();
// `list` in judging order, stable: exact figures first, then RSS, time and
// throughput. compare lists its metrics so, and the Markdown "vs reference"
// columns follow it.
std::vector<const Metric*> in_judging_order(std::vector<const Metric*> list);
// Why `m` has no value for `c` when it is an allocation figure that could not
// be counted (a command with its own allocator, statically linked) or a
// memory figure that could not be measured (a Google Benchmark loop the
// preloaded library could not see); "" else.
std::string unavailable_reason(const Metric& m, const CaseResult& c);
// `value` of the metric named `metric` for people, in its unit (a budget's
// limit and value); a count, or a name not in the catalogue, as a plain number.
std::string metric_value_text(std::string_view metric, double value);
// Whether `m` is a column of a table of these cases: the per-iteration
// allocation figures belong to Google Benchmark cases, the totals of one
// call to every other case (docs/gbench.md); every other metric always.
bool applies_to(const Metric& m, const std::vector<const CaseResult*>& cases);
// Figures derived from others of the catalogue (per item, per input byte):
// compare shows them but gates the figure they come from (README, "compare").
bool is_derived(const Metric& m);

}  // namespace membench::report

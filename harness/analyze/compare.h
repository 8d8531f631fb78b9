// Before/after comparison of two reports and the regression gate
// (docs/compare.md). Each metric is judged by its nature: allocation figures are
// deterministic and gated exactly; time, throughput and RSS are noisy and need
// a change beyond a noise threshold (and, with enough repetitions, a
// significant Mann-Whitney U test) before they count as a regression.
#pragma once

#include <map>
#include <optional>
#include <utility>
#include <regex>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "report/metrics.h"
#include "report/model.h"
#include "util/format.h"

namespace membench::analyze {

// The catalogue's (report/metrics.h), where every metric is defined.
using MetricKind = report::MetricKind;
using MetricUnit = report::MetricUnit;

struct MetricInfo {
  const char* name;  // as in the report and the catalogue
  MetricKind kind;
  MetricUnit unit;
  bool higher_is_better;
};

// Every metric compare judges, in display order: the catalogue's compared
// metrics, exact ones first.
const std::vector<MetricInfo>& compared_metrics();
const MetricInfo* find_metric(const std::string& name);
// The value of a catalogue metric in one case, when the report has it.
std::optional<double> metric_value(const report::CaseResult& c, const std::string& metric);

// A change regresses when the worsening exceeds both the relative and the
// absolute threshold (in the metric's own unit).
struct Threshold {
  double relative = 0;  // 0.05 = 5 %
  double absolute = 0;
  bool ignore = false;  // the metric is not gated for the matching cases
};

class ThresholdError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct ThresholdOverride {
  std::string pattern;  // ECMAScript regex, searched in the case id
  std::regex regex;
  std::vector<std::string> metrics;  // metric names it applies to
  std::optional<double> relative;
  std::optional<double> absolute;
  std::optional<bool> ignore;
};

struct Thresholds {
  std::vector<std::pair<std::string, Threshold>> defaults;  // every metric, in display order
  std::vector<ThresholdOverride> overrides;                 // later ones win
  double alpha = 0.05;           // significance level of the U test
  std::size_t min_repetitions = 5;  // per side, for the U test to be used
  // Unpaired time: no verdict when the two runs' off-CPU factors (real over
  // CPU time, analyze::off_cpu_factor) differ by more than this share, as
  // they do when one ran on a busy machine (docs/time-gate.md,
  // "Unpaired `compare`").
  double unpaired_load_tolerance = 0.02;

  Thresholds();  // the defaults of docs/compare.md, "`compare`: the regression gate"
  Threshold for_case(const std::string& case_id, const std::string& metric) const;
  std::string describe() const;  // one line summarising the defaults
};

// The thresholds file (see compare_thresholds_format()). Unknown metric names,
// unknown keys, bad values and invalid patterns throw ThresholdError naming
// `source`.
// A file's settings apply on top of `start` (ab starts from its own defaults).
Thresholds parse_thresholds(const nlohmann::json& j, const std::string& source, Thresholds start = Thresholds());
Thresholds read_thresholds_file(const std::string& path, Thresholds start = Thresholds());
const char* compare_thresholds_format();  // a short description for --help

enum class Verdict {
  unchanged,        // no change at all
  within,           // changed, but not beyond the threshold
  not_significant,  // beyond the threshold, but the U test did not confirm it
  improved,
  regressed,
  unavailable,      // missing on one side
};
const char* to_string(Verdict v);

struct MetricChange {
  const MetricInfo* metric = nullptr;
  double base = 0;
  double head = 0;
  double delta = 0;     // head - base
  double relative = 0;  // delta / base; +-inf when base is 0 and head is not
  Verdict verdict = Verdict::unchanged;
  Threshold threshold;
  std::optional<double> p_value;  // the significance test's, when one was run
  bool threshold_only = false;    // a noisy metric judged without a significance test
  std::string note;               // why, when the reason is not obvious
  // Time and throughput: the confidence interval of the relative change
  // (paired runs: of the median per-pair ratio, minus 1), and the smallest
  // change this case can show on this machine (docs/ab.md, "The noise floor").
  std::optional<double> interval_low, interval_high;
  std::optional<double> noise_floor;
  std::optional<std::size_t> pairs;  // paired time: how many pairs it was judged on
  // Paired time and throughput are judged on real time and on CPU time
  // (docs/time-gate.md); the figures above are real time's. `real_verdict`
  // is what real time alone gave, `decided_by` which measure set `verdict`
  // ("real", "cpu", "real and cpu", "none"), `cpu` the CPU time's own
  // evidence, or `cpu_unavailable` why there is none.
  struct CpuEvidence {
    double relative = 0;  // median per-pair CPU ratio minus 1
    double interval_low = 0, interval_high = 0;
    double noise_floor = 0;
    double p_value = 1;
    std::size_t pairs = 0;
    Verdict verdict = Verdict::unchanged;
    std::string clock;  // report::TimeStats::cpu_clock
  };
  std::optional<CpuEvidence> cpu;
  std::string cpu_unavailable;
  std::optional<Verdict> real_verdict;
  std::string decided_by;
};

// Timed samples that `membench ab` ran back to back: per case id, the
// (base, head) median real time of each pair of processes, in run order.
struct PairedTimes {
  std::map<std::string, std::vector<std::pair<double, double>>> by_case;
  // Per case, adjacent runs of one build (an A/A pairing as close in time as
  // the pairs); the noise floor comes from them when there are at least 3,
  // else from consecutive base runs.
  std::map<std::string, std::vector<std::pair<double, double>>> same_build;
  // The same two of each timed process's median CPU time, judged beside real
  // time when both sides measured it alike (report::TimeStats::cpu_clock).
  std::map<std::string, std::vector<std::pair<double, double>>> cpu, cpu_same_build;
  // Per case, (base, head) peak RSS Δ in bytes of memory runs made in the
  // same interleaved order; peak RSS is judged on them when there are enough.
  std::map<std::string, std::vector<std::pair<double, double>>> peak_rss;
};

struct CaseComparison {
  std::string id, workload, strategy, dataset, allocator;
  report::Status base_status = report::Status::ok;
  report::Status head_status = report::Status::ok;
  std::string base_error, head_error;
  std::string base_digest, head_digest;
  bool digest_changed = false;
  std::size_t base_repetitions = 0, head_repetitions = 0;
  std::vector<MetricChange> metrics;
  const report::CaseResult* base = nullptr;  // into the compared reports
  const report::CaseResult* head = nullptr;

  bool status_regressed() const;  // ok -> anything else
  bool status_fixed() const;      // anything else -> ok
  int regression_count() const;   // regressed metrics, plus one for a status regression
  bool changed() const;           // anything worth showing
};

struct Comparison {
  std::vector<CaseComparison> cases;  // common cases, regressions first, then changes
  std::vector<std::string> only_in_base, only_in_head;
  Thresholds thresholds;
  std::string base_label = "base", head_label = "head";  // usually the file names
  bool paired = false;  // time judged on interleaved pairs (membench ab), not on two separate runs
  nlohmann::json base_context, head_context;

  int regression_count() const;
  int regressed_case_count() const;
  bool has_regression() const { return regression_count() > 0; }
};

// Matches cases by id. The reports must outlive the result (it points into them).
// With `paired`, time and throughput of the cases it holds are judged on the
// pairs (Wilcoxon signed-rank test and a bootstrap interval of the median
// ratio); otherwise on each side's per-process medians (Mann-Whitney U test),
// never on the repetitions of one process.
Comparison compare_reports(const report::Report& base, const report::Report& head,
                           const Thresholds& thresholds = Thresholds(), const PairedTimes* paired = nullptr);

// The time basis of a comparison, one line for its header.
std::string time_basis(const Comparison& c);

// The comparison as JSON (verdicts, values, p-values), for machines and pages.
nlohmann::json comparison_to_json(const Comparison& c);

// The terminal and Markdown forms are in render/compare_text.h.

// Human formatting shared with the renderers.
std::string format_value(MetricUnit unit, double value);
std::string format_duration_ns(double ns);    // "1.25 ms"
std::string format_relative(double relative); // "+5.0%", "new", "-100.0%"
std::string format_percent(double fraction);  // "12.3%"
std::string format_p_value(double p);         // "0.032", "1.2e-05"
std::string format_delta(MetricUnit unit, double delta);  // signed, in the metric's unit

// A short text from a report context: the first present of `keys` (strings,
// numbers or arrays of strings, joined by spaces), or "".
std::string context_text(const nlohmann::json& context, std::initializer_list<const char*> keys);

}  // namespace membench::analyze

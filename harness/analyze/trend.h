// Metrics over a history of reports (oldest first): per case and metric the
// value in each run, and the regressions between consecutive runs, judged
// as `compare` judges two reports (compare_reports, default thresholds).
// Pure computation; render/html_trend presents it.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "analyze/compare.h"
#include "report/model.h"

namespace membench::analyze {

// A regression from run `run - 1` to run `run`: of the status when `metric`
// is null, else of that metric (`change` holds the judgement).
struct TrendRegression {
  std::size_t run = 0;
  std::string id;
  const MetricInfo* metric = nullptr;
  report::Status base_status = report::Status::ok, head_status = report::Status::ok;
  std::string head_error;
  MetricChange change;
};

// A lasting step in a noisy metric (time, throughput, RSS) over the history:
// a change point by E-divisive means (analyze/changepoint.h) that held for at
// least three runs.
struct TrendStep {
  std::size_t run = 0;  // the first run of the new level
  double mean_before = 0, mean_after = 0;
  double relative = 0;  // (after - before) / |before|
  double p_value = 1;
  bool worse = false;   // in the metric's bad direction
};

// One metric of one case over the runs. A value exists where the case ran,
// completed and has the figure.
struct TrendSeries {
  std::string metric;
  std::vector<std::optional<double>> values;  // per run
  std::vector<bool> regressed;                // per run: worse than the run before
  std::optional<double> first, last;          // the oldest and newest values
  double change = 0;                          // (last - first) / |first|; 0 when first is 0
  std::vector<TrendStep> steps;               // noisy metrics only, oldest first
};

struct TrendCase {
  std::string id, workload;
  std::vector<std::optional<report::Status>> statuses;  // per run; none: not run
  bool status_regressed = false;                        // in any pair of runs
  std::vector<TrendSeries> series;                      // one per requested metric, in order
};

struct Trend {
  std::size_t runs = 0;
  // Regressions between consecutive runs: exact metrics and statuses only.
  // A noisy metric is marked by its lasting steps instead: from one night to
  // the next, two unpaired runs differ by the machine's drift alone.
  std::vector<TrendRegression> regressions;  // by run, then as compare orders cases
  std::vector<std::string> workloads;        // in the order of `cases`
  std::vector<TrendCase> cases;              // the newest run's cases first, then older ones'
};

// `metrics`: names metric_value() knows, in the order the series should have.
// The reports must outlive the result.
Trend compute_trend(const std::vector<report::Report>& reports, const std::vector<std::string>& metrics);

}  // namespace membench::analyze

#include "analyze/trend.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <tuple>

#include "analyze/changepoint.h"

namespace membench::analyze {
namespace {

using report::CaseResult;
using report::Report;
using report::Status;

// (run, case id, metric name or "" for the status) of every regression.
using RegressionKey = std::tuple<std::size_t, std::string, std::string>;

std::vector<TrendRegression> consecutive_regressions(const std::vector<Report>& reports) {
  std::vector<TrendRegression> out;
  for (std::size_t i = 1; i < reports.size(); ++i) {
    Comparison cmp = compare_reports(reports[i - 1], reports[i]);
    for (const CaseComparison& cc : cmp.cases) {
      TrendRegression r;
      r.run = i;
      r.id = cc.id;
      r.base_status = cc.base_status;
      r.head_status = cc.head_status;
      r.head_error = cc.head_error;
      if (cc.status_regressed()) out.push_back(r);
      for (const MetricChange& m : cc.metrics) {
        if (m.verdict != Verdict::regressed || m.metric->kind != MetricKind::exact) continue;
        r.metric = m.metric;
        r.change = m;
        out.push_back(r);
      }
    }
  }
  return out;
}

// Lasting steps of a noisy metric, found over the runs that have a value.
void add_steps(TrendSeries& s) {
  const MetricInfo* info = find_metric(s.metric);
  if (!info || info->kind == MetricKind::exact) return;
  std::vector<double> values;
  std::vector<std::size_t> runs;
  for (std::size_t i = 0; i < s.values.size(); ++i)
    if (s.values[i] && std::isfinite(*s.values[i])) {
      values.push_back(*s.values[i]);
      runs.push_back(i);
    }
  for (const stats::ChangePoint& cp : stats::detect_change_points(values)) {
    TrendStep step;
    step.run = runs[cp.index];
    step.mean_before = cp.mean_before;
    step.mean_after = cp.mean_after;
    step.relative = cp.relative_step;
    step.p_value = cp.p_value;
    step.worse = info->higher_is_better ? cp.relative_step < 0 : cp.relative_step > 0;
    s.steps.push_back(step);
    if (step.worse) s.regressed[step.run] = true;
  }
}

TrendSeries series_of(const std::string& metric, const std::string& id,
                      const std::vector<std::map<std::string, const CaseResult*>>& index,
                      const std::set<RegressionKey>& regressed) {
  const std::size_t n = index.size();
  TrendSeries s;
  s.metric = metric;
  s.values.resize(n);
  s.regressed.assign(n, false);
  for (std::size_t i = 0; i < n; ++i) {
    auto it = index[i].find(id);
    if (it == index[i].end() || it->second->status != Status::ok) continue;
    s.values[i] = metric_value(*it->second, metric);
    if (!s.values[i]) continue;
    if (!s.first) s.first = s.values[i];
    s.last = s.values[i];
    s.regressed[i] = regressed.count({i, id, metric}) > 0;
  }
  if (s.first && s.last && *s.first != 0) s.change = (*s.last - *s.first) / std::fabs(*s.first);
  add_steps(s);
  return s;
}

}  // namespace

Trend compute_trend(const std::vector<Report>& reports, const std::vector<std::string>& metrics) {
  Trend t;
  const std::size_t n = reports.size();
  t.runs = n;
  t.regressions = consecutive_regressions(reports);
  std::set<RegressionKey> regressed;
  for (const TrendRegression& r : t.regressions) regressed.insert({r.run, r.id, r.metric ? r.metric->name : ""});

  std::vector<std::map<std::string, const CaseResult*>> index(n);
  for (std::size_t i = 0; i < n; ++i)
    for (const CaseResult& c : reports[i].results) index[i].emplace(c.id, &c);
  // Cases of the newest run first, then those only older runs have.
  std::vector<const CaseResult*> firsts;  // each id's newest appearance
  std::set<std::string> seen;
  for (std::size_t k = n; k-- > 0;)
    for (const CaseResult& c : reports[k].results)
      if (seen.insert(c.id).second) firsts.push_back(&c);
  for (const CaseResult* c : firsts) {
    TrendCase tc;
    tc.id = c->id;
    tc.workload = c->workload;
    tc.statuses.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
      if (auto it = index[i].find(c->id); it != index[i].end()) tc.statuses[i] = it->second->status;
      tc.status_regressed |= regressed.count({i, c->id, ""}) > 0;
    }
    for (const std::string& m : metrics) tc.series.push_back(series_of(m, c->id, index, regressed));
    if (std::find(t.workloads.begin(), t.workloads.end(), tc.workload) == t.workloads.end())
      t.workloads.push_back(tc.workload);
    t.cases.push_back(std::move(tc));
  }
  return t;
}

}  // namespace membench::analyze

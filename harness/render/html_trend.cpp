#include "render/html_trend.h"

#include <sstream>

#include "analyze/trend.h"
#include "render/html_page.h"
#include "render/svg_charts.h"
#include "report/json.h"

namespace membench::render::html {
namespace {

using report::Report;
using report::Status;
namespace an = membench::analyze;

std::string run_label(const Report& r, std::size_t i) {
  std::string created = created_of(r.context);
  // Appended piece by piece: GCC 12 warns falsely (-Wrestrict) on "literal" + string.
  std::string label = "#";
  label += std::to_string(i + 1);
  if (!created.empty()) label.append(" ").append(created);
  return label;
}

std::string runs_table(const std::vector<Report>& reports, const std::vector<std::string>& labels) {
  const std::size_t n = reports.size();
  std::ostringstream o;
  o << "<div class=\"scroll\"><table class=\"runs\"><thead><tr><th>run</th><th>commit</th><th>host</th>"
       "<th class=\"num\">cases</th><th class=\"num\">not ok</th></tr></thead><tbody>";
  for (std::size_t i = 0; i < n; ++i) {
    int bad = 0;
    for (const report::CaseResult& c : reports[i].results) bad += completed(c) || c.status == Status::skipped ? 0 : 1;
    o << "<tr><td>" << esc(labels[i]) << (i + 1 == n ? " <span class=\"meta\">(shown below)</span>" : "")
      << "</td><td class=\"mono\">" << esc(report::context_text(reports[i].context, {"git_commit", "commit"}).substr(0, 12))
      << "</td><td>" << esc(report::context_text(reports[i].context, {"host", "hostname", "host_name"}))
      << "</td><td class=\"num\">" << reports[i].results.size() << "</td><td class=\"num" << (bad ? " v-bad" : "")
      << "\">" << bad << "</td></tr>";
  }
  o << "</tbody></table></div>";
  return o.str();
}

std::string regression_row(const an::TrendRegression& r, const std::vector<std::string>& labels) {
  std::ostringstream o;
  if (!r.metric) {
    o << "<tr class=\"bad\"><td>" << esc(labels[r.run]) << "</td><td class=\"mono\">" << esc(r.id)
      << "</td><td>status</td><td>" << report::to_string(r.base_status) << " &rarr; " << status_badge(r.head_status)
      << "</td><td class=\"err\">" << esc(r.head_error) << "</td></tr>";
    return o.str();
  }
  const an::MetricChange& m = r.change;
  o << "<tr><td>" << esc(labels[r.run]) << "</td><td class=\"mono\">" << esc(r.id) << "</td><td class=\"mono\">"
    << esc(m.metric->name) << "</td><td class=\"num v-bad\">" << esc(format_value(m.metric->unit, m.base))
    << " &rarr; " << esc(format_value(m.metric->unit, m.head)) << " (" << esc(format_relative(m.relative))
    << ")</td><td>" << esc(m.note) << "</td></tr>";
  return o.str();
}

std::string regressions_part(const an::Trend& t, const std::vector<std::string>& labels) {
  const std::size_t count = t.regressions.size();
  if (!count) return "<p class=\"v-good\">No exact figure (allocations, instructions) or status regressed between consecutive runs.</p>";
  std::ostringstream o;
  o << "<h3 class=\"v-bad\">" << count << " regression" << (count == 1 ? "" : "s")
    << " in exact figures or status between consecutive runs</h3><div class=\"scroll\"><table class=\"sortable regressions\"><thead><tr>"
       "<th>run</th><th>case</th><th>metric</th><th class=\"num\">change</th><th>note</th></tr></thead><tbody>";
  for (const an::TrendRegression& r : t.regressions) o << regression_row(r, labels);
  o << "</tbody></table></div>";
  return o.str();
}

std::string commit_of(const Report& r) {
  std::string commit = report::context_text(r.context, {"git_commit", "commit"});
  return commit.empty() ? "unknown commit" : "commit " + commit.substr(0, 12);
}

// The lasting steps of the noisy metrics, each named by the run and commit
// where it began (E-divisive means; a step shows once it held three runs).
std::string steps_part(const an::Trend& t, const std::vector<Report>& reports, const std::vector<std::string>& labels) {
  std::ostringstream rows;
  std::size_t count = 0;
  for (const an::TrendCase& tc : t.cases)
    for (const an::TrendSeries& s : tc.series)
      for (const an::TrendStep& st : s.steps) {
        const report::Metric* m = report::find_metric(s.metric);
        ++count;
        rows << "<tr" << (st.worse ? " class=\"bad\"" : "") << "><td class=\"mono\">" << esc(tc.id) << "</td><td>"
             << esc(m ? m->label : s.metric) << "</td><td>" << esc(labels[st.run]) << " (" << esc(commit_of(reports[st.run]))
             << ")</td><td class=\"num\">" << esc(m ? format_value(m->unit, st.mean_before) : "") << " &rarr; "
             << esc(m ? format_value(m->unit, st.mean_after) : "") << "</td><td class=\"num\">"
             << esc(format_relative(st.relative)) << "</td></tr>";
      }
  std::ostringstream o;
  if (!count) {
    o << "<p class=\"v-good\">No lasting step in time, throughput or RSS over these runs (change-point detection, "
         "E-divisive means).</p>";
    return o.str();
  }
  o << "<h3>" << count << " lasting step" << (count == 1 ? "" : "s")
    << " (change points)</h3><div class=\"scroll\"><table class=\"sortable steps\"><thead><tr><th>case</th><th>metric</th>"
       "<th>began at</th><th class=\"num\">level before &rarr; after</th><th class=\"num\">step</th></tr></thead><tbody>"
    << rows.str() << "</tbody></table></div>";
  return o.str();
}

std::string series_cell(const an::TrendSeries& s, const report::Metric& m, const an::TrendCase& tc,
                        const std::vector<std::string>& labels) {
  if (!s.last) return "<td class=\"num na\" data-v=\"\">&ndash;</td>";
  const std::size_t n = s.values.size();
  std::vector<std::string> titles(n);
  for (std::size_t i = 0; i < n; ++i)
    if (s.values[i])
      titles[i] = labels[i] + ": " + format_value(m.unit, *s.values[i]) + (s.regressed[i] ? " (regression)" : "");
  std::ostringstream o;
  o << "<td class=\"num spark-cell\" data-v=\"" << sort_key(s.change) << "\">"
    << sparkline(s.values, s.regressed, titles) << "<div>";
  // The newest run is what the row stands for: say so when it has no figure.
  const std::optional<Status>& newest = tc.statuses[n - 1];
  if (newest && *newest != Status::ok)
    o << "<span class=\"" << status_class(*newest) << "\">" << report::to_string(*newest) << "</span>";
  else if (!newest)
    o << "<span class=\"meta\">not run</span>";
  else
    o << esc(format_value(m.unit, *s.last)) << " <span class=\"meta\">" << esc(format_relative(s.change))
      << "</span>";
  o << "</div></td>";
  return o.str();
}

std::string workload_table(const an::Trend& t, const std::string& wl, const std::vector<std::string>& labels,
                           const std::vector<const report::Metric*>& metrics) {
  std::ostringstream o;
  o << "<h3>" << esc(wl) << "</h3><div class=\"scroll\"><table class=\"sortable trend\"><thead><tr><th>case</th>"
       "<th>status</th>";
  for (const report::Metric* m : metrics) o << "<th class=\"num\">" << esc(m->label) << "</th>";
  o << "</tr></thead><tbody>";
  for (const an::TrendCase& tc : t.cases) {
    if (tc.workload != wl) continue;
    o << "<tr" << (tc.status_regressed ? " class=\"bad\"" : "") << "><td class=\"mono\">"
      << esc(tc.id.substr(wl.size() + 1)) << "</td><td>" << status_strip(tc.statuses, labels) << "</td>";
    for (std::size_t k = 0; k < metrics.size(); ++k) o << series_cell(tc.series[k], *metrics[k], tc, labels);
    o << "</tr>";
  }
  o << "</tbody></table></div>";
  return o.str();
}

}  // namespace

std::string trend_section(const std::vector<Report>& reports) {
  std::vector<std::string> labels, names;
  for (std::size_t i = 0; i < reports.size(); ++i) labels.push_back(run_label(reports[i], i));
  const std::vector<const report::Metric*> metrics = report::metrics_shown(report::kHeadline);
  for (const report::Metric* m : metrics) names.emplace_back(m->name);
  const an::Trend t = an::compute_trend(reports, names);
  std::ostringstream o;
  o << "<section id=\"trend\"><h2>Trend over " << reports.size() << " runs</h2>" << runs_table(reports, labels)
    << steps_part(t, reports, labels) << regressions_part(t, labels);
  for (const std::string& wl : t.workloads) o << workload_table(t, wl, labels, metrics);
  o << "<p class=\"meta\">Each cell: the metric per run (oldest left), the newest value and its change since the "
       "first run. Red points: where a lasting step for the worse began (time, throughput, RSS: change-point "
       "detection over the whole history, so one slow night is not a step), or an exact figure that rose against the "
       "run before.</p>";
  o << "</section>";
  return o.str();
}

}  // namespace membench::render::html

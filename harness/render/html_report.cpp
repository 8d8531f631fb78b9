// The report page: a header with the run's summary, then per workload the
// results table, bar charts, timelines and the optional sections, then the
// run's context and the legend. Given a history, a trend section first.
#include <algorithm>
#include <limits>
#include <map>
#include <optional>
#include <sstream>

#include "analyze/compare.h"
#include "render/budget_text.h"
#include "render/html.h"
#include "render/html_allocators.h"
#include "render/html_extras.h"
#include "render/html_flame.h"
#include "render/html_heaptrack.h"
#include "render/html_lead.h"
#include "render/html_page.h"
#include "render/html_trend.h"
#include "render/svg_charts.h"
#include "report/json.h"
#include "util/format.h"

namespace membench::render {
namespace {

using namespace membench::render::html;
using nlohmann::json;
using report::CaseResult;
using report::Report;
using report::ScalingFit;
using report::Status;

std::string params_text(const CaseResult& c) {
  std::string s;
  for (const auto& [k, v] : c.params) s += (s.empty() ? "" : ", ") + k + "=" + std::to_string(v);
  return s;
}

// What a figure's cell says beyond its value: a tooltip with the figures
// behind it, and a warning where the figure itself is one.
struct CellNote {
  std::string title;
  bool warn = false;
};

// Called with the case's value `v`: the part of the case it comes from exists.
CellNote cell_note(const report::Metric& m, const CaseResult& c, double v) {
  using report::MetricId;
  auto bytes_of = [](std::uint64_t b) { return format_bytes(static_cast<double>(b)); };
  switch (m.id) {
    case MetricId::peak_rss_delta:
      return {"peak " + bytes_of(c.memory->peak_rss_bytes) + ", baseline " + bytes_of(c.memory->baseline_rss_bytes) +
              ", faults " + format_count(static_cast<double>(c.memory->minor_faults)) + " minor / " +
              format_count(static_cast<double>(c.memory->major_faults)) + " major"};
    case MetricId::peak_anon_delta: return {"peak " + bytes_of(c.memory->peak_anon_bytes)};
    case MetricId::peak_file_delta: return {"peak " + bytes_of(c.memory->peak_file_bytes)};
    case MetricId::leaked: return {"", v > 0};
    case MetricId::median_time:
      return {std::to_string(c.time->repetitions) + " repetitions x " + std::to_string(c.time->iterations) +
              " iterations"};
    case MetricId::bytes_per_second: {
      const report::Metric& items = report::metric(MetricId::items_per_second);
      std::optional<double> per_second = items.value(c);
      return {per_second ? format_value(items.unit, *per_second) : ""};
    }
    case MetricId::time_cv: return {"", v > 0.05};  // noisy: beyond compare's 5% time threshold (docs/compare.md)
    default: return {};
  }
}

std::string results_head(const std::vector<const report::Metric*>& columns) {
  std::string out =
      "<div class=\"scroll\"><table class=\"sortable results\"><thead><tr>"
      "<th>strategy</th><th>dataset</th><th>allocator</th><th class=\"num\">input</th><th>status</th>";
  for (const report::Metric* m : columns)
    out += "<th class=\"num\" title=\"" + esc(m->description) + "\">" + esc(m->label) + "</th>";
  return out + "<th>params</th><th>output digest</th></tr></thead><tbody>";
}

std::string figures_cells(const CaseResult& c, const std::vector<const report::Metric*>& columns) {
  std::string out;
  for (const report::Metric* m : columns) {
    std::optional<double> v = m->value(c);
    if (std::string why = report::unavailable_reason(*m, c); !why.empty()) {
      out += "<td class=\"num\" title=\"" + esc(why) + "\">unavailable</td>";
      continue;
    }
    CellNote note = v ? cell_note(*m, c, *v) : CellNote{};
    out += metric_cell(*m, v, note.title, note.warn ? "v-warn" : "");
  }
  return out;
}

std::string results_table(const std::vector<const CaseResult*>& cases) {
  // Columns no case has a figure for (cachegrind's without --cachegrind) are left out.
  std::vector<const report::Metric*> columns = report::metrics_shown(report::kTable);
  std::erase_if(columns, [&](const report::Metric* m) {
    return !report::applies_to(*m, cases) ||
           std::none_of(cases.begin(), cases.end(), [&](const CaseResult* c) { return m->value(*c).has_value(); });
  });
  std::ostringstream o;
  o << results_head(columns);
  for (const CaseResult* c : cases) {
    o << "<tr id=\"case-" << esc(slug(c->id)) << "\" class=\""
      << (completed(*c) ? "" : c->status == Status::skipped ? "skip" : "bad") << "\" data-case=\"" << esc(c->id)
      << "\">";
    o << "<td class=\"nw\">" << esc(c->strategy) << "</td><td class=\"nw\">" << esc(c->dataset)
      << "</td><td class=\"nw\">" << esc(c->allocator) << "</td>";
    o << num_cell(static_cast<double>(c->input_bytes), Unit::bytes,
                  c->input_items ? format_count(static_cast<double>(c->input_items)) + " items" : "");
    o << "<td>" << status_badge(c->status);
    if (!c->error.empty()) o << "<div class=\"err\">" << esc(c->error) << "</div>";
    // Why the allocation cells read "unavailable" (which processes could not be counted).
    if (!c->allocations_unavailable.empty())
      o << "<div class=\"err v-warn\">allocations: unavailable (" << esc(c->allocations_unavailable) << ")</div>";
    o << "</td>" << figures_cells(*c, columns);
    // A command case has no parameters: its command line stands there.
    bool command = c->command.is_object() && c->command.value("line", nlohmann::json()).is_string();
    o << "<td class=\"mono\">" << esc(command ? c->command["line"].get<std::string>() : params_text(*c)) << "</td>";
    o << "<td class=\"mono\" title=\"" << esc(c->output_digest) << "\">" << esc(short_digest(c->output_digest))
      << "</td></tr>";
  }
  o << "</tbody></table></div>";
  return o.str();
}

std::string group_of(const CaseResult& c) { return c.dataset + " · " + c.allocator; }

BarItem bar_item(const CaseResult& c, const report::Metric& m, const std::string& colour) {
  BarItem b;
  b.group = group_of(c);
  b.label = c.strategy;
  b.colour = colour;
  std::optional<double> v = m.value(c);
  if (!completed(c)) {
    b.missing = true;
    b.bad = c.status != Status::skipped;
    b.value_text = report::to_string(c.status) + (c.error.empty() ? "" : ": " + c.error);
    if (b.value_text.size() > 60) b.value_text = b.value_text.substr(0, 57) + "...";
    b.title = c.id + ": " + report::to_string(c.status) + (c.error.empty() ? "" : " - " + c.error);
  } else if (!v) {
    b.missing = true;
    b.value_text = report::unavailable_reason(m, c).empty() ? "not measured" : "unavailable";
    b.title = c.id;
  } else {
    b.value = *v;
    b.value_text = format_value(m.unit, *v);
    b.title = c.id + ": " + b.value_text;
  }
  return b;
}

std::string bar_charts(const std::vector<const CaseResult*>& cases) {
  // One colour per strategy, in order of appearance.
  std::vector<std::string> strategies;
  for (const CaseResult* c : cases)
    if (std::find(strategies.begin(), strategies.end(), c->strategy) == strategies.end())
      strategies.push_back(c->strategy);
  // Bars grouped by (dataset, allocator), one per strategy, in report order.
  std::vector<std::string> groups;
  for (const CaseResult* c : cases)
    if (std::find(groups.begin(), groups.end(), group_of(*c)) == groups.end()) groups.push_back(group_of(*c));
  std::vector<const CaseResult*> ordered = cases;
  std::stable_sort(ordered.begin(), ordered.end(), [&](const CaseResult* a, const CaseResult* b) {
    return std::find(groups.begin(), groups.end(), group_of(*a)) < std::find(groups.begin(), groups.end(), group_of(*b));
  });
  std::string out = "<div class=\"charts\">";
  for (const report::Metric* m : report::metrics_shown(report::kHeadline)) {
    std::vector<BarItem> items;
    bool any = false;
    for (const CaseResult* c : ordered) {
      auto index = std::find(strategies.begin(), strategies.end(), c->strategy) - strategies.begin();
      items.push_back(bar_item(*c, *m, palette(static_cast<std::size_t>(index))));
      any |= !items.back().missing;
    }
    if (any) out += bar_chart(m->label, m->higher_is_better() ? "higher is better" : "lower is better", items);
  }
  return out + "</div>";
}

std::string timeline_chart(const CaseResult& c, const std::string& title, int width, int height) {
  const report::Timeline& t = *c.timeline;
  LineChart chart;
  chart.title = title;
  chart.note = "every " + format_significant(t.interval_ms) + " ms";
  chart.svg_class = "chart timeline";
  chart.svg_attrs = " data-case=\"" + esc(c.id) + "\"";
  chart.x_fmt = Unit::milliseconds;
  chart.y_fmt = Unit::bytes;
  chart.width = width;
  chart.height = height;
  chart.readout = true;
  auto series = [&](const char* name, const char* colour, const std::vector<std::uint64_t>& v) {
    if (v.empty()) return;
    LineSeries s;
    s.name = name;
    s.colour = colour;
    for (std::size_t i = 0; i < v.size(); ++i)
      s.points.emplace_back(static_cast<double>(i) * t.interval_ms, static_cast<double>(v[i]));
    chart.series.push_back(std::move(s));
  };
  series("RSS", "rss", t.rss_bytes);
  series("anon", "anon", t.anon_bytes);
  series("file", "file", t.file_bytes);
  if (c.memory && c.memory->baseline_rss_bytes)
    chart.hlines.push_back({static_cast<double>(c.memory->baseline_rss_bytes), "baseline RSS", "baseline"});
  return line_chart(chart);
}

std::string timelines(const std::vector<const CaseResult*>& cases) {
  std::string charts;
  int n = 0;
  for (const CaseResult* c : cases) {
    if (!c->timeline || c->timeline->rss_bytes.empty()) continue;
    std::string title = c->strategy + " · " + c->dataset + " · " + c->allocator;
    if (!completed(*c)) title += " (" + std::string(report::to_string(c->status)) + ")";
    charts += timeline_chart(*c, title, 420, 200);
    ++n;
  }
  if (!n) return "";
  return "<details open><summary>Memory timelines (" + std::to_string(n) + ")</summary><div class=\"charts small\">" +
         charts + "</div></details>";
}

std::string class_badge(const std::string& cls) {
  const char* css = cls == "O(1)" ? "cls-1" : cls == "O(n)" ? "cls-n" : "cls-q";
  return std::string("<span class=\"badge ") + css + "\">" + esc(cls) + "</span>";
}

bool count_metric(const std::string& metric) {
  return metric.find("count") != std::string::npos || metric.find("temporary") != std::string::npos ||
         metric.find("faults") != std::string::npos;
}

// Measured points and the fitted line of one fit, in one colour.
void add_fit(LineChart& chart, const ScalingFit& f, const std::string& colour) {
  LineSeries pts;
  pts.name = f.strategy + "/" + f.allocator + " " + f.complexity;
  pts.colour = colour;
  pts.line = false;
  pts.markers = true;
  for (const auto& [x, y] : f.points) {
    pts.points.emplace_back(x, y);
    pts.titles.push_back(f.strategy + "/" + f.allocator + " at " + format_bytes(x) + ": " + format_value(chart.y_fmt, y));
  }
  LineSeries fit;
  fit.colour = colour;
  fit.dashed = true;
  fit.width = 1.2;
  double lo = std::numeric_limits<double>::infinity(), hi = 0;
  for (const auto& p : f.points)
    if (p.first > 0) lo = std::min(lo, p.first), hi = std::max(hi, p.first);
  if (hi > 0 && lo <= hi) {
    fit.points.emplace_back(lo, f.slope * lo + f.intercept);
    fit.points.emplace_back(hi, f.slope * hi + f.intercept);
  }
  chart.series.push_back(std::move(fit));
  chart.series.push_back(std::move(pts));
}

std::string scaling_section(const std::vector<const ScalingFit*>& fits) {
  if (fits.empty()) return "";
  std::vector<std::string> metrics;
  for (const ScalingFit* f : fits)
    if (std::find(metrics.begin(), metrics.end(), f->metric) == metrics.end()) metrics.push_back(f->metric);
  std::ostringstream o;
  o << "<h3>Memory vs input size</h3><div class=\"charts\">";
  for (const std::string& metric : metrics) {
    LineChart chart;
    chart.title = metric;
    chart.note = "points: measured; dashed: fitted line";
    chart.x_fmt = Unit::bytes;
    chart.x_label = "input size";
    chart.y_fmt = count_metric(metric) ? Unit::count : Unit::bytes;
    std::size_t i = 0;
    for (const ScalingFit* f : fits)
      if (f->metric == metric) add_fit(chart, *f, palette(i++));
    o << line_chart(chart);
  }
  o << "</div><table class=\"sortable\"><thead><tr><th>strategy</th><th>allocator</th><th>metric</th>"
       "<th class=\"num\">sizes</th><th class=\"num\" title=\"growth per input byte\">slope</th>"
       "<th class=\"num\">intercept</th><th class=\"num\">r&sup2;</th><th>class</th></tr></thead><tbody>";
  for (const ScalingFit* f : fits) {
    o << "<tr><td>" << esc(f->strategy) << "</td><td>" << esc(f->allocator) << "</td><td class=\"mono\">"
      << esc(f->metric) << "</td><td class=\"num\" data-v=\"" << f->points.size() << "\">" << f->points.size()
      << "</td><td class=\"num\" data-v=\"" << sort_key(f->slope) << "\">" << esc(format_significant(f->slope))
      << "</td><td class=\"num\" data-v=\"" << sort_key(f->intercept) << "\">"
      << esc(format_value(count_metric(f->metric) ? Unit::count : Unit::bytes, f->intercept))
      << "</td><td class=\"num\" data-v=\"" << sort_key(f->r2) << "\">" << format_fixed(f->r2, 3) << "</td><td>"
      << class_badge(f->complexity) << "</td></tr>";
  }
  o << "</tbody></table>";
  return o.str();
}

std::string workload_section(const Report& r, const std::string& workload, const ReportAttachments& att) {
  std::vector<const CaseResult*> cases;
  for (const CaseResult& c : r.results)
    if (c.workload == workload) cases.push_back(&c);
  std::vector<const ScalingFit*> fits;
  for (const ScalingFit& f : r.scaling)
    if (f.workload == workload) fits.push_back(&f);
  int bad = 0;
  for (const CaseResult* c : cases) bad += completed(*c) || c->status == Status::skipped ? 0 : 1;
  std::ostringstream o;
  o << "<section class=\"workload\" id=\"wl-" << esc(slug(workload)) << "\"><h2>Workload " << esc(workload)
    << " <span class=\"meta\">" << cases.size() << " case" << (cases.size() == 1 ? "" : "s");
  if (bad) o << ", <span class=\"v-bad\">" << bad << " not ok</span>";
  o << "</span></h2>";
  if (!cases.empty()) {
    // The comparison with the reference leads; the raw figures follow.
    o << lead_section(r, workload, cases);
    o << "<h3>All figures</h3><p><input class=\"case-filter\" type=\"search\" "
         "placeholder=\"filter rows (text or regex)\" aria-label=\"filter rows\"></p>";
    o << results_table(cases) << bar_charts(cases) << timelines(cases);
    if (allocator_view_wanted(r)) o << allocators_section(cases);
    o << heaptrack_section(cases, att) << sites_section(cases);
  }
  o << scaling_section(fits) << extras_section(cases) << "</section>";
  return o.str();
}

std::string problems_box(const Report& r) {
  std::vector<const CaseResult*> bad;
  for (const CaseResult& c : r.results)
    if (!completed(c) && c.status != Status::skipped) bad.push_back(&c);
  if (bad.empty()) return "";
  std::ostringstream o;
  o << "<div class=\"problems\" id=\"problems\"><strong>" << bad.size() << " case" << (bad.size() == 1 ? "" : "s")
    << " did not complete</strong><ul>";
  for (const CaseResult* c : bad)
    o << "<li><a href=\"#case-" << esc(slug(c->id)) << "\" class=\"mono\">" << esc(c->id) << "</a> "
      << status_badge(c->status) << (c->error.empty() ? "" : " <span class=\"err\">" + esc(c->error) + "</span>")
      << "</li>";
  o << "</ul></div>";
  return o.str();
}

std::string summary_chips(const Report& r) {
  std::map<std::string, int> by_status;
  for (const CaseResult& c : r.results) ++by_status[report::to_string(c.status)];
  std::ostringstream o;
  o << "<div class=\"chips\"><span>" << r.results.size() << " cases</span>";
  for (Status s : {Status::ok, Status::failed, Status::timeout, Status::oom, Status::mismatch, Status::skipped}) {
    auto it = by_status.find(report::to_string(s));
    if (it == by_status.end()) continue;
    o << "<span class=\"" << status_class(s) << "\">" << it->second << " " << it->first << "</span>";
  }
  int disagree = 0, heaptrack_errors = 0;
  for (const CaseResult& c : r.results) {
    if (!c.heaptrack.is_object()) continue;
    if (c.heaptrack.contains("error")) ++heaptrack_errors;
    else if (c.heaptrack.contains("agrees") && c.heaptrack["agrees"] == false) ++disagree;
  }
  if (disagree)
    o << "<span class=\"st-bad\">" << disagree << " heaptrack disagreement" << (disagree == 1 ? "" : "s") << "</span>";
  if (heaptrack_errors)
    o << "<span class=\"st-bad\">" << heaptrack_errors << " heaptrack error" << (heaptrack_errors == 1 ? "" : "s")
      << "</span>";
  o << "</div>";
  return o.str();
}

std::string header_meta(const json& context) {
  std::vector<std::string> parts;
  auto add = [&](const std::string& label, const std::string& v) {
    if (!v.empty()) parts.push_back(label + esc(v));
  };
  add("suite ", report::context_text(context, {"suite"}));
  add("", created_of(context));
  add("host ", report::context_text(context, {"host", "hostname", "host_name"}));
  add("commit ", report::context_text(context, {"git_commit", "commit"}).substr(0, 12));
  add("", report::context_text(context, {"compiler"}));
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : " · ") + p;
  return out;
}

std::vector<std::string> workloads_of(const Report& r) {
  std::vector<std::string> out;
  for (const CaseResult& c : r.results)
    if (std::find(out.begin(), out.end(), c.workload) == out.end()) out.push_back(c.workload);
  for (const ScalingFit& s : r.scaling)
    if (std::find(out.begin(), out.end(), s.workload) == out.end()) out.push_back(s.workload);
  return out;
}

}  // namespace

std::string html_report(const std::vector<Report>& reports) { return html_report(reports, ReportAttachments{}); }

std::string html_report(const std::vector<Report>& reports, const ReportAttachments& attachments) {
  if (reports.empty()) return page_start("membench report") + "<main><p>No report.</p></main>" + page_end(json::object());
  const Report& main_report = reports.back();
  std::vector<std::string> workloads = workloads_of(main_report);
  std::string suite = report::context_text(main_report.context, {"suite"});
  std::string title = "membench report" + (suite.empty() ? "" : " – " + suite);
  std::ostringstream o;
  o << page_start(title);
  o << "<header class=\"top\"><h1>" << esc(title) << "</h1><div class=\"meta\">" << header_meta(main_report.context)
    << "</div>" << summary_chips(main_report) << "<nav class=\"toc\">";
  if (reports.size() > 1) o << "<a href=\"#trend\">trend</a>";
  for (const std::string& wl : workloads) o << "<a href=\"#wl-" << esc(slug(wl)) << "\">" << esc(wl) << "</a>";
  o << "<a href=\"#context\">context</a><a href=\"#legend\">how to read</a>"
       "<button type=\"button\" id=\"download-json\">download report JSON</button></nav></header><main>";
  o << problems_box(main_report) << budget_html(main_report);
  if (reports.size() > 1) o << trend_section(reports);
  if (main_report.results.empty()) o << "<p>This report holds no results.</p>";
  for (const std::string& wl : workloads) o << workload_section(main_report, wl, attachments);
  o << "<section id=\"context\"><h2>Run context</h2>" << kv_table(context_rows(main_report.context)) << "</section>"
    << legend_section() << "</main>";
  o << page_end(report::to_json(main_report));
  return o.str();
}

}  // namespace membench::render

#include "render/html_compare.h"

#include <algorithm>
#include <cstdio>
#include <sstream>
#include <string_view>

#include "analyze/site_diff.h"
#include "render/compare_text.h"
#include "render/html_flame.h"
#include "render/html_page.h"
#include "render/site_text.h"
#include "render/svg_charts.h"
#include "report/metrics.h"

namespace membench::render {
namespace {

using namespace membench::render::html;
using nlohmann::json;
using report::Status;
namespace an = membench::analyze;

const char* verdict_class(an::Verdict v) {
  switch (v) {
    case an::Verdict::regressed: return "v-bad";
    case an::Verdict::improved: return "v-good";
    case an::Verdict::not_significant:
    case an::Verdict::unavailable: return "v-warn";
    case an::Verdict::within: return "";
    case an::Verdict::unchanged: return "v-dim";
  }
  return "";
}

std::string case_verdict(const an::CaseComparison& cc) {
  if (int n = cc.regression_count()) return "REGRESSED (" + std::to_string(n) + ")";
  if (cc.status_fixed()) return "fixed";
  if (cc.head_status != Status::ok) return "still " + std::string(report::to_string(cc.head_status));
  for (const an::MetricChange& m : cc.metrics)
    if (m.verdict == an::Verdict::improved) return "improved";
  return cc.changed() ? "changed" : "same";
}

const char* case_class(const an::CaseComparison& cc) {
  return cc.regression_count() > 0 ? "v-bad" : cc.changed() ? "v-warn" : "v-dim";
}

std::string p_text(const an::MetricChange& m) {
  if (m.p_value) {
    char buf[32];
    std::snprintf(buf, sizeof buf, *m.p_value < 0.001 ? "%.1e" : "%.3f", *m.p_value);
    return buf;
  }
  if (m.threshold_only) return "n/a";
  return "";
}

std::string compare_timeline(const an::CaseComparison& cc) {
  const report::CaseResult* sides[] = {cc.base, cc.head};
  LineChart chart;
  chart.title = "Memory timeline, base vs head";
  chart.x_fmt = Unit::milliseconds;
  chart.y_fmt = Unit::bytes;
  chart.width = 520;
  chart.height = 220;
  for (int side = 0; side < 2; ++side) {
    const report::CaseResult* c = sides[side];
    if (!c || !c->timeline) continue;
    const report::Timeline& t = *c->timeline;
    auto add = [&](const char* name, const char* colour, const std::vector<std::uint64_t>& v) {
      if (v.empty()) return;
      LineSeries s;
      s.name = std::string(side == 0 ? "base " : "head ") + name;
      s.colour = colour;
      s.dashed = side == 0;
      s.width = side == 0 ? 1.4 : 1.8;
      for (std::size_t i = 0; i < v.size(); ++i)
        s.points.emplace_back(static_cast<double>(i) * t.interval_ms, static_cast<double>(v[i]));
      chart.series.push_back(std::move(s));
    };
    add("RSS", side == 0 ? "rss-base" : "rss", t.rss_bytes);
    add("anon", side == 0 ? "anon-base" : "anon", t.anon_bytes);
  }
  if (chart.series.empty()) return "";
  return line_chart(chart);
}

std::string metrics_table(const an::CaseComparison& cc) {
  if (cc.metrics.empty()) return "";
  std::ostringstream o;
  o << "<table class=\"metrics\"><thead><tr><th>metric</th><th class=\"num\">base</th><th class=\"num\">head</th>"
       "<th class=\"num\">&Delta;</th><th class=\"num\">&Delta;%</th><th class=\"num\">p</th><th>verdict</th>"
       "</tr></thead><tbody>";
  for (const an::MetricChange& m : cc.metrics) {
    const char* cls = verdict_class(m.verdict);
    const bool judged = m.verdict != an::Verdict::unavailable;
    o << "<tr><td class=\"mono\">" << esc(m.metric->name) << "</td><td class=\"num\">"
      << esc(format_value(m.metric->unit, m.base)) << "</td><td class=\"num\">"
      << esc(format_value(m.metric->unit, m.head)) << "</td><td class=\"num " << cls << "\">"
      << (judged ? esc(format_delta(m.metric->unit, m.delta)) : "") << "</td><td class=\"num " << cls << "\">"
      << (judged ? esc(format_relative(m.relative)) : "") << "</td><td class=\"num\">" << esc(p_text(m))
      << "</td><td class=\"" << cls << "\">" << esc(an::to_string(m.verdict))
      << (m.cpu ? "<div class=\"meta\">" + esc(time_measures_text(m)) + "</div>" : "")
      << (m.note.empty() ? "" : "<div class=\"meta\">" + esc(m.note) + "</div>") << "</td></tr>";
  }
  o << "</tbody></table>";
  return o.str();
}

// The changed sites as rows, largest count change first: the figures the
// differential flame graph shows only on hover.
std::string site_changes_table(const an::SiteDiff& d, std::size_t rows = 10) {
  if (d.changes.empty()) return "";
  std::ostringstream o;
  o << "<div class=\"scroll\"><table class=\"sites-changed\"><thead><tr><th class=\"num\">allocations</th><th class=\"num\">bytes</th>"
       "<th class=\"num\">peak share</th><th>where</th><th>stack</th><th></th></tr></thead><tbody>";
  for (std::size_t i = 0; i < d.changes.size() && i < rows; ++i) {
    const an::SiteChange& s = d.changes[i];
    std::int64_t count = s.delta(report::SiteMetric::count);
    o << "<tr><td class=\"num " << (count > 0 ? "v-bad" : count < 0 ? "v-good" : "") << "\">" << esc(signed_count(count))
      << "</td><td class=\"num\">" << esc(signed_bytes(s.delta(report::SiteMetric::bytes))) << "</td><td class=\"num\">"
      << esc(signed_bytes(s.delta(report::SiteMetric::peak))) << "</td><td class=\"mono\">" << esc(site_where(s.frames))
      << "</td><td>" << esc(stack_text(s.frames)) << "</td><td class=\"meta\">" << esc(an::listing_note(s, d))
      << "</td></tr>";
  }
  o << "</tbody></table></div>";
  if (d.changes.size() > rows)
    o << "<p class=\"meta\">… and " << d.changes.size() - rows << " more changed sites (all of them: <code>--out</code> JSON)</p>";
  return o.str();
}

std::string compare_card(const an::CaseComparison& cc) {
  std::ostringstream o;
  bool bad = cc.regression_count() > 0;
  o << "<div class=\"card" << (bad ? " bad" : "") << "\" id=\"cmp-" << esc(slug(cc.id)) << "\"><h3><span class=\"mono\">"
    << esc(cc.id) << "</span> <span class=\"" << case_class(cc) << "\">" << esc(case_verdict(cc)) << "</span></h3>";
  o << "<p>status: " << status_badge(cc.base_status) << " &rarr; " << status_badge(cc.head_status);
  o << " · repetitions " << cc.base_repetitions << " vs " << cc.head_repetitions;
  if (cc.digest_changed)
    o << " · <span class=\"v-warn\">output digest changed: <span class=\"mono\">" << esc(short_digest(cc.base_digest))
      << "</span> &rarr; <span class=\"mono\">" << esc(short_digest(cc.head_digest)) << "</span></span>";
  o << "</p>";
  if (!cc.base_error.empty()) o << "<div class=\"err\">base: " << esc(cc.base_error) << "</div>";
  if (!cc.head_error.empty()) o << "<div class=\"err\">head: " << esc(cc.head_error) << "</div>";
  o << "<div class=\"card-body\">" << metrics_table(cc) << compare_timeline(cc) << "</div>";
  if (cc.base && cc.head && an::allocations_changed(*cc.base, *cc.head))
    if (auto d = an::diff_sites(*cc.base, *cc.head)) o << sites_diff_flame(cc.id, *d) << site_changes_table(*d);
  o << "</div>";
  return o.str();
}

std::string overview_cell(const an::CaseComparison& cc, const an::MetricInfo* metric) {
  for (const an::MetricChange& m : cc.metrics) {
    if (std::string_view(m.metric->name) != metric->name) continue;
    std::string title = format_value(m.metric->unit, m.base) + " → " + format_value(m.metric->unit, m.head) +
                        " (" + an::to_string(m.verdict) + (m.note.empty() ? "" : "; " + m.note) + ")";
    std::string text = m.verdict == an::Verdict::unavailable ? "n/a" : format_relative(m.relative);
    return std::string("<td class=\"num ") + verdict_class(m.verdict) + "\" data-v=\"" + sort_key(m.relative) +
           "\" title=\"" + esc(title) + "\">" + esc(text) + "</td>";
  }
  return "<td class=\"num na\" data-v=\"\">&ndash;</td>";
}

// The overview's columns: the compared metrics the catalogue shows there, in compare's order.
std::vector<const an::MetricInfo*> overview_metrics() {
  std::vector<const an::MetricInfo*> out;
  for (const an::MetricInfo& info : an::compared_metrics())
    if (const report::Metric* m = report::find_metric(info.name); m && m->shows(report::kOverview)) out.push_back(&info);
  return out;
}

std::string overview(const an::Comparison& c) {
  std::ostringstream o;
  o << "<section id=\"overview\"><h2>Overview</h2><p><input class=\"case-filter\" type=\"search\" "
       "placeholder=\"filter rows (text or regex)\" aria-label=\"filter rows\"></p>"
       "<div class=\"scroll\"><table class=\"sortable overview\"><thead><tr><th>case</th><th>status</th>"
       "<th>verdict</th>";
  const std::vector<const an::MetricInfo*> columns = overview_metrics();
  for (const an::MetricInfo* info : columns)
    o << "<th class=\"num\">" << esc(report::find_metric(info->name)->label) << "</th>";
  o << "</tr></thead><tbody>";
  for (const an::CaseComparison& cc : c.cases) {
    bool bad = cc.regression_count() > 0;
    o << "<tr" << (bad ? " class=\"bad\"" : "") << "><td class=\"mono\"><a href=\"#cmp-" << esc(slug(cc.id)) << "\">"
      << esc(cc.id) << "</a></td><td>";
    if (cc.base_status == cc.head_status) o << status_badge(cc.head_status);
    else o << status_badge(cc.base_status) << " &rarr; " << status_badge(cc.head_status);
    o << "</td><td class=\"" << case_class(cc) << "\">" << esc(case_verdict(cc)) << "</td>";
    for (const an::MetricInfo* info : columns) o << overview_cell(cc, info);
    o << "</tr>";
  }
  o << "</tbody></table></div>";
  auto id_list = [&](const char* title, const std::vector<std::string>& ids) {
    if (ids.empty()) return;
    o << "<h3>" << title << " (" << ids.size() << ", not judged)</h3><ul>";
    for (const std::string& id : ids) o << "<li class=\"mono\">" << esc(id) << "</li>";
    o << "</ul>";
  };
  id_list("Only in base", c.only_in_base);
  id_list("Only in head", c.only_in_head);
  o << "</section>";
  return o.str();
}

std::string cards(const an::Comparison& c) {
  std::ostringstream o;
  o << "<section id=\"cases\" class=\"cards\"><h2>Cases</h2>";
  auto quiet = [](const an::CaseComparison& cc) { return !cc.changed() && cc.regression_count() == 0; };
  std::size_t unchanged = 0;
  for (const an::CaseComparison& cc : c.cases) {
    if (quiet(cc)) ++unchanged;
    else o << compare_card(cc);
  }
  if (unchanged) {
    o << "<details><summary>" << unchanged << " unchanged case" << (unchanged == 1 ? "" : "s") << "</summary>";
    for (const an::CaseComparison& cc : c.cases)
      if (quiet(cc)) o << compare_card(cc);
    o << "</details>";
  }
  o << "</section>";
  return o.str();
}

std::string context_compare(const json& base, const json& head) {
  std::vector<std::pair<std::string, std::string>> b = context_rows(base), h = context_rows(head);
  std::vector<std::string> keys;
  for (const auto& r : b) keys.push_back(r.first);
  for (const auto& r : h)
    if (std::find(keys.begin(), keys.end(), r.first) == keys.end()) keys.push_back(r.first);
  auto find = [](const std::vector<std::pair<std::string, std::string>>& rows, const std::string& k) {
    for (const auto& r : rows)
      if (r.first == k) return r.second;
    return std::string();
  };
  std::ostringstream o;
  o << "<div class=\"scroll\"><table class=\"kv\"><thead><tr><th></th><th>base</th><th>head</th></tr></thead><tbody>";
  for (const std::string& k : keys) {
    std::string bv = find(b, k), hv = find(h, k);
    o << "<tr" << (bv != hv ? " class=\"diff\"" : "") << "><th scope=\"row\">" << esc(k) << "</th><td class=\"mono\">"
      << esc(bv) << "</td><td class=\"mono\">" << esc(hv) << "</td></tr>";
  }
  o << "</tbody></table></div>";
  return o.str();
}

}  // namespace

std::string compare_html(const an::Comparison& c, const std::string& head_section) {
  std::ostringstream o;
  o << page_start("membench compare: " + c.base_label + " vs " + c.head_label);
  const int n = c.regression_count();
  o << "<header class=\"top\"><h1>membench compare</h1><div class=\"meta\">base <span class=\"mono\">"
    << esc(c.base_label) << "</span> &rarr; head <span class=\"mono\">" << esc(c.head_label) << "</span></div>";
  o << "<div class=\"banner " << (n ? "bad" : "good") << "\" id=\"verdict\">";
  if (n)
    o << n << " regression" << (n == 1 ? "" : "s") << " in " << c.regressed_case_count() << " of " << c.cases.size()
      << " case" << (c.cases.size() == 1 ? "" : "s");
  else
    o << "No regression in " << c.cases.size() << " compared case" << (c.cases.size() == 1 ? "" : "s");
  o << "</div><nav class=\"toc\"><a href=\"#overview\">overview</a><a href=\"#cases\">cases</a>"
       "<a href=\"#context\">context</a></nav></header><main>";
  o << head_section << "<p class=\"meta\">Thresholds: " << esc(c.thresholds.describe()) << "</p>";
  o << overview(c) << cards(c);
  o << "<section id=\"context\"><h2>Run context</h2>" << context_compare(c.base_context, c.head_context)
    << "</section>" << legend_section() << "</main>";
  o << page_end(an::comparison_to_json(c));
  return o.str();
}

}  // namespace membench::render

#include "render/html_allocators.h"

#include <algorithm>
#include <initializer_list>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "render/html_page.h"
#include "render/svg_charts.h"
#include "util/format.h"

namespace membench::render::html {
namespace {

using nlohmann::json;
using report::CaseResult;
using report::Status;

std::optional<double> stat_of(const json& stats, const char* side, const char* key) {
  if (!stats.is_object()) return std::nullopt;
  auto it = stats.find(side);
  if (it == stats.end()) return std::nullopt;
  return json_number(*it, key);
}

// Some allocators answer glibc's mallinfo2 with zeros only: no figures, not a zero heap.
bool stats_reported(const json& stats) {
  for (const char* side : {"before", "after"}) {
    if (!stats.is_object() || !stats.contains(side) || !stats[side].is_object()) continue;
    for (const auto& v : stats[side])
      if (v.is_number() && v.get<double>() != 0) return true;
  }
  return false;
}

// What the allocator itself holds, measured before and right after the
// strategy: a difference of two snapshots, so it shows what the allocator
// kept (retention), not its peak during the strategy.
struct AllocatorFigure {
  std::optional<double> delta;
  std::string source;  // the allocator's own name for the figure
  std::string title;
};

AllocatorFigure allocator_figure(const json& stats, std::initializer_list<const char*> keys) {
  AllocatorFigure f;
  if (!stats_reported(stats)) {
    f.title = "this allocator reported no statistics";
    return f;
  }
  for (const char* key : keys) {
    auto before = stat_of(stats, "before", key), after = stat_of(stats, "after", key);
    if (!before || !after) continue;
    f.delta = *after - *before;
    f.source = key;
    f.title = std::string(key) + ": " + format_bytes(*before) + " before, " + format_bytes(*after) +
              " right after the strategy";
    return f;
  }
  f.title = "not among this allocator's statistics";
  return f;
}

// Every before/after figure of the allocator, for a tooltip.
std::string stats_title(const json& stats) {
  std::string out;
  if (!stats.is_object() || !stats.contains("after") || !stats["after"].is_object()) return out;
  for (auto it = stats["after"].begin(); it != stats["after"].end(); ++it) {
    if (!it->is_number()) continue;
    auto before = stat_of(stats, "before", it.key().c_str());
    out += (out.empty() ? "" : "\n") + it.key() + ": " + (before ? format_bytes(*before) : "?") + " -> " +
           format_bytes(it->get<double>());
  }
  return out;
}

std::string version_of(const CaseResult& c) {
  if (c.allocator_stats.is_object()) {
    auto it = c.allocator_stats.find("version");
    if (it != c.allocator_stats.end() && it->is_string()) return it->get<std::string>();
  }
  return "";
}

// Which optional columns the section has: some figures exist only under some allocators.
struct Columns {
  bool thread_count = false;  // jemalloc's own count of bytes handed out
  bool stats = false;         // any allocator statistics
  std::string measured;       // when the statistics were taken
  std::size_t count() const { return 6 + (thread_count ? 1 : 0) + (stats ? 2 : 0); }
};

Columns columns_of(const std::vector<const CaseResult*>& cases) {
  Columns c;
  for (const CaseResult* r : cases) {
    c.thread_count |= json_number(r->allocator_stats, "thread_allocated_delta").has_value();
    c.stats |= stats_reported(r->allocator_stats);
    if (c.measured.empty() && r->allocator_stats.is_object() && r->allocator_stats.contains("measured") &&
        r->allocator_stats["measured"].is_string())
      c.measured = r->allocator_stats["measured"].get<std::string>();
  }
  return c;
}

std::string table_head(const Columns& cols) {
  std::ostringstream o;
  o << "<h3>Allocators</h3><p class=\"meta\">Per strategy and dataset, one row per allocator: what the strategy "
       "requested (membench's counts, the same under every allocator), what the process's resident memory grew "
       "to, and what the allocator itself still held right after the strategy returned.";
  if (cols.stats)
    o << " <em>Held after</em> is a difference of two snapshots of the allocator's own statistics"
      << (cols.measured.empty() ? "" : " (" + esc(cols.measured) + ")")
      << ", so it shows what the allocator kept (retention), not its peak.";
  o << "</p><div class=\"scroll\"><table class=\"allocators\"><thead><tr><th>allocator</th><th>version</th>"
       "<th>status</th><th class=\"num\" title=\"bytes the strategy requested in total\">bytes requested</th>";
  if (cols.thread_count)
    o << "<th class=\"num\" title=\"the allocator's own count of bytes handed out to the thread during the "
         "strategy (jemalloc thread.allocated difference): requests rounded up to its size classes\">allocator-"
         "counted bytes</th>";
  o << "<th class=\"num\" title=\"high-water mark of requested-and-not-freed bytes during the strategy\">peak live "
       "(requested)</th><th class=\"num\" title=\"the process's peak RSS minus its RSS before the strategy\">peak "
       "RSS &Delta;</th>";
  if (cols.stats)
    o << "<th class=\"num\" title=\"the allocator's resident memory (jemalloc stats.resident) or memory obtained "
         "from the system (glibc mallinfo2 system), right after the strategy minus right before\">held after "
         "&Delta;</th><th class=\"num\" title=\"bytes in live allocations (jemalloc stats.active, glibc mallinfo2 "
         "in_use), right after the strategy minus right before\">in use after &Delta;</th>";
  o << "</tr></thead><tbody>";
  return o.str();
}

std::string figure_cell(const AllocatorFigure& f, const std::string& all) {
  if (!f.delta) return "<td class=\"num na\" title=\"" + esc(f.title) + "\">&ndash;</td>";
  return "<td class=\"num\" data-v=\"" + sort_key(*f.delta) + "\" title=\"" +
         esc(f.title + (all.empty() ? "" : "\n\n" + all)) + "\">" + esc(format_bytes(*f.delta)) +
         " <span class=\"meta\">" + esc(f.source) + "</span></td>";
}

// One allocator's row; its bars go into `chart`.
std::string allocator_row(const CaseResult& c, const Columns& cols, ClusterGroup& chart) {
  const bool ok = completed(c);
  std::string version = version_of(c);
  std::string short_version = version.size() > 18 ? version.substr(0, 17) + "…" : version;
  std::ostringstream o;
  o << "<tr data-case=\"" << esc(c.id) << "\""
    << (ok ? "" : c.status == Status::skipped ? " class=\"skip\"" : " class=\"bad\"") << "><td class=\"nw\"><strong>"
    << esc(c.allocator) << "</strong></td><td class=\"meta mono\" title=\"" << esc(version) << "\">"
    << esc(short_version) << "</td><td>" << status_badge(c.status) << "</td>";
  auto alloc = [&](auto field) -> std::optional<double> {
    if (!ok || !c.allocations) return std::nullopt;
    return static_cast<double>((*c.allocations).*field);
  };
  std::optional<double> requested = alloc(&report::Allocations::bytes);
  o << num_cell(requested, Unit::bytes);
  if (cols.thread_count) {
    std::optional<double> counted;
    if (ok) counted = json_number(c.allocator_stats, "thread_allocated_delta");
    std::string title;
    const double req = requested.value_or(0);
    if (counted && req > 0) title = format_fixed(counted.value_or(0) / req, 2) + "x the bytes requested";
    o << num_cell(counted, Unit::bytes, title);
  }
  std::optional<double> live = alloc(&report::Allocations::peak_live_bytes);
  std::optional<double> rss;
  if (ok && c.memory) rss = static_cast<double>(c.memory->peak_rss_delta_bytes);
  o << num_cell(live, Unit::bytes)
    << num_cell(rss, Unit::bytes, c.memory ? "peak RSS " + format_bytes(static_cast<double>(c.memory->peak_rss_bytes)) : "");
  AllocatorFigure held, in_use;
  if (ok) {
    held = allocator_figure(c.allocator_stats, {"resident", "system"});
    in_use = allocator_figure(c.allocator_stats, {"active", "in_use"});
  }
  if (cols.stats) {
    std::string all = stats_title(c.allocator_stats);
    o << figure_cell(held, all) << figure_cell(in_use, all);
  }
  o << "</tr>";
  ClusterRow row;
  row.label = c.allocator;
  if (!ok) row.missing = report::to_string(c.status);
  row.values = {live, rss, held.delta};
  if (!cols.stats) row.values.resize(2);
  chart.rows.push_back(std::move(row));
  return o.str();
}

}  // namespace

bool allocator_view_wanted(const report::Report& r) {
  std::set<std::string> allocators;
  for (const CaseResult& c : r.results) {
    allocators.insert(c.allocator);
    if (c.allocator_stats.is_object() && !c.allocator_stats.empty()) return true;
  }
  return allocators.size() > 1;
}

std::string allocators_section(const std::vector<const CaseResult*>& cases) {
  if (cases.empty()) return "";
  // (strategy, dataset) groups in report order, allocators in report order within each.
  std::vector<std::pair<std::string, std::string>> groups;
  for (const CaseResult* c : cases)
    if (std::find(groups.begin(), groups.end(), std::pair{c->strategy, c->dataset}) == groups.end())
      groups.emplace_back(c->strategy, c->dataset);
  const Columns cols = columns_of(cases);
  std::ostringstream o;
  o << table_head(cols);
  std::vector<std::string> strategies;
  std::map<std::string, std::vector<ClusterGroup>> chart_groups;  // per strategy
  for (const auto& [strategy, dataset] : groups) {
    if (std::find(strategies.begin(), strategies.end(), strategy) == strategies.end()) strategies.push_back(strategy);
    ClusterGroup cg;
    cg.name = dataset;
    o << "<tr class=\"group\"><th colspan=\"" << cols.count() << "\">" << esc(strategy)
      << " <span class=\"meta\">· " << esc(dataset) << "</span></th></tr>";
    for (const CaseResult* c : cases)
      if (c->strategy == strategy && c->dataset == dataset) o << allocator_row(*c, cols, cg);
    chart_groups[strategy].push_back(std::move(cg));
  }
  o << "</tbody></table></div>";
  std::vector<std::pair<std::string, std::string>> series = {{"peak live (requested)", "requested"},
                                                             {"peak RSS Δ", "rss"}};
  if (cols.stats) series.emplace_back("held after Δ (allocator)", "held");
  o << "<div class=\"charts\">";
  for (const std::string& s : strategies)
    o << cluster_chart(s + ": requested vs held", "bytes; one scale per chart", series, chart_groups[s]);
  o << "</div>";
  return o.str();
}

}  // namespace membench::render::html

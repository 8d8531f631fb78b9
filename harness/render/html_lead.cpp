#include "render/html_lead.h"

#include <algorithm>
#include <map>
#include <optional>
#include <sstream>
#include <tuple>

#include "render/html_page.h"
#include "render/versus.h"
#include "report/metrics.h"
#include "util/format.h"

namespace membench::render::html {
namespace {

using report::CaseResult;
using report::Metric;

// The best value of `m` among the completed cases; none when no case has it.
std::optional<double> best_of(const Metric& m, const std::vector<const CaseResult*>& cases) {
  std::optional<double> best;
  for (const CaseResult* c : cases) {
    std::optional<double> v = completed(*c) ? m.value(*c) : std::nullopt;
    if (!v) continue;
    if (!best || (m.higher_is_better() ? *v > *best : *v < *best)) best = v;
  }
  return best;
}

std::string cell(const Metric& m, const CaseResult& c, const CaseResult* reference, std::optional<double> best) {
  std::optional<double> v = m.value(c);
  if (!v) return "<td class=\"num na\" data-v=\"\">&ndash;</td>";
  const std::string value = format_value(m.unit, *v);
  const bool is_best = best && *v == *best;
  std::optional<double> theirs = reference ? m.value(*reference) : std::nullopt;
  std::string text, key = sort_key(*v), title = value;
  if (&c == reference) {
    text = "(reference)";
    key = sort_key(1);  // the column sorts by ratio to the reference: its own is 1
  } else if (theirs) {
    const double ref = theirs.value_or(0);  // value_or: GCC 12 warns falsely (-Wmaybe-uninitialized) on *theirs
    text = ratio_text(m, *v, ref);
    if (ref != 0) key = sort_key(*v / ref);
    title += " against " + format_value(m.unit, ref) + " (" + difference_text(m, *v, ref) + ")";
  }
  std::string out = "<td class=\"num" + std::string(is_best ? " best" : "") + "\" data-v=\"" + key + "\" title=\"" +
                    esc(title + (is_best ? "; the best here" : "")) + "\">";
  if (is_best) out += "<span class=\"best-mark\" aria-label=\"best\">★</span> ";
  if (!text.empty()) out += esc(text) + "<div class=\"meta\">" + esc(value) + "</div>";
  else out += esc(value);
  return out + "</td>";
}

// One dataset and allocator: the reference first, then the others by name
// (report::shown_before).
std::string group_table(std::vector<const CaseResult*> cases, const std::string& reference_name,
                        const std::vector<const Metric*>& metrics) {
  std::stable_sort(cases.begin(), cases.end(), [&](const CaseResult* a, const CaseResult* b) {
    return report::shown_before(*a, *b, reference_name);
  });
  const CaseResult* reference = nullptr;
  for (const CaseResult* c : cases)
    if (c->strategy == reference_name && completed(*c)) reference = c;
  const CaseResult& first = *cases.front();
  std::ostringstream o;
  o << "<div class=\"lead-group\"><h4>" << esc(first.dataset) << " <span class=\"meta\">· " << esc(first.allocator);
  if (reference) o << " · against <strong>" << esc(reference->strategy) << "</strong>";
  else if (!reference_name.empty()) o << " · the reference " << esc(reference_name) << " has no figures here";
  o << "</span></h4><div class=\"scroll\"><table class=\"sortable lead\"><thead><tr><th>strategy</th>";
  for (const Metric* m : metrics)
    o << "<th class=\"num\" title=\"" << esc(m->description) << "\">" << esc(m->label) << " <span class=\"meta\">"
      << (m->higher_is_better() ? "higher" : "lower") << " is better</span></th>";
  o << "</tr></thead><tbody>";
  std::vector<std::optional<double>> best;
  for (const Metric* m : metrics) best.push_back(best_of(*m, cases));
  for (const CaseResult* c : cases) {
    o << "<tr data-case=\"" << esc(c->id) << "\"" << (c == reference ? " class=\"reference\"" : "")
      << "><td class=\"nw\">" << esc(c->strategy) << "</td>";
    if (!completed(*c)) {
      o << "<td colspan=\"" << metrics.size() << "\">" << status_badge(c->status) << "</td></tr>";
      continue;
    }
    for (std::size_t k = 0; k < metrics.size(); ++k) o << cell(*metrics[k], *c, reference, best[k]);
    o << "</tr>";
  }
  o << "</tbody></table></div></div>";
  return o.str();
}

}  // namespace

std::string lead_section(const report::Report& r, const std::string& workload,
                         const std::vector<const CaseResult*>& cases) {
  if (cases.empty()) return "";
  const WorkloadInfo info = workload_info(r, workload);
  // Groups as the Markdown tables have them: by input size, dataset, allocator.
  std::map<std::tuple<std::uint64_t, std::string, std::string>, std::vector<const CaseResult*>> groups;
  for (const CaseResult* c : cases) groups[{c->input_bytes, c->dataset, c->allocator}].push_back(c);
  const std::vector<const Metric*> metrics = report::metrics_shown(report::kHeadline);
  std::ostringstream o;
  o << "<div class=\"lead-block\"><p>";
  if (!info.description.empty()) o << esc(info.description) << ". ";
  if (!info.reference.empty())
    o << "Each strategy against the reference strategy <strong>" << esc(info.reference)
      << "</strong> (the naive baseline): how many times fewer, less or faster; ★ marks the best per column.";
  else
    o << "This report names no reference strategy for the workload: the figures stand alone; ★ marks the best per "
         "column.";
  o << "</p><div class=\"lead-groups\">";
  for (const auto& [key, group] : groups) o << group_table(group, info.reference, metrics);
  o << "</div></div>";
  return o.str();
}

}  // namespace membench::render::html

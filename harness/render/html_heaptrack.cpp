#include "render/html_heaptrack.h"

#include <functional>
#include <optional>
#include <sstream>
#include <utility>

#include "analyze/folded_stacks.h"
#include "render/html_flame.h"
#include "render/html_page.h"
#include "util/format.h"

namespace membench::render::html {
namespace {

using nlohmann::json;
using report::CaseResult;
namespace an = membench::analyze;

// heaptrack's folded stacks, drawn by the shared flame graph (html_flame.h).
FlameNode flame_node(const an::StackNode& n, double total, bool root) {
  FlameNode f{n.name, "", root ? "fc-root" : flame_class(n.name), static_cast<double>(n.value), {}};
  f.detail = format_count(static_cast<double>(n.value)) + " allocation call" + (n.value == 1 ? "" : "s") + " · " +
             format_percent(total > 0 ? static_cast<double>(n.value) / total : 0);
  for (const an::StackNode& c : n.children) f.children.push_back(flame_node(c, total, false));
  return f;
}

std::string flame_graph(const std::string& id, const std::string& caption, const an::StackTree& f) {
  const double total = static_cast<double>(f.root.value);
  FlameNode root = flame_node(f.root, total, true);
  std::size_t frames = 0;
  std::function<void(const FlameNode&)> count = [&](const FlameNode& n) {
    ++frames;
    for (const FlameNode& c : n.children) count(c);
  };
  count(root);
  std::ostringstream o;
  o << "<figure class=\"chart-box flame-box\" id=\"flame-" << esc(slug(id)) << "\"><figcaption>" << esc(caption)
    << " <span class=\"note\">" << esc(format_count(total)) << " allocation calls in " << f.stacks
    << " stacks through the strategy (heaptrack's backtraces under the case's strategy frame); " << frames
    << " frames drawn";
  if (f.dropped)
    o << ", " << esc(format_count(static_cast<double>(f.dropped))) << " calls in frames under "
      << format_fixed(an::kStackMinShare * 100, 1) << "% of the total left out";
  if (f.cut) o << ", stacks cut at " << an::kStackMaxDepth << " frames";
  o << ". Click a frame to zoom, the top row to reset.</span></figcaption>"
    << flame_svg(root, f.depth, "allocation flame graph of " + id) << "</figure>";
  return o.str();
}

// membench's figure beside heaptrack's.
struct Pair {
  const char* title;
  const char* heaptrack_key;
  Unit fmt;
  bool judged;  // part of the agreement verdict
  std::uint64_t report::Allocations::*field;
};
const Pair kPairs[] = {
    {"allocation calls", "calls", Unit::count, true, &report::Allocations::count},
    {"temporary", "temporary", Unit::count, true, &report::Allocations::temporary},
    {"peak live / peak heap", "peak_heap_bytes", Unit::bytes, false, &report::Allocations::peak_live_bytes},
    {"leaked", "leaked_bytes", Unit::bytes, false, &report::Allocations::leaked_bytes},
};

std::string pair_cells(const CaseResult& c, const Pair& p, bool heaptrack_failed) {
  std::optional<double> mine, theirs;
  if (!heaptrack_failed) theirs = json_number(c.heaptrack, p.heaptrack_key);
  if (c.allocations) mine = static_cast<double>((*c.allocations).*(p.field));
  std::string out = num_cell(mine, p.fmt);
  if (!theirs) return out + "<td class=\"num na ht\">&ndash;</td>";
  const double h_value = theirs.value_or(0);
  const double m_value = mine.value_or(0);
  out += "<td class=\"num ht";
  if (mine && m_value != h_value) {
    // The difference is written out: two figures that round alike can still differ.
    double d = h_value - m_value;
    std::string diff = std::string(d > 0 ? "+" : "") + (p.fmt == Unit::bytes ? format_bytes(d) : format_count(d));
    return out + (p.judged ? " v-bad" : " v-warn") + "\" title=\"heaptrack " + esc(diff) + " vs membench\">" +
           esc(format_value(p.fmt, h_value)) + " <span class=\"diff\">(" + esc(diff) + ")</span></td>";
  }
  return out + "\"" + (mine ? " title=\"the same figure\"" : "") + ">" + esc(format_value(p.fmt, h_value)) + "</td>";
}

struct Tally {
  int agree = 0, disagree = 0, errors = 0;
  std::vector<std::pair<const CaseResult*, an::StackTree>> flames;
  std::vector<std::pair<const CaseResult*, std::string>> notes;
};

std::string agreement_cell(const json& h, const std::string& error, std::optional<bool> agrees) {
  if (!error.empty()) return "<td><span class=\"badge st-bad\">error</span><div class=\"err\">" + esc(error) + "</div></td>";
  if (!agrees) return "<td><span class=\"badge st-skip\">not compared</span></td>";
  if (*agrees) return "<td><span class=\"badge st-ok\">agrees</span></td>";
  return "<td><span class=\"badge st-bad\">disagrees</span><div class=\"err\">" + esc(json_text(h, "disagreement")) +
         "</div></td>";
}

std::string files_cells(const CaseResult& c, const CaseAttachment* attachment, Tally& tally) {
  std::string out = "<td class=\"nw\">";
  std::string recording = json_text(c.heaptrack, "recording");
  if (attachment && !attachment->recording_link.empty())
    out += "<a href=\"" + esc(url_path(attachment->recording_link)) + "\" title=\"" + esc(recording) +
           " (opens in heaptrack_gui)\">recording</a>";
  else if (!recording.empty())
    out += "<span class=\"meta\" title=\"" + esc(recording) + " (not found when this page was written)\">recording</span>";
  out += "</td><td class=\"nw\">";
  if (attachment && attachment->has_stacks) {
    an::StackTree f = an::parse_folded_stacks(attachment->stacks);
    if (f.root.value > 0) {
      out += "<a href=\"#flame-" + esc(slug(c.id)) + "\">flame graph</a>";
      tally.flames.emplace_back(&c, std::move(f));
    } else {
      out += "<span class=\"meta\">no stacks in the file</span>";
    }
  } else if (attachment && !attachment->stacks_note.empty()) {
    out += "<span class=\"meta\" title=\"" + esc(attachment->stacks_note) + "\">no flame graph</span>";
    tally.notes.emplace_back(&c, attachment->stacks_note);
  } else {
    out += "<span class=\"meta\">&ndash;</span>";
  }
  return out + "</td>";
}

std::string case_row(const CaseResult& c, const ReportAttachments& att, Tally& tally) {
  const json& h = c.heaptrack;
  auto a = att.by_case.find(c.id);
  const CaseAttachment* attachment = a == att.by_case.end() ? nullptr : &a->second;
  std::string error = json_text(h, "error");
  std::optional<bool> agrees;
  if (h.contains("agrees") && h["agrees"].is_boolean()) agrees = h["agrees"].get<bool>();
  bool bad = !error.empty() || (agrees && !*agrees);
  if (!error.empty()) ++tally.errors;
  else if (agrees && *agrees) ++tally.agree;
  else if (agrees) ++tally.disagree;
  std::string row = "<tr data-case=\"" + esc(c.id) + "\"" + (bad ? " class=\"bad\"" : "") + "><td class=\"nw\">" +
                    esc(c.strategy) + " <span class=\"meta\">· " + esc(c.dataset) + " · " + esc(c.allocator) +
                    "</span></td>" + agreement_cell(h, error, agrees);
  for (const Pair& p : kPairs) row += pair_cells(c, p, !error.empty());
  return row + files_cells(c, attachment, tally) + "</tr>";
}

std::string summary(std::size_t cases, const Tally& t) {
  std::ostringstream o;
  o << "<h3>heaptrack</h3><p>" << cases << " case" << (cases == 1 ? "" : "s") << " recorded under heaptrack: ";
  std::vector<std::string> parts;
  if (t.agree) parts.push_back("<span class=\"v-good\">" + std::to_string(t.agree) + " agree</span>");
  if (t.disagree) parts.push_back("<span class=\"v-bad\">" + std::to_string(t.disagree) + " disagree</span>");
  if (t.errors) parts.push_back("<span class=\"v-bad\">" + std::to_string(t.errors) + " failed</span>");
  std::size_t uncompared = cases - static_cast<std::size_t>(t.agree + t.disagree + t.errors);
  if (uncompared) parts.push_back(std::to_string(uncompared) + " not compared");
  for (std::size_t i = 0; i < parts.size(); ++i) o << (i ? ", " : "") << parts[i];
  o << " with membench's own counts. <span class=\"meta\">heaptrack's figures are attributed to the strategy: the "
       "case's recording minus that of a do-nothing calibration run. Agreement is judged on allocation calls and "
       "temporary allocations; byte figures that differ are marked but not judged.</span></p>";
  return o.str();
}

std::string flames_part(const Tally& t) {
  if (t.flames.empty() && t.notes.empty()) return "";
  std::ostringstream o;
  o << "<h4>Allocation flame graphs <span class=\"meta\">(" << t.flames.size()
    << "): allocation calls per call stack, root at the top, wider is more calls</span></h4>";
  bool first = true;
  for (const auto& [c, f] : t.flames) {
    o << "<details class=\"flame\"" << (first ? " open" : "") << "><summary>" << esc(c->strategy)
      << " <span class=\"meta\">· " << esc(c->dataset) << " · " << esc(c->allocator) << "</span></summary>"
      << flame_graph(c->id, c->id, f) << "</details>";
    first = false;
  }
  for (const auto& [c, note] : t.notes)
    o << "<p class=\"meta\">No flame graph for <span class=\"mono\">" << esc(c->id) << "</span>: " << esc(note)
      << "</p>";
  return o.str();
}

}  // namespace

std::string heaptrack_section(const std::vector<const CaseResult*>& all, const ReportAttachments& att) {
  std::vector<const CaseResult*> cases;
  for (const CaseResult* c : all)
    if (c->heaptrack.is_object() && !c->heaptrack.empty()) cases.push_back(c);
  if (cases.empty()) return "";
  Tally tally;
  std::string rows;
  for (const CaseResult* c : cases) rows += case_row(*c, att, tally);
  std::ostringstream o;
  o << summary(cases.size(), tally);
  o << "<div class=\"scroll\"><table class=\"heaptrack\"><thead><tr><th rowspan=\"2\">case</th>"
       "<th rowspan=\"2\">agreement</th>";
  for (const Pair& p : kPairs) o << "<th colspan=\"2\" class=\"pair\">" << esc(p.title) << "</th>";
  o << "<th rowspan=\"2\" colspan=\"2\">files</th></tr><tr>";
  for (std::size_t i = 0; i < std::size(kPairs); ++i) o << "<th class=\"num\">membench</th><th class=\"num ht\">heaptrack</th>";
  o << "</tr></thead><tbody>" << rows << "</tbody></table></div>" << flames_part(tally);
  return o.str();
}

}  // namespace membench::render::html

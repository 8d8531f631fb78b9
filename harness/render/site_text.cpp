#include "render/site_text.h"

#include <algorithm>
#include <sstream>

#include "analyze/site_diff.h"
#include "report/sites.h"
#include "util/format.h"

namespace membench::render {
namespace {

using analyze::SiteChange;
using analyze::SiteDiff;
using report::SiteMetric;

std::string md(const std::string& s) {
  std::string out;
  for (char ch : s) {
    if (ch == '|') out += "\\|";
    else if (ch == '`') out += '\'';
    else if (ch == '\n' || ch == '\r') out += ' ';
    else out += ch;
  }
  return out;
}

}  // namespace

// Built stepwise: g++ 12 warns falsely on "lit" + string&&.
std::string signed_count(std::int64_t d) {
  std::string out = d > 0 ? "+" : "";
  out += format_count(static_cast<double>(d));
  return out;
}
std::string signed_bytes(std::int64_t d) {
  std::string out = d > 0 ? "+" : "";
  out += format_bytes(static_cast<double>(d));
  return out;
}

std::string site_where(const std::vector<report::SiteFrame>& frames) {
  report::AllocationSite probe;
  probe.frames = frames;
  std::string loc = report::location_text(probe);
  return loc.empty() ? "?" : loc;
}

std::string stack_text(const std::vector<report::SiteFrame>& frames, std::size_t max_frames) {
  std::vector<std::string> names;
  for (const report::SiteFrame& f : frames)
    if (names.empty() || names.back() != f.function) names.push_back(f.function);
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names.size() > max_frames && i == max_frames - 2) {
      out += " → …";
      i = names.size() - 2;
      continue;
    }
    out += (i ? " → " : "") + names[i];
  }
  return out;
}

std::string top_sites_markdown(const std::vector<const report::CaseResult*>& cases, std::size_t n) {
  std::ostringstream out;
  std::size_t rows = 0;
  for (const report::CaseResult* c : cases) {
    if (!c->allocations || !c->allocations->sites || c->allocations->count == 0) continue;
    std::vector<const report::AllocationSite*> top;
    for (const report::AllocationSite& s : c->allocations->sites->entries) top.push_back(&s);
    std::stable_sort(top.begin(), top.end(), [](auto* a, auto* b) { return a->count > b->count; });
    if (top.size() > n) top.resize(n);
    for (std::size_t i = 0; i < top.size(); ++i, ++rows) {
      const report::AllocationSite& s = *top[i];
      double share = static_cast<double>(s.count) / static_cast<double>(c->allocations->count);
      out << "| ";
      if (i == 0) out << '`' << md(c->strategy) << '`';
      out << " | " << format_count(static_cast<double>(s.count))
          << " (" << format_percent(share) << ") | " << format_bytes(static_cast<double>(s.bytes)) << " | "
          << format_bytes(static_cast<double>(s.peak_live_bytes)) << " | `" << md(report::location_text(s)) << "` | "
          << md(stack_text(s.frames)) << " |\n";
    }
  }
  if (rows == 0) return "";
  return "Top allocation sites (by count; share of the case's allocations):\n\n"
         "| strategy | allocations | bytes | at peak | where | stack |\n| --- | ---: | ---: | ---: | --- | --- |\n" +
         out.str() + "\n";
}

std::string site_changes_terminal(const analyze::Comparison& c, bool colour, std::size_t per_case) {
  auto changed = analyze::site_changes(c);
  if (changed.empty()) return "";
  std::ostringstream out;
  out << "\nallocation sites that changed (matched by function and file):\n";
  for (const auto& [cc, d] : changed) {
    out << "  " << cc->id << "\n";
    for (std::size_t i = 0; i < d.changes.size() && i < per_case; ++i) {
      const SiteChange& s = d.changes[i];
      std::int64_t dc = s.delta(SiteMetric::count);
      std::string figures = signed_count(dc) + " allocations, " + signed_bytes(s.delta(SiteMetric::bytes)) +
                            ", peak share " + signed_bytes(s.delta(SiteMetric::peak));
      if (colour) figures = (dc > 0 ? "\033[31m" : dc < 0 ? "\033[32m" : "") + figures + "\033[0m";
      out << "    " << figures << "  at " << site_where(s.frames);
      if (std::string note = analyze::listing_note(s, d); !note.empty()) out << " (" << note << ")";
      out << "\n      " << stack_text(s.frames) << "\n";
    }
    if (d.changes.size() > per_case) out << "    … and " << d.changes.size() - per_case << " more changed sites\n";
  }
  return out.str();
}

std::string site_changes_markdown(const analyze::Comparison& c, std::size_t per_case) {
  auto changed = analyze::site_changes(c);
  if (changed.empty()) return "";
  std::ostringstream out;
  out << "#### Allocation sites that changed\n\n"
         "Matched between the builds by function and file (lines shift between builds).\n\n";
  for (const auto& [cc, d] : changed) {
    out << "`" << md(cc->id) << "`\n\n| allocations | bytes | peak share | where | stack | note |\n"
        << "| ---: | ---: | ---: | --- | --- | --- |\n";
    for (std::size_t i = 0; i < d.changes.size() && i < per_case; ++i) {
      const SiteChange& s = d.changes[i];
      out << "| " << signed_count(s.delta(SiteMetric::count)) << " | " << signed_bytes(s.delta(SiteMetric::bytes))
          << " | " << signed_bytes(s.delta(SiteMetric::peak)) << " | `" << md(site_where(s.frames)) << "` | "
          << md(stack_text(s.frames)) << " | " << md(analyze::listing_note(s, d)) << " |\n";
    }
    if (d.changes.size() > per_case) out << "\n… and " << d.changes.size() - per_case << " more changed sites.\n";
    out << "\n";
  }
  return out.str();
}

}  // namespace membench::render

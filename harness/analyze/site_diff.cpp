#include "analyze/site_diff.h"

#include <algorithm>
#include <cstdlib>
#include <map>

namespace membench::analyze {

using report::AllocationSite;
using report::SiteMetric;

std::string site_key(const std::vector<report::SiteFrame>& frames) {
  std::string key;
  for (const report::SiteFrame& f : frames) key += f.function + '\x1f' + f.file + '\x1e';
  return key;
}

bool allocations_changed(const report::CaseResult& base, const report::CaseResult& head) {
  if (!base.allocations || !head.allocations) return false;
  const report::Allocations& a = *base.allocations;
  const report::Allocations& b = *head.allocations;
  return a.count != b.count || a.bytes != b.bytes || a.peak_live_bytes != b.peak_live_bytes ||
         a.temporary != b.temporary || a.leaked_bytes != b.leaked_bytes;
}

std::optional<SiteDiff> diff_sites(const report::CaseResult& base, const report::CaseResult& head) {
  if (!base.allocations || !head.allocations || !base.allocations->sites || !head.allocations->sites) return std::nullopt;
  const report::AllocationSites& b = *base.allocations->sites;
  const report::AllocationSites& h = *head.allocations->sites;
  // Two sites of one side can share a key (the same function and file on
  // different lines): they are one site here.
  std::map<std::string, SiteChange> by_key;
  for (const AllocationSite& s : b.entries) {
    SiteChange& c = by_key[site_key(s.frames)];
    if (!c.in_base && !c.in_head) c.frames = s.frames;
    c.in_base = true;
    report::add_site(c.base, s);
  }
  for (const AllocationSite& s : h.entries) {
    SiteChange& c = by_key[site_key(s.frames)];
    if (!c.in_head) c.frames = s.frames;  // head's lines
    c.in_head = true;
    report::add_site(c.head, s);
  }
  SiteDiff d;
  d.base_other = b.other;
  d.head_other = h.other;
  d.base_other_sites = b.other_sites;
  d.head_other_sites = h.other_sites;
  for (auto& [key, c] : by_key) {
    bool changed = c.delta(SiteMetric::count) != 0 || c.delta(SiteMetric::bytes) != 0 ||
                   c.delta(SiteMetric::peak) != 0 || c.temporary_delta() != 0 || c.leaked_delta() != 0;
    if (changed) d.changes.push_back(c);
    d.all.push_back(std::move(c));
  }
  auto larger = [](const SiteChange& x, const SiteChange& y) {
    for (SiteMetric m : {SiteMetric::count, SiteMetric::bytes, SiteMetric::peak}) {
      auto ax = std::llabs(x.delta(m)), ay = std::llabs(y.delta(m));
      if (ax != ay) return ax > ay;
    }
    return site_key(x.frames) < site_key(y.frames);
  };
  std::sort(d.changes.begin(), d.changes.end(), larger);
  return d;
}

std::vector<CaseSiteChanges> site_changes(const Comparison& c) {
  std::vector<CaseSiteChanges> out;
  for (const CaseComparison& cc : c.cases) {
    if (!cc.base || !cc.head || !allocations_changed(*cc.base, *cc.head)) continue;
    if (auto d = diff_sites(*cc.base, *cc.head); d && !d->changes.empty()) out.push_back({&cc, std::move(*d)});
  }
  return out;
}

std::string listing_note(const SiteChange& s, const SiteDiff& d) {
  if (!s.in_base && d.base_other_sites) return "not in base's top sites: at most this much new";
  if (!s.in_head && d.head_other_sites) return "not in head's top sites: at most this much gone";
  if (!s.in_base) return "new";
  if (!s.in_head) return "gone";
  return "";
}

}  // namespace membench::analyze

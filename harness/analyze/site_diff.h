// Which allocation sites grew or shrank between two reports of one case.
// Sites are matched by their symbolized frames, function and file only:
// addresses and line numbers shift between builds, functions and files do not.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "analyze/compare.h"
#include "report/model.h"
#include "report/sites.h"

namespace membench::analyze {

struct SiteChange {
  std::vector<report::SiteFrame> frames;  // head's (base's when only base lists it)
  report::AllocationSite base, head;      // figures; zero where a side does not list the site
  bool in_base = false, in_head = false;  // listed among that side's entries
  std::int64_t delta(report::SiteMetric m) const {
    return static_cast<std::int64_t>(report::site_value(head, m)) -
           static_cast<std::int64_t>(report::site_value(base, m));
  }
  std::int64_t temporary_delta() const {
    return static_cast<std::int64_t>(head.temporary) - static_cast<std::int64_t>(base.temporary);
  }
  std::int64_t leaked_delta() const {
    return static_cast<std::int64_t>(head.leaked_bytes) - static_cast<std::int64_t>(base.leaked_bytes);
  }
};

struct SiteDiff {
  // Sites whose count, bytes, share of the peak, temporary or leaked bytes
  // changed, largest count change first (then bytes, then peak).
  std::vector<SiteChange> changes;
  // The summed rest of each side: a site listed on one side only may be in
  // the other's rest (below its top N), so its change is an upper bound.
  report::AllocationSite base_other, head_other;
  std::uint64_t base_other_sites = 0, head_other_sites = 0;
  // Every matched site, changed or not (the differential flame graph draws them all).
  std::vector<SiteChange> all;
};

// The match key of a stack: each frame's function and file.
std::string site_key(const std::vector<report::SiteFrame>& frames);

// Nothing when either side has no sites.
std::optional<SiteDiff> diff_sites(const report::CaseResult& base, const report::CaseResult& head);

// True when one of the case's allocation metrics differs between the two.
bool allocations_changed(const report::CaseResult& base, const report::CaseResult& head);

// The compared cases whose allocation figures changed and whose sites did,
// in the comparison's order: what compare's outputs list.
struct CaseSiteChanges {
  const CaseComparison* comparison;
  SiteDiff diff;
};
std::vector<CaseSiteChanges> site_changes(const Comparison& c);

// Why a change may be partial: "new", "gone", or a bound when the site is
// below one side's top N (summed in its `other`); "" for a site both list.
std::string listing_note(const SiteChange& s, const SiteDiff& d);

}  // namespace membench::analyze

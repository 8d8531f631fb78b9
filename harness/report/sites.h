// Allocation sites in the report (allocations.sites): choosing the top sites
// with the rest summed, their JSON form (reading checks that the sites add up
// to the case's totals), folded stacks, and the names the pages show.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "report/model.h"

namespace membench::report {

inline constexpr std::uint32_t kDefaultSitesTop = 10;

// The three figures a flame graph of sites can show.
enum class SiteMetric { count, bytes, peak };
const char* to_string(SiteMetric m);
std::uint64_t site_value(const AllocationSite& s, SiteMetric m);

// Keeps every site among the `top` largest by count, by bytes or by share of
// the peak (each ranking ties broken by frames); sums the rest into `other`.
// `all` is kept in the result's `all`.
AllocationSites select_sites(std::vector<AllocationSite> all, std::uint32_t top);

// Adds b's figures and threads to a.
void add_site(AllocationSite& a, const AllocationSite& b);

nlohmann::json sites_to_json(const AllocationSites& s);
// The parts of an entry: its frames, and its figures (count, bytes,
// temporary, leaked_bytes, peak_live_bytes).
nlohmann::json site_frames_json(const std::vector<SiteFrame>& frames);
nlohmann::json site_figures_json(const AllocationSite& s);
// Throws ReportError ("SOURCE: WHERE: what") on a malformed entry, or when
// entries and other do not add up to `totals` exactly.
AllocationSites sites_from_json(const nlohmann::json& j, const std::string& source, const std::string& where,
                                const Allocations& totals);

// "function (file:line)", or what of it is known.
std::string frame_label(const SiteFrame& f);
// Where a site allocates, for people: the innermost frame in the project's
// own sources (a relative path), else the innermost frame.
const SiteFrame* site_location(const AllocationSite& s);
// "file:line" of site_location, "" when unknown.
std::string location_text(const AllocationSite& s);

// Folded stacks ("root;frame;...;leaf VALUE" per line, flamegraph.pl's
// format) of one case's sites, rooted at `root` (the case id); lines with
// value 0 are left out.
std::string folded_stacks(const std::string& root, const std::vector<AllocationSite>& sites, SiteMetric m);

}  // namespace membench::report

// The runner's side of allocation sites: the counting child writes its raw
// sites (return addresses per unique stack, and its memory map) to a file
// the runner owns (track/alloc_sites.cpp); the runner reads it once the child
// is gone, symbolizes (runner/symbolize.h), cuts each stack to the strategy's
// frames and attaches the top sites to the case.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "report/model.h"

namespace membench::runner {

class Symbolizer;  // runner/symbolize.h

// A temporary file for one counting child's sites, removed with this object;
// nothing when not enabled.
class SitesFile {
 public:
  explicit SitesFile(bool enabled);  // not enabled either when no file can be made
  ~SitesFile();
  SitesFile(const SitesFile&) = delete;
  SitesFile& operator=(const SitesFile&) = delete;
  bool enabled() const { return !path_.empty(); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

struct RawSite {
  std::uint64_t count = 0, bytes = 0, temporary = 0, live = 0, peak_live = 0, threads = 0;
  bool truncated = false;
  std::vector<std::uintptr_t> frames;  // innermost first
};

struct RawSites {
  report::Allocations totals;
  std::vector<RawSite> sites;
  std::string maps;
};

// Strict: throws std::runtime_error naming the first thing wrong.
RawSites parse_raw_sites(const std::string& text);

// Symbolizes, cuts and merges the raw sites; checks that they add up to
// their totals. Throws std::runtime_error.
std::vector<report::AllocationSite> symbolize_sites(const RawSites& raw, Symbolizer& symbols);

// Reads the file, and sets allocations.sites of `r` (the top `top`), or
// extra.sites_error when the sites cannot be had. Symbolizes with one
// Symbolizer kept for the process's life, so that each module file's debug
// information is read once for all the cases, not once per case.
void attach_sites(report::CaseResult& r, const std::string& path, std::uint32_t top);

}  // namespace membench::runner

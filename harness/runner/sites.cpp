#include "runner/sites.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <sstream>
#include <stdexcept>

#include "report/sites.h"
#include "runner/symbolize.h"
#include "util/read_file.h"

#ifndef MEMBENCH_SOURCE_DIR
#define MEMBENCH_SOURCE_DIR ""
#endif

namespace membench::runner {
namespace {

std::uint64_t number(std::istringstream& in, const char* what, int base = 10) {
  std::string token;
  if (!(in >> token)) throw std::runtime_error(std::string("sites file: missing ") + what);
  char* end = nullptr;
  errno = 0;
  unsigned long long v = std::strtoull(token.c_str(), &end, base);
  if (token[0] == '-' || *end != '\0' || errno == ERANGE)
    throw std::runtime_error(std::string("sites file: bad ") + what + " '" + token.substr(0, 40) + "'");
  return v;
}

bool is_thread_entry(const std::string& f) {
  for (const char* name : {"clone3", "__clone3", "clone", "__clone", "start_thread", "execute_native_thread_routine"})
    if (f == name) return true;
  for (const char* prefix : {"std::thread::_State_impl", "std::thread::_Invoker", "std::__invoke"})
    if (f.rfind(prefix, 0) == 0) return true;
  return false;
}

bool ends_with(const std::string& s, const char* tail) {
  std::size_t n = std::strlen(tail);
  return s.size() >= n && s.compare(s.size() - n, n, tail) == 0;
}

// The case child around the strategy (run_strategy calls it as a tail call,
// so the frame above the strategy's is the count phase's), or Google
// Benchmark's runner around a benchmark function (docs/gbench.md).
bool is_harness(const SymbolFrame& f) {
  return f.function.rfind("membench::runner::", 0) == 0 || f.function.rfind("benchmark::internal::", 0) == 0 ||
         ends_with(f.file, "runner/case_child.cpp") ||
         ends_with(f.file, "runner/injected_regression.cpp");
}

// The strategy's frames, root first: without the interposer and unwinder at
// the bottom, and without the harness above the strategy (the case child's
// frames, or a thread's start routine on other threads).
std::vector<report::SiteFrame> strategy_frames(const std::vector<SymbolFrame>& inner_first, bool truncated) {
  std::size_t end = inner_first.size();
  bool found_entry = false;
  for (std::size_t i = 0; i < inner_first.size(); ++i)
    if (is_harness(inner_first[i])) {
      end = i;
      found_entry = true;
      break;
    }
  if (!found_entry && !truncated)
    while (end > 0 && (is_thread_entry(inner_first[end - 1].function) || inner_first[end - 1].function.empty())) --end;
  std::size_t begin = 0;
  for (std::size_t i = 0; i < end; ++i)
    if (inner_first[i].in_hook) begin = i + 1;
  std::vector<report::SiteFrame> out;
  if (truncated) out.push_back({"[stack deeper than recorded]", "", 0});
  for (std::size_t i = end; i > begin; --i) {
    const SymbolFrame& f = inner_first[i - 1];
    out.push_back({f.function.empty() ? "??" : f.function, f.file, f.line});
  }
  return out;
}

// Only the runner symbolizes: the measured children never load libdw. A
// throw (no libdw) leaves it to be made again on the next call.
Symbolizer& runner_symbolizer() {
  static Symbolizer symbols(MEMBENCH_SOURCE_DIR);
  return symbols;
}

std::string frames_key(const std::vector<report::SiteFrame>& frames) {
  std::string key;
  for (const report::SiteFrame& f : frames) key += f.function + '\x1f' + f.file + '\x1f' + std::to_string(f.line) + '\x1e';
  return key;
}

}  // namespace

SitesFile::SitesFile(bool enabled) {
  if (!enabled) return;
  std::string tmpl = (std::filesystem::temp_directory_path() / "membench-sites-XXXXXX").string();
  int fd = ::mkstemp(tmpl.data());
  if (fd < 0) return;  // no sites then; the counts do not depend on them
  ::close(fd);
  path_ = tmpl;
}

SitesFile::~SitesFile() {
  if (!path_.empty()) ::unlink(path_.c_str());
}

RawSites parse_raw_sites(const std::string& text) {
  RawSites raw;
  std::size_t maps_at = text.find("\nmaps\n");
  if (text.rfind("membench.sites 1\n", 0) != 0 || maps_at == std::string::npos)
    throw std::runtime_error("sites file: not a membench sites file (or cut short)");
  raw.maps = text.substr(maps_at + 6);
  std::istringstream lines(text.substr(0, maps_at + 1));
  std::string line;
  std::getline(lines, line);  // the header
  bool saw_totals = false;
  while (std::getline(lines, line)) {
    std::istringstream in(line);
    std::string kind;
    in >> kind;
    if (kind == "totals") {
      report::Allocations& t = raw.totals;
      t.count = number(in, "count");
      t.bytes = number(in, "bytes");
      t.peak_live_bytes = number(in, "peak");
      t.temporary = number(in, "temporary");
      t.leaked_bytes = number(in, "leaked bytes");
      saw_totals = true;
    } else if (kind == "site") {
      RawSite s;
      s.count = number(in, "count");
      s.bytes = number(in, "bytes");
      s.temporary = number(in, "temporary");
      s.live = number(in, "live bytes");
      s.peak_live = number(in, "peak bytes");
      s.threads = number(in, "threads", 16);
      s.truncated = number(in, "truncation") != 0;
      std::uint64_t depth = number(in, "depth");
      if (depth > 4096) throw std::runtime_error("sites file: a stack of more than 4096 frames");
      for (std::uint64_t i = 0; i < depth; ++i) s.frames.push_back(static_cast<std::uintptr_t>(number(in, "address", 16)));
      std::string rest;
      if (in >> rest) throw std::runtime_error("sites file: trailing '" + rest.substr(0, 40) + "' on a site");
      raw.sites.push_back(std::move(s));
    } else {
      throw std::runtime_error("sites file: unknown record '" + kind.substr(0, 40) + "'");
    }
  }
  if (!saw_totals) throw std::runtime_error("sites file: no totals");
  return raw;
}

std::vector<report::AllocationSite> symbolize_sites(const RawSites& raw, Symbolizer& symbols) {
  std::vector<std::uintptr_t> addresses;
  for (const RawSite& s : raw.sites) addresses.insert(addresses.end(), s.frames.begin(), s.frames.end());
  std::sort(addresses.begin(), addresses.end());
  addresses.erase(std::unique(addresses.begin(), addresses.end()), addresses.end());
  const std::vector<std::vector<SymbolFrame>> frames = symbols.frames(raw.maps, addresses);
  auto frames_at = [&](std::uintptr_t a) -> const std::vector<SymbolFrame>& {
    return frames[static_cast<std::size_t>(std::lower_bound(addresses.begin(), addresses.end(), a) - addresses.begin())];
  };
  std::map<std::string, report::AllocationSite> merged;  // identical after symbolizing: one site
  report::AllocationSite sum;
  for (const RawSite& s : raw.sites) {
    std::vector<SymbolFrame> inner_first;
    for (std::uintptr_t a : s.frames) {
      const std::vector<SymbolFrame>& at = frames_at(a);
      inner_first.insert(inner_first.end(), at.begin(), at.end());
    }
    report::AllocationSite site;
    site.frames = s.frames.empty() ? std::vector<report::SiteFrame>{{"[unattributed]", "", 0}}
                                   : strategy_frames(inner_first, s.truncated);
    if (site.frames.empty()) site.frames.push_back({"[outside the strategy]", "", 0});
    site.count = s.count;
    site.bytes = s.bytes;
    site.temporary = s.temporary;
    site.leaked_bytes = s.live;
    site.peak_live_bytes = s.peak_live;
    for (std::uint32_t t = 0; t < 64; ++t)
      if (s.threads >> t & 1) site.threads.push_back(t);
    add_site(sum, site);
    auto [it, fresh] = merged.emplace(frames_key(site.frames), site);
    if (!fresh) add_site(it->second, site);
  }
  const report::Allocations& t = raw.totals;
  if (sum.count != t.count || sum.bytes != t.bytes || sum.temporary != t.temporary ||
      sum.leaked_bytes != t.leaked_bytes || sum.peak_live_bytes != t.peak_live_bytes)
    throw std::runtime_error("the recorded sites do not add up to the window's totals");
  std::vector<report::AllocationSite> out;
  for (auto& [key, site] : merged) out.push_back(std::move(site));
  return out;
}

void attach_sites(report::CaseResult& r, const std::string& path, std::uint32_t top) {
  if (!r.allocations) return;
  auto fail = [&](const std::string& why) {
    if (r.extra.is_null()) r.extra = nlohmann::json::object();
    r.extra["sites_error"] = why;
  };
  try {
    RawSites raw = parse_raw_sites(read_regular_file(path, "sites file", std::uint64_t{1} << 30));
    const report::Allocations& a = *r.allocations;
    if (raw.totals.count != a.count || raw.totals.bytes != a.bytes || raw.totals.peak_live_bytes != a.peak_live_bytes ||
        raw.totals.temporary != a.temporary || raw.totals.leaked_bytes != a.leaked_bytes)
      return fail("the sites file's totals differ from the counting run's");
    r.allocations->sites = report::select_sites(symbolize_sites(raw, runner_symbolizer()), top);
  } catch (const std::exception& e) {
    fail(e.what());
  }
}

}  // namespace membench::runner

#include "report/sites.h"

#include <algorithm>
#include <set>
#include <tuple>

#include "report/json.h"

namespace membench::report {

using nlohmann::json;

const char* to_string(SiteMetric m) {
  switch (m) {
    case SiteMetric::count: return "count";
    case SiteMetric::bytes: return "bytes";
    case SiteMetric::peak: return "peak";
  }
  return "count";
}

std::uint64_t site_value(const AllocationSite& s, SiteMetric m) {
  switch (m) {
    case SiteMetric::count: return s.count;
    case SiteMetric::bytes: return s.bytes;
    case SiteMetric::peak: return s.peak_live_bytes;
  }
  return 0;
}

void add_site(AllocationSite& a, const AllocationSite& b) {
  a.count += b.count;
  a.bytes += b.bytes;
  a.temporary += b.temporary;
  a.leaked_bytes += b.leaked_bytes;
  a.peak_live_bytes += b.peak_live_bytes;
  for (std::uint32_t t : b.threads)
    if (std::find(a.threads.begin(), a.threads.end(), t) == a.threads.end()) a.threads.push_back(t);
  std::sort(a.threads.begin(), a.threads.end());
}

namespace {

bool frames_less(const AllocationSite& a, const AllocationSite& b) {
  return std::lexicographical_compare(a.frames.begin(), a.frames.end(), b.frames.begin(), b.frames.end(),
                                      [](const SiteFrame& x, const SiteFrame& y) {
                                        return std::tie(x.function, x.file, x.line) < std::tie(y.function, y.file, y.line);
                                      });
}

[[noreturn]] void fail(const std::string& source, const std::string& where, const std::string& what) {
  throw ReportError(source + ": " + where + ": " + what);
}

std::uint64_t u64(const json& o, const std::string& source, const std::string& where, const char* key) {
  if (!o.is_object() || !o.contains(key)) fail(source, where, std::string("missing field '") + key + "'");
  const json& v = o[key];
  if (v.is_number_unsigned()) return v.get<std::uint64_t>();
  if (v.is_number_integer() && v.get<std::int64_t>() >= 0) return v.get<std::uint64_t>();
  fail(source, where + "." + key, "is not a non-negative integer");
}

std::string text(const json& o, const std::string& source, const std::string& where, const char* key) {
  if (!o.is_object() || !o.contains(key) || !o[key].is_string())
    fail(source, where + "." + key, "is missing or not a string");
  return o[key].get<std::string>();
}

void read_figures(const json& o, const std::string& source, const std::string& where, AllocationSite& s) {
  s.count = u64(o, source, where, "count");
  s.bytes = u64(o, source, where, "bytes");
  s.temporary = u64(o, source, where, "temporary");
  s.leaked_bytes = u64(o, source, where, "leaked_bytes");
  s.peak_live_bytes = u64(o, source, where, "peak_live_bytes");
}

}  // namespace

AllocationSites select_sites(std::vector<AllocationSite> all, std::uint32_t top) {
  AllocationSites out;
  out.top = top;
  out.unique_stacks = all.size();
  std::set<std::size_t> keep;
  for (SiteMetric m : {SiteMetric::count, SiteMetric::bytes, SiteMetric::peak}) {
    std::vector<std::size_t> order(all.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      std::uint64_t va = site_value(all[a], m), vb = site_value(all[b], m);
      return va != vb ? va > vb : frames_less(all[a], all[b]);
    });
    for (std::size_t k = 0; k < order.size() && k < top; ++k)
      if (site_value(all[order[k]], m) > 0 || m == SiteMetric::count) keep.insert(order[k]);
  }
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (keep.count(i)) {
      out.entries.push_back(all[i]);
    } else {
      add_site(out.other, all[i]);
      ++out.other_sites;
    }
  }
  std::sort(out.entries.begin(), out.entries.end(), [](const AllocationSite& a, const AllocationSite& b) {
    if (a.count != b.count) return a.count > b.count;
    if (a.bytes != b.bytes) return a.bytes > b.bytes;
    return frames_less(a, b);
  });
  out.all = std::move(all);
  return out;
}

json site_frames_json(const std::vector<SiteFrame>& frames) {
  json out = json::array();
  for (const SiteFrame& f : frames) out.push_back({{"function", f.function}, {"file", f.file}, {"line", f.line}});
  return out;
}

json site_figures_json(const AllocationSite& s) {
  return {{"count", s.count},
          {"bytes", s.bytes},
          {"temporary", s.temporary},
          {"leaked_bytes", s.leaked_bytes},
          {"peak_live_bytes", s.peak_live_bytes}};
}

json sites_to_json(const AllocationSites& s) {
  json entries = json::array();
  for (const AllocationSite& e : s.entries) {
    json j = site_figures_json(e);
    j["frames"] = site_frames_json(e.frames);
    j["threads"] = e.threads;
    entries.push_back(std::move(j));
  }
  json other = site_figures_json(s.other);
  other["sites"] = s.other_sites;
  return {{"top", s.top}, {"unique_stacks", s.unique_stacks}, {"entries", entries}, {"other", other}};
}

AllocationSites sites_from_json(const json& j, const std::string& source, const std::string& where,
                                const Allocations& totals) {
  if (!j.is_object()) fail(source, where, "is not an object");
  AllocationSites s;
  std::uint64_t top = u64(j, source, where, "top");
  if (top > 1000000) fail(source, where + ".top", "is out of range");
  s.top = static_cast<std::uint32_t>(top);
  s.unique_stacks = u64(j, source, where, "unique_stacks");
  if (!j.contains("entries") || !j["entries"].is_array()) fail(source, where + ".entries", "is missing or not an array");
  AllocationSite sum;
  for (std::size_t i = 0; i < j["entries"].size(); ++i) {
    const json& e = j["entries"][i];
    std::string at = where + ".entries[" + std::to_string(i) + "]";
    AllocationSite site;
    read_figures(e, source, at, site);
    if (!e.contains("frames") || !e["frames"].is_array()) fail(source, at + ".frames", "is missing or not an array");
    for (std::size_t k = 0; k < e["frames"].size(); ++k) {
      std::string fat = at + ".frames[" + std::to_string(k) + "]";
      const json& f = e["frames"][k];
      std::uint64_t line = u64(f, source, fat, "line");
      if (line > 0xffffffffu) fail(source, fat + ".line", "is out of range");
      site.frames.push_back({text(f, source, fat, "function"), text(f, source, fat, "file"), static_cast<std::uint32_t>(line)});
    }
    if (e.contains("threads")) {
      if (!e["threads"].is_array()) fail(source, at + ".threads", "is not an array");
      for (const json& t : e["threads"]) {
        if (!t.is_number_unsigned() || t.get<std::uint64_t>() > 0xffffffffu)
          fail(source, at + ".threads", "holds something other than a thread index");
        site.threads.push_back(t.get<std::uint32_t>());
      }
    }
    add_site(sum, site);
    s.entries.push_back(std::move(site));
  }
  read_figures(j.contains("other") ? j["other"] : json(), source, where + ".other", s.other);
  s.other_sites = u64(j["other"], source, where + ".other", "sites");
  if (s.entries.size() + s.other_sites != s.unique_stacks)
    fail(source, where, "entries and other.sites do not make unique_stacks");
  add_site(sum, s.other);
  // The sites are the case's allocations, split: anything else is not a report of ours.
  const std::pair<const char*, std::pair<std::uint64_t, std::uint64_t>> checks[] = {
      {"count", {sum.count, totals.count}},
      {"bytes", {sum.bytes, totals.bytes}},
      {"temporary", {sum.temporary, totals.temporary}},
      {"leaked_bytes", {sum.leaked_bytes, totals.leaked_bytes}},
      {"peak_live_bytes", {sum.peak_live_bytes, totals.peak_live_bytes}}};
  for (const auto& [name, v] : checks)
    if (v.first != v.second)
      fail(source, where, std::string("the sites' ") + name + " add up to " + std::to_string(v.first) + ", not " +
                              std::to_string(v.second) + " as the case's");
  return s;
}

std::string frame_label(const SiteFrame& f) {
  std::string out = f.function.empty() ? "??" : f.function;
  if (!f.file.empty()) {
    std::string file = f.file;
    if (auto slash = file.rfind('/'); slash != std::string::npos && file[0] == '/') file = file.substr(slash + 1);
    out += " (" + file;
    if (f.line) {
      out += ':';
      out += std::to_string(f.line);
    }
    out += ")";
  }
  return out;
}

const SiteFrame* site_location(const AllocationSite& s) {
  for (auto it = s.frames.rbegin(); it != s.frames.rend(); ++it)
    if (!it->file.empty() && it->file[0] != '/' && it->line > 0) return &*it;
  return s.frames.empty() ? nullptr : &s.frames.back();
}

std::string location_text(const AllocationSite& s) {
  const SiteFrame* f = site_location(s);
  if (!f || f->file.empty()) return "";
  std::string out = f->file;
  if (f->line) {
    out += ':';
    out += std::to_string(f->line);
  }
  return out;
}

std::string folded_stacks(const std::string& root, const std::vector<AllocationSite>& sites, SiteMetric m) {
  auto clean = [](std::string s) {
    for (char& c : s)
      if (c == ';' || c == '\n' || c == '\r') c = ':';
    return s;
  };
  std::string out;
  for (const AllocationSite& s : sites) {
    std::uint64_t v = site_value(s, m);
    if (v == 0) continue;
    out += clean(root);
    for (const SiteFrame& f : s.frames) {
      out += ';';
      out += clean(frame_label(f));
    }
    out += ' ';
    out += std::to_string(v);
    out += '\n';
  }
  return out;
}

}  // namespace membench::report

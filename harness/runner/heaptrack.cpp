#include "runner/heaptrack.h"

#include "util/shell.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <regex>
#include <sstream>
#include <stdexcept>

namespace membench::runner {

nlohmann::json HeaptrackFigures::to_json() const {
  return {{"calls", calls},
          {"temporary", temporary},
          {"peak_heap_bytes", peak_heap_bytes},
          {"leaked_bytes", leaked_bytes},
          {"peak_rss_bytes", peak_rss_bytes}};
}

std::string heaptrack_program() {
  for (const char* p : {"/usr/bin/heaptrack", "/usr/local/bin/heaptrack"})
    if (::access(p, X_OK) == 0) return p;
  return "";
}

std::optional<double> parse_si_size(const std::string& text) {
  std::smatch m;
  static const std::regex size("^\\s*([0-9]+(?:\\.[0-9]+)?)\\s*([KMGT]?)B?\\s*$");
  if (!std::regex_match(text, m, size)) return std::nullopt;
  double v = std::stod(m[1]);
  std::string unit = m[2];
  if (unit == "K") v *= 1e3;
  else if (unit == "M") v *= 1e6;
  else if (unit == "G") v *= 1e9;
  else if (unit == "T") v *= 1e12;
  return v;
}

HeaptrackFigures parse_heaptrack_summary(const std::string& text, std::vector<std::string>& missing) {
  HeaptrackFigures f;
  const std::string lines = "\n" + text;  // every label is matched at a line start
  auto integer = [&](const char* label, std::uint64_t& out) {
    std::smatch m;
    if (std::regex_search(lines, m, std::regex(std::string("\\n") + label + ": ([0-9]+)")))
      out = std::stoull(m[1]);
    else
      missing.push_back(label);
  };
  auto sized = [&](const char* label, std::uint64_t& out) {
    std::smatch m;
    if (std::regex_search(lines, m, std::regex(std::string("\\n") + label + ": ([0-9.]+[KMGT]?)B?\\b"))) {
      if (auto v = parse_si_size(m[1])) out = static_cast<std::uint64_t>(*v);
    } else {
      missing.push_back(label);
    }
  };
  integer("calls to allocation functions", f.calls);
  integer("temporary memory allocations", f.temporary);
  sized("peak heap memory consumption", f.peak_heap_bytes);
  sized("peak RSS \\(including heaptrack overhead\\)", f.peak_rss_bytes);
  sized("total memory leaked", f.leaked_bytes);
  return f;
}

std::uint64_t sum_flamegraph_costs(const std::string& text) {
  std::uint64_t total = 0;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    auto sp = line.find_last_of(' ');
    if (sp == std::string::npos) continue;
    char* end = nullptr;
    unsigned long long v = std::strtoull(line.c_str() + sp + 1, &end, 10);
    if (end && *end == '\0') total += v;
  }
  return total;
}

HeaptrackFigures analyse_recording(const std::string& recording, const std::optional<std::string>& flamegraph_path,
                                   const char* only_through) {
  int status = 0;
  std::string print = "heaptrack_print -f " + shell_quote(recording);
  std::string summary = shell_capture(print + " -p 0 -a 0 -T 0 -l 0 2>&1", &status);
  if (status != 0) throw std::runtime_error("heaptrack_print failed on " + recording);
  std::vector<std::string> missing;
  HeaptrackFigures f = parse_heaptrack_summary(summary, missing);
  if (!missing.empty()) throw std::runtime_error("heaptrack_print output lacks '" + missing.front() + "'");
  // Exact bytes: the per-stack costs of the flame-graph files are integers.
  char tmpl[] = "/tmp/membench-flame-XXXXXX";
  int fd = ::mkstemp(tmpl);
  if (fd < 0) throw std::runtime_error("cannot create a temporary file");
  ::close(fd);
  std::string tmp = tmpl;
  auto cost = [&](const char* type) {
    shell_capture(print + " --flamegraph-cost-type " + type + " -F " + shell_quote(tmp) + " -p 0 -a 0 -T 0 -l 0 >/dev/null 2>&1");
    return sum_flamegraph_costs(shell_capture("cat " + shell_quote(tmp)));
  };
  f.peak_heap_bytes = cost("peak");
  f.leaked_bytes = cost("leaked");
  if (flamegraph_path) {
    // Only the stacks through the case child's strategy frame: the flame
    // graph shows the strategy's allocations, not start-up's.
    std::string filter = only_through ? std::string(" --filter-bt-function ") + only_through : "";
    shell_capture(print + filter + " --flamegraph-cost-type allocations -F " + shell_quote(*flamegraph_path) +
                  " -p 0 -a 0 -T 0 -l 0 >/dev/null 2>&1");
  }
  ::unlink(tmp.c_str());
  return f;
}

}  // namespace membench::runner

#include "runner/cachegrind.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "runner/phases.h"

namespace membench::runner {

std::string valgrind_program() {
  for (const char* p : {"/usr/bin/valgrind", "/usr/local/bin/valgrind"})
    if (::access(p, X_OK) == 0) return p;
  return "";
}

std::vector<std::string> cachegrind_arguments(const std::string& out_file, CallgrindScope scope) {
  // Callgrind rather than cachegrind: Valgrind 3.19's cachegrind cannot limit
  // counting to one function; callgrind's --toggle-collect can, with the same
  // cache simulation.
  std::vector<std::string> argv{valgrind_program(), "--tool=callgrind", "--cache-sim=yes"};
  if (scope == CallgrindScope::strategy_window) {
    argv.push_back("--collect-atstart=no");
    argv.push_back(std::string("--toggle-collect=") + kStrategyWindowSymbol);
  }
  argv.push_back("--callgrind-out-file=" + out_file);
  argv.push_back("--quiet");
  return argv;
}

CallgrindFile::CallgrindFile() {
  static int serial = 0;
  path_ = (std::filesystem::temp_directory_path() /
           ("membench-callgrind." + std::to_string(::getpid()) + "." + std::to_string(++serial)))
              .string();
}

CallgrindFile::~CallgrindFile() {
  std::error_code ec;
  std::filesystem::remove(path_, ec);
}

void settle_cachegrind(report::CaseResult& r, const std::string& out_file, const std::string& failure) {
  if (r.extra.is_null()) r.extra = nlohmann::json::object();
  if (!failure.empty()) {
    r.extra["cachegrind_error"] = failure;
    return;
  }
  try {
    r.cachegrind = read_callgrind_totals(out_file);
  } catch (const std::exception& e) {
    r.extra["cachegrind_error"] = e.what();
  }
}

std::uint64_t estimated_cycles(std::uint64_t accesses, std::uint64_t l1_misses, std::uint64_t ll_misses) {
  const std::uint64_t l1_hits = accesses - std::min(accesses, l1_misses);
  const std::uint64_t ll_hits = l1_misses - std::min(l1_misses, ll_misses);
  return l1_hits + 5 * ll_hits + 35 * ll_misses;
}

report::CpuCost read_callgrind_totals(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("callgrind wrote no output at " + path);
  std::vector<std::string> events;
  std::vector<std::uint64_t> totals;
  std::string line;
  while (std::getline(in, line)) {
    auto split = [&](std::size_t from) {
      std::istringstream words(line.substr(from));
      std::vector<std::string> out;
      for (std::string w; words >> w;) out.push_back(w);
      return out;
    };
    if (line.rfind("events:", 0) == 0) events = split(7);
    if (line.rfind("totals:", 0) == 0 || (totals.empty() && line.rfind("summary:", 0) == 0)) {
      totals.clear();
      for (const std::string& w : split(line.find(':') + 1)) totals.push_back(std::stoull(w));
    }
  }
  if (events.empty() || totals.empty()) throw std::runtime_error(path + ": no event totals in callgrind's output");
  std::map<std::string, std::uint64_t> by_event;
  for (std::size_t i = 0; i < events.size(); ++i) by_event[events[i]] = i < totals.size() ? totals[i] : 0;
  if (!by_event.count("Ir") || !by_event.count("D1mr"))
    throw std::runtime_error(path + ": callgrind's output lacks the cache simulation's events");
  report::CpuCost c;
  c.instructions = by_event["Ir"];
  c.d1_misses = by_event["D1mr"] + by_event["D1mw"];
  c.ll_misses = by_event["ILmr"] + by_event["DLmr"] + by_event["DLmw"];
  c.estimated_cycles = estimated_cycles(by_event["Ir"] + by_event["Dr"] + by_event["Dw"],
                                        by_event["I1mr"] + by_event["D1mr"] + by_event["D1mw"], c.ll_misses);
  return c;
}

void attach_cachegrind(const CaseRun& run, report::CaseResult& r) {
  CallgrindFile out_file;
  std::vector<std::string> argv = cachegrind_arguments(out_file.path());
  std::vector<std::string> child = run.child_argv("cachegrind");
  argv.insert(argv.end(), child.begin(), child.end());
  ChildOutcome out = run_child({.argv = argv, .env_set = run.env, .timeout_seconds = run.remaining_seconds()});
  PhaseVerdict v = judge(out, "cachegrind", run.options);
  settle_cachegrind(r, out_file.path(), v.ok ? "" : v.error);
}

}  // namespace membench::runner

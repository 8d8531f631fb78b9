#include "runner/cachegrind.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string_view>
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
  if (scope != CallgrindScope::whole_program) argv.push_back("--collect-atstart=no");
  if (scope == CallgrindScope::strategy_window)
    argv.push_back(std::string("--toggle-collect=") + kStrategyWindowSymbol);
  argv.push_back("--callgrind-out-file=" + out_file);
  argv.push_back("--quiet");
  return argv;
}

void settle_cachegrind(report::CaseResult& r, const std::string& out_file, const std::string& failure,
                       std::string_view excluded_object) {
  if (r.extra.is_null()) r.extra = nlohmann::json::object();
  if (!failure.empty()) {
    r.extra["cachegrind_error"] = failure;
    return;
  }
  try {
    r.cachegrind = read_callgrind_totals(out_file, excluded_object);
  } catch (const std::exception& e) {
    r.extra["cachegrind_error"] = e.what();
  }
}

std::uint64_t estimated_cycles(std::uint64_t accesses, std::uint64_t l1_misses, std::uint64_t ll_misses) {
  const std::uint64_t l1_hits = accesses - std::min(accesses, l1_misses);
  const std::uint64_t ll_hits = l1_misses - std::min(l1_misses, ll_misses);
  return l1_hits + 5 * ll_hits + 35 * ll_misses;
}

namespace {

std::vector<std::string> words_of(std::string_view text) {
  std::istringstream in{std::string(text)};
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

// The self cost of the functions of objects whose path holds `object`:
// callgrind's cost lines ("POSITION COST...") under an "ob=" context, less
// the lines that follow "calls=" (those are a callee's inclusive cost).
// Names may be compressed: "ob=(N) NAME" the first time, "ob=(N)" after.
class ObjectSelfCost {
 public:
  explicit ObjectSelfCost(std::string_view object) : object_(object) {}

  void line(const std::string& text, std::size_t event_count) {
    if (object_.empty() || text.empty()) return;
    if (text.rfind("ob=", 0) == 0) {
      in_object_ = object_named(text.substr(3)).find(object_) != std::string::npos;
    } else if (text.rfind("cob=", 0) == 0) {
      object_named(text.substr(4));  // a name given first for a callee is used by "ob=" later
    } else if (text.rfind("calls=", 0) == 0) {
      skip_next_ = true;
    } else if (std::string_view("0123456789+-*").find(text[0]) != std::string_view::npos) {
      const bool skip = skip_next_;
      skip_next_ = false;
      if (skip || !in_object_) return;
      std::vector<std::string> w = words_of(text);
      if (cost_.size() < event_count) cost_.resize(event_count, 0);
      for (std::size_t i = 1; i < w.size() && i - 1 < event_count; ++i) cost_[i - 1] += std::stoull(w[i]);
    }
  }
  const std::vector<std::uint64_t>& cost() const { return cost_; }

 private:
  std::string object_named(const std::string& spec) {
    if (spec.empty() || spec[0] != '(') return spec;
    const std::size_t close = spec.find(')');
    if (close == std::string::npos) return spec;
    const std::string id = spec.substr(0, close + 1);
    std::string name = close + 1 < spec.size() ? spec.substr(close + 1) : "";
    if (!name.empty() && name[0] == ' ') name.erase(0, 1);
    if (!name.empty()) names_[id] = name;
    return names_[id];
  }

  std::string object_;
  std::map<std::string, std::string> names_;
  bool in_object_ = false;
  bool skip_next_ = false;
  std::vector<std::uint64_t> cost_;
};

}  // namespace

report::CpuCost read_callgrind_totals(const std::string& path, std::string_view excluded_object) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("callgrind wrote no output at " + path);
  std::vector<std::string> events;
  std::vector<std::uint64_t> totals;
  ObjectSelfCost excluded(excluded_object);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("events:", 0) == 0) events = words_of(std::string_view(line).substr(7));
    if (line.rfind("totals:", 0) == 0 || (totals.empty() && line.rfind("summary:", 0) == 0)) {
      totals.clear();
      for (const std::string& w : words_of(std::string_view(line).substr(line.find(':') + 1)))
        totals.push_back(std::stoull(w));
    }
    excluded.line(line, events.size());
  }
  if (events.empty() || totals.empty()) throw std::runtime_error(path + ": no event totals in callgrind's output");
  std::map<std::string, std::uint64_t> by_event;
  for (std::size_t i = 0; i < events.size(); ++i) {
    const std::uint64_t total = i < totals.size() ? totals[i] : 0;
    const std::uint64_t less = i < excluded.cost().size() ? excluded.cost()[i] : 0;
    by_event[events[i]] = total - std::min(total, less);
  }
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
  ScratchFile out_file("callgrind");
  std::vector<std::string> argv = cachegrind_arguments(out_file.path());
  std::vector<std::string> child = run.child_argv("cachegrind");
  argv.insert(argv.end(), child.begin(), child.end());
  ChildOutcome out = run_child({.argv = argv, .env_set = run.env, .timeout_seconds = run.remaining_seconds()});
  PhaseVerdict v = judge(out, "cachegrind", run.options);
  settle_cachegrind(r, out_file.path(), v.ok ? "" : v.error);
}

}  // namespace membench::runner

// Planning a run: which cases the options select (workloads, strategies,
// datasets or user files, allocators, the filter and the shard), in a stable
// order, and the datasets they need, generated once.
#include "runner/plan.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>
#include <regex>

#include "datasets/dataset.h"
#include "runner/allocators.h"
#include "runner/command_case.h"
#include "runner/gbench.h"
#include "util/args.h"

namespace membench::runner {

std::string PlannedCase::id() const {
  return report::case_id(workload->name, strategy->name, dataset, allocator);
}


namespace {

bool selected_by_default(const datasets::DatasetDef& d, const RunOptions& o) {
  // --scale: every generated size short of the opt-in ones, for the fits.
  if (o.scale) return d.generate && (d.tiers & (datasets::kQuick | datasets::kStandard));
  return d.tiers & (o.quick ? datasets::kQuick : datasets::kStandard);
}

// A user file becomes a dataset named after its file name, made safe for a
// case id (no '/', no spaces).
std::string user_dataset_name(const std::string& path) {
  std::string base = std::filesystem::path(path).filename().string();
  std::string name = "file:";
  for (unsigned char c : base) name += (std::isalnum(c) || c == '.' || c == '-' || c == '_') ? char(c) : '_';
  return name;
}

void check_user_file(const std::string& path) {
  struct stat st{};
  if (::stat(path.c_str(), &st) != 0)
    throw UsageError("--dataset " + path + ": " + std::strerror(errno));
  if (S_ISDIR(st.st_mode)) throw UsageError("--dataset " + path + ": is a directory, not a file");
  if (!S_ISREG(st.st_mode))
    throw UsageError("--dataset " + path + ": not a regular file (FIFOs and devices cannot be measured repeatably)");
  // Opening says what access() cannot: whether this process may read it
  // (effective ids, ACLs, security modules). O_NONBLOCK: never wait on it.
  int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) throw UsageError("--dataset " + path + ": cannot read: " + std::strerror(errno));
  ::close(fd);
}

std::regex compile_filter(const std::string& text) {
  try {
    return std::regex(text, std::regex::ECMAScript);
  } catch (const std::regex_error& e) {
    throw UsageError("--filter '" + text + "' is not a valid regular expression (" + e.what() + ")");
  }
}

// A dataset a case runs on: registered (def) or a user file (path).
struct ChosenDataset {
  std::string name, path;
  const datasets::DatasetDef* def;
};

// The --dataset names and files, each once.
std::vector<ChosenDataset> explicit_datasets(const std::vector<std::string>& given) {
  std::vector<ChosenDataset> chosen;
  for (const std::string& d : given) {
    ChosenDataset c;
    if (const auto* def = datasets::find_dataset(d)) {
      c = {def->name, "", def};
    } else if (d.find('/') != std::string::npos || ::access(d.c_str(), F_OK) == 0) {
      check_user_file(d);
      c = {user_dataset_name(d), d, nullptr};
    } else {
      throw UsageError("--dataset '" + d + "': no such dataset or file (see 'membench datasets list')");
    }
    // One dataset given twice runs once; two files whose names sanitise alike
    // would give two different cases one id.
    auto same = std::find_if(chosen.begin(), chosen.end(), [&](const ChosenDataset& u) { return u.name == c.name; });
    if (same == chosen.end()) {
      chosen.push_back(c);
      continue;
    }
    std::error_code ec;
    if (same->path == c.path || std::filesystem::equivalent(same->path, c.path, ec)) continue;
    throw UsageError("--dataset " + same->path + " and " + c.path + " would both be dataset '" + c.name +
                     "' in case ids; rename or link one of them");
  }
  return chosen;
}

// A Google Benchmark case's place in its executable's listing.
std::size_t listing_index(const PlannedCase& c) {
  const auto& commands = c.gbench->set.commands;
  for (std::size_t i = 0; i < commands.size(); ++i)
    if (&commands[i] == c.command) return i;
  return commands.size();
}

// Workload, strategy, dataset by size (corpora, whose size is known only
// once built, last), allocator. A Google Benchmark suite's benchmarks keep
// the order of its listing (registration order: BM_x/8 before BM_x/64).
bool run_order(const PlannedCase& a, const PlannedCase& b) {
  if (std::string_view(a.workload->name) != b.workload->name) return std::string_view(a.workload->name) < b.workload->name;
  if (a.gbench && a.gbench == b.gbench && a.command != b.command) return listing_index(a) < listing_index(b);
  if (std::string_view(a.strategy->name) != b.strategy->name) return std::string_view(a.strategy->name) < b.strategy->name;
  auto size_of = [](const datasets::DatasetDef* d) { return !d ? 0 : d->generate ? d->size : UINT64_MAX; };
  std::uint64_t sa = size_of(datasets::find_dataset(a.dataset)), sb = size_of(datasets::find_dataset(b.dataset));
  if (a.dataset != b.dataset) return sa != sb ? sa < sb : a.dataset < b.dataset;
  return a.allocator < b.allocator;
}

// What to run: the registry's strategies, or the commands of run --command.
struct Candidate {
  const Workload* workload;
  const Strategy* strategy;
  const CommandDef* command;
  const GbenchSuite* gbench = nullptr;
};

std::vector<Candidate> candidates(const RunOptions& o) {
  std::vector<Candidate> out;
  if (o.commands) {
    for (const CommandDef& d : o.commands->commands) out.push_back({&o.commands->workload, &d.strategy, &d});
    return out;
  }
  if (!o.gbench.empty()) {
    for (const auto& suite : o.gbench)
      for (const CommandDef& d : suite->set.commands) out.push_back({&suite->set.workload, &d.strategy, &d, suite.get()});
    return out;
  }
  for (const Workload& w : workload_registry()) {
    // Test-only workloads run only when the filter names them.
    if (w.hidden && o.filter.find(w.name) == std::string::npos) continue;
    for (const Strategy& s : strategy_registry())
      if (std::string_view(s.workload) == w.name) out.push_back({&w, &s, nullptr});
  }
  return out;
}

// Every I-th case of N, so that each shard gets a share of every workload.
std::vector<PlannedCase> shard_of(std::vector<PlannedCase> cases, int index, int count) {
  if (count <= 1) return cases;
  std::vector<PlannedCase> mine;
  for (std::size_t i = 0; i < cases.size(); ++i)
    if (static_cast<int>(i % static_cast<std::size_t>(count)) == index - 1) mine.push_back(cases[i]);
  return mine;
}

}  // namespace

std::vector<PlannedCase> plan_cases(const RunOptions& o) {
  std::regex filter = o.filter.empty() ? std::regex() : compile_filter(o.filter);
  for (const std::string& a : o.allocators)
    if (!find_allocator(a)) throw UsageError("unknown allocator '" + a + "' (" + allocator_names() + ", all)");
  const std::vector<ChosenDataset> explicit_sets = explicit_datasets(o.datasets);
  std::vector<PlannedCase> cases;
  for (const Candidate& k : candidates(o)) {
    std::vector<ChosenDataset> sets = explicit_sets;
    if (k.gbench) sets = {{kNoDataset, "", nullptr}};  // a benchmark makes its own input
    else if (sets.empty())
      for (const datasets::DatasetDef& d : datasets::dataset_registry())
        if (std::string_view(d.kind) == k.workload->dataset_kind && selected_by_default(d, o))
          sets.push_back({d.name, "", &d});
    for (const ChosenDataset& ds : sets)
      for (const std::string& alloc : o.allocators) {
        PlannedCase c{k.workload, k.strategy, ds.name, ds.path, alloc, ds.def == nullptr && !k.gbench, k.command, k.gbench};
        if (o.filter.empty() || std::regex_search(c.id(), filter)) cases.push_back(std::move(c));
      }
  }
  std::sort(cases.begin(), cases.end(), run_order);
  if (cases.empty())
    throw UsageError(o.filter.empty() ? "no case to run" : "--filter '" + o.filter + "' matches no case (see 'membench list')");
  return shard_of(std::move(cases), o.shard_index, o.shard_count);
}

void materialise_datasets(std::vector<PlannedCase>& cases,
                          const std::function<void(const std::string&)>& on_generate) {
  std::map<std::string, std::string> done;
  for (PlannedCase& c : cases) {
    if (c.user_file || c.gbench) continue;
    auto it = done.find(c.dataset);
    if (it == done.end()) {
      const auto* def = datasets::find_dataset(c.dataset);
      if (!def) throw UsageError("unknown dataset " + c.dataset);
      if (on_generate) on_generate(def->name);
      it = done.emplace(c.dataset, datasets::materialise(*def)).first;
    }
    c.dataset_path = it->second;
  }
}


}  // namespace membench::runner

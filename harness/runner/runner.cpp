#include "runner/runner.h"

#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <set>

#include "analyze/scaling.h"
#include "datasets/dataset.h"
#include "runner/allocators.h"
#include "runner/cachegrind.h"
#include "runner/child_process.h"
#include "runner/command_case.h"
#include "runner/context.h"
#include "runner/gbench.h"
#include "runner/heaptrack.h"
#include "runner/heaptrack_run.h"
#include "runner/injected_regression.h"
#include "runner/phases.h"
#include "util/sha256.h"

namespace membench::runner {

using report::CaseResult;
using report::Status;

namespace {

CaseResult run_one(const PlannedCase& c, const RunOptions& o, const std::string& exe,
                   HeaptrackCalibrations& calibrations) {
  CaseResult r = case_skeleton(c);
  std::string why;
  std::optional<std::vector<std::string>> env = allocator_environment(c.allocator, sanitizer_build(), why);
  if (!env) {
    r.status = Status::skipped;
    r.error = why;
    return r;
  }
  CaseRun run{.planned = c, .options = o, .exe = exe, .env = std::move(*env),
              .deadline = std::chrono::steady_clock::now() + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                                                 std::chrono::duration<double>(o.timeout_seconds))};
  using Phase = PhaseVerdict (*)(const CaseRun&, CaseResult&);
  const std::pair<bool, Phase> phases[] = {
      {o.run_memory, measure_memory}, {o.run_count, count_allocations}, {o.run_time, time_processes}};
  for (const auto& [wanted, phase] : phases) {
    if (!wanted) continue;
    if (PhaseVerdict v = phase(run, r); !v.ok) {
      r.status = v.status;
      r.error = v.error;
      return r;
    }
  }
  // Optionally, instructions and simulated cache misses (exact where time is
  // noisy), and heaptrack's independent view of the same work.
  if (o.cachegrind) attach_cachegrind(run, r);
  if (o.heaptrack) attach_heaptrack(run, r, calibrations);
  return r;
}

// Every strategy of a workload must write the same output for the same
// dataset; the workload's reference strategy decides, else the majority.
void check_digests(std::vector<CaseResult>& results, const std::set<std::string>& changed_datasets, const RunOptions& o) {
  std::map<std::pair<std::string, std::string>, std::vector<CaseResult*>> groups;
  for (CaseResult& r : results)
    if (r.status == Status::ok && !r.output_digest.empty()) groups[{r.workload, r.dataset}].push_back(&r);
  for (auto& [key, members] : groups) {
    const Workload* w = workload_named(o, key.first);
    std::string expected, source;
    for (const CaseResult* r : members)
      if (w && r->strategy == w->reference_strategy) {
        expected = r->output_digest;
        source = "reference strategy " + r->strategy;
      }
    if (expected.empty()) {
      std::map<std::string, int> votes;
      for (const CaseResult* r : members) ++votes[r->output_digest];
      int best = 0;
      bool tie = false;
      for (const auto& [d, n] : votes) {
        if (n > best) { best = n; expected = d; tie = false; }
        else if (n == best) tie = true;
      }
      if (tie) expected.clear();
      source = "the majority of strategies";
    }
    if (expected.empty()) continue;
    for (CaseResult* r : members)
      if (r->output_digest != expected) {
        r->status = Status::mismatch;
        r->error = "output digest " + r->output_digest.substr(0, 16) + "... differs from " + source + " (" +
                   expected.substr(0, 16) + "...)";
        if (changed_datasets.count(r->dataset)) r->error += "; the dataset changed during the run";
      }
  }
}

// Size and modification time of a dataset file, to notice one that changes
// while the run reads it.
struct FileState {
  bool present = false;
  std::uint64_t bytes = 0;
  std::int64_t mtime_ns = 0;
  bool operator==(const FileState&) const = default;
};

FileState file_state(const std::string& path) {
  FileState f;
  struct stat st{};
  if (::stat(path.c_str(), &st) != 0) return f;
  f.present = true;
  f.bytes = static_cast<std::uint64_t>(st.st_size);
  f.mtime_ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  return f;
}

bool valid_utf8(const std::string& s) {
  try {
    (void)nlohmann::json(s).dump();
    return true;
  } catch (const nlohmann::json::exception&) {
    return false;
  }
}

// What the report says of the run itself.
nlohmann::json run_context(const RunOptions& options) {
  nlohmann::json context = collect_context(options.command_line);
  context["suite"] = !options.datasets.empty() ? "custom" : options.scale ? "scale" : options.quick ? "quick" : "default";
  context["filter"] = options.filter;
  context["shard"] = std::to_string(options.shard_index) + "/" + std::to_string(options.shard_count);
  context["repetitions"] = options.repetitions;
  context["processes"] = options.processes;
  if (options.cachegrind)
    context["cachegrind"] = options.gbench.empty() ? "callgrind --cache-sim=yes, the strategy call only"
                                                   : "callgrind --cache-sim=yes, one warm iteration of the benchmark loop";
  if (std::string injected = injected_regression(); !injected.empty()) context["injected_regression"] = injected;
  context["warmup_seconds"] = options.warmup_seconds;
  context["min_time_seconds"] = options.min_time_seconds;
  context["cold"] = options.cold;
  context["memory_limit_bytes"] = options.memory_limit;
  context["timeout_seconds"] = options.timeout_seconds;
  context["sample_interval_ms"] = options.sample_interval_ms;
  if (const char* conf = std::getenv("MALLOC_CONF")) context["allocators"]["jemalloc"]["MALLOC_CONF"] = conf;
  return context;
}

// Where a case's dataset came from and what it held.
nlohmann::json dataset_entry(const PlannedCase& c, std::uint64_t bytes) {
  // A user file's path as given may be relative to where the run started.
  std::string path = c.user_file ? std::filesystem::absolute(c.dataset_path).string() : c.dataset_path;
  nlohmann::json entry = {{"path", path}, {"bytes", bytes}, {"user_file", c.user_file}};
  // JSON strings are UTF-8: a path that is not keeps its exact bytes here.
  if (!valid_utf8(path)) entry["path_hex"] = to_hex(path);
  // The content's digest: a corpus or a user file differs between machines.
  const auto* def = datasets::find_dataset(c.dataset);
  std::string sha = def && def->sha256 && *def->sha256 ? def->sha256 : "";
  if (sha.empty()) {
    try {
      sha = datasets::file_sha256(c.dataset_path);
    } catch (const std::exception&) {
      // unreadable now: the cases say why
    }
  }
  entry["sha256"] = sha;
  return entry;
}

// What a reader of the report needs to judge a workload's strategies
// against each other, without this build's registry at hand.
nlohmann::json workload_context(const std::vector<CaseResult>& results, const RunOptions& o) {
  nlohmann::json info = nlohmann::json::object();
  for (const CaseResult& r : results)
    if (const Workload* w = workload_named(o, r.workload); w && !info.contains(r.workload))
      info[r.workload] = {{"description", w->description},
                          {"reference_strategy", w->reference_strategy},
                          {"item_unit", w->item_unit}};
  if (o.commands) add_command_context(info, *o.commands);
  for (const auto& suite : o.gbench)
    if (info.contains(suite->set.workload_name))
      info[suite->set.workload_name].update({{"gbench_executable", suite->executable}, {"gbench_args", suite->args}});
  return info;
}

}  // namespace

report::Report run_cases(const std::vector<PlannedCase>& cases, const RunOptions& options,
                         const Progress& progress) {
  std::string exe = self_executable();
  report::Report rep;
  rep.context = run_context(options);
  nlohmann::json dataset_info = nlohmann::json::object();
  HeaptrackCalibrations calibrations;
  std::map<std::string, std::pair<std::string, FileState>> dataset_state;  // name -> (path, state at start)
  for (const PlannedCase& c : cases)
    if (!c.gbench && !dataset_state.count(c.dataset)) dataset_state[c.dataset] = {c.dataset_path, file_state(c.dataset_path)};
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const PlannedCase& c = cases[i];
    // A signal that came between two cases stops the run before the next.
    if (int sig = pending_interrupt()) throw Interrupted{sig};
    if (progress.starting) progress.starting(i, cases.size(), c);
    CaseResult r = c.gbench    ? run_gbench_case(c, options)
                   : c.command ? run_command_case(c, options)
                               : run_one(c, options, exe, calibrations);
    if (r.allocator != "glibc" && r.allocator_stats.contains("version"))
      rep.context["allocators"][r.allocator]["version"] = r.allocator_stats["version"];
    if (!c.gbench && !dataset_info.contains(c.dataset)) dataset_info[c.dataset] = dataset_entry(c, r.input_bytes);
    if (progress.finished) progress.finished(i, cases.size(), r);
    rep.results.push_back(std::move(r));
  }
  // Interrupted after the last case: still no report.
  if (int sig = pending_interrupt()) throw Interrupted{sig};
  // A dataset that changed while the run read it: each case measured the file
  // as its own processes found it; say so beside the dataset.
  std::set<std::string> changed;
  for (const auto& [name, at_start] : dataset_state) {
    FileState now = file_state(at_start.first);
    if (now == at_start.second || !dataset_info.contains(name)) continue;
    changed.insert(name);
    dataset_info[name]["changed_during_run"] = true;
    dataset_info[name]["bytes_at_start"] = at_start.second.bytes;
    dataset_info[name]["bytes_at_end"] = now.bytes;
  }
  rep.context["datasets"] = dataset_info;
  rep.context["workloads"] = workload_context(rep.results, options);
  check_digests(rep.results, changed, options);
  rep.scaling = analyze::fit_scaling(rep.results);
  analyze::check_memory_classes(rep);
  return rep;
}

}  // namespace membench::runner

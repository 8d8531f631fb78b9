#include "runner/runner.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <map>
#include <regex>
#include <set>

#include "analyze/scaling.h"
#include "analyze/statistics.h"
#include "analyze/time_samples.h"
#include "datasets/dataset.h"
#include "runner/child_process.h"
#include "runner/allocators.h"
#include "runner/cachegrind.h"
#include "runner/context.h"
#include "runner/heaptrack.h"
#include "runner/injected_regression.h"
#include "util/args.h"
#include "util/sha256.h"

namespace membench::runner {

using report::CaseResult;
using report::Status;

void attach_time(CaseResult& r, std::vector<report::ProcessSamples> processes, double warmup_seconds) {
  report::TimeStats t = analyze::summarize_time(std::move(processes), warmup_seconds);
  report::Throughput tp;
  if (t.median_real_ns > 0) {
    tp.bytes_per_second = static_cast<double>(r.input_bytes) / (t.median_real_ns * 1e-9);
    if (r.input_items > 0) tp.items_per_second = static_cast<double>(r.input_items) / (t.median_real_ns * 1e-9);
  }
  r.time = std::move(t);
  r.throughput = tp;
}


namespace {

using Clock = std::chrono::steady_clock;

struct PhaseVerdict {
  bool ok = true;
  Status status = Status::ok;
  std::string error;
};

std::string last_line(const std::string& text) {
  std::string t = text;
  while (!t.empty() && (t.back() == '\n' || t.back() == ' ')) t.pop_back();
  auto nl = t.rfind('\n');
  std::string line = nl == std::string::npos ? t : t.substr(nl + 1);
  return line.size() > 200 ? line.substr(0, 200) : line;
}

PhaseVerdict judge(const ChildOutcome& out, const char* phase, const RunOptions& o) {
  PhaseVerdict v;
  std::string where = std::string(" in the ") + phase + " run";
  std::string tail = last_line(out.stderr_tail);
  auto fail = [&](Status s, std::string why) {
    v.ok = false;
    v.status = s;
    v.error = std::move(why);
    if (!tail.empty() && s != Status::timeout) v.error += " [stderr: " + tail + "]";
  };
  if (out.end == ChildOutcome::End::timed_out) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%g", o.timeout_seconds);
    fail(Status::timeout, std::string("exceeded --timeout ") + buf + " s" + where);
  } else if (out.end == ChildOutcome::End::signaled) {
    // A SIGKILL we did not send, under a memory limit, is the kernel's OOM killer.
    if (out.signal == SIGKILL && o.memory_limit) fail(Status::oom, "killed by SIGKILL (out of memory)" + where);
    else fail(Status::failed, "killed by " + describe_signal(out.signal) + where);
  } else if (!out.report.malformed.empty()) {
    fail(Status::failed, "malformed result from the case process: '" + out.report.malformed + "'" + where);
  } else if (auto st = out.report.text("status")) {
    auto status = report::status_from_string(*st);
    fail(status.value_or(Status::failed), out.report.text("error").value_or("unknown error") + where);
  } else if (out.exit_code != 0) {
    fail(Status::failed, "exited with code " + std::to_string(out.exit_code) + where);
  } else if (!out.report.done) {
    fail(Status::failed, std::string("exited without reporting a result") + where);
  }
  return v;
}

std::vector<std::string> child_argv(const PlannedCase& c, const char* phase, const RunOptions& o,
                                    const std::string& exe) {
  std::vector<std::string> argv{exe, "__case", "--phase", phase, "--workload", c.workload->name,
                                "--strategy", c.strategy->name, "--input", c.dataset_path};
  if (std::string_view(phase) == "time") {
    argv.insert(argv.end(), {"--repetitions", std::to_string(o.repetitions)});
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", o.min_time_seconds);
    argv.insert(argv.end(), {"--min-time", buf});
    std::snprintf(buf, sizeof buf, "%g", o.warmup_seconds);
    argv.insert(argv.end(), {"--warmup", buf});
  }
  if (o.cold) argv.push_back("--cold");
  return argv;
}

// Keeps at most max_points, each bucket represented by its maximum so that
// peaks survive.
void downsample(report::Timeline& t, std::size_t max_points) {
  std::size_t n = t.rss_bytes.size();
  if (n <= max_points) return;
  std::size_t factor = (n + max_points - 1) / max_points;
  auto shrink = [&](std::vector<std::uint64_t>& v) {
    std::vector<std::uint64_t> out;
    for (std::size_t i = 0; i < v.size(); i += factor)
      out.push_back(*std::max_element(v.begin() + i, v.begin() + std::min(v.size(), i + factor)));
    v = std::move(out);
  };
  shrink(t.rss_bytes);
  shrink(t.anon_bytes);
  shrink(t.file_bytes);
  t.interval_ms *= static_cast<double>(factor);
}

void fill_memory(CaseResult& r, const ChildOutcome& out, double interval_ms) {
  const ChildReport& rep = out.report;
  // A child that died before its baseline leaves nothing to report.
  if (!rep.u64("baseline_rss")) return;
  report::MemoryStats m;
  m.baseline_rss_bytes = rep.u64("baseline_rss").value_or(0);
  m.baseline_anon_bytes = rep.u64("baseline_anon").value_or(0);
  m.baseline_file_bytes = rep.u64("baseline_file").value_or(0);
  m.baseline_shmem_bytes = rep.u64("baseline_shmem").value_or(0);
  std::optional<std::uint64_t> child_hwm = rep.u64("child_hwm");
  std::uint64_t sampled_hwm = 0;
  for (const MemorySample& s : out.window_samples) sampled_hwm = std::max(sampled_hwm, s.mem.hwm_bytes);
  // The runner's own read of VmHWM, from outside, after the run; a child that
  // died mid-run leaves the last sampled VmHWM (a lower bound).
  m.peak_rss_bytes = out.final_status ? out.final_status->hwm_bytes : child_hwm.value_or(sampled_hwm);
  m.peak_rss_delta_bytes = m.peak_rss_bytes > m.baseline_rss_bytes ? m.peak_rss_bytes - m.baseline_rss_bytes : 0;
  m.peak_anon_bytes = std::max(m.baseline_anon_bytes, rep.u64("end_anon").value_or(0));
  m.peak_file_bytes = std::max(m.baseline_file_bytes, rep.u64("end_file").value_or(0));
  m.peak_shmem_bytes = std::max(m.baseline_shmem_bytes, rep.u64("end_shmem").value_or(0));
  report::Timeline t;
  t.interval_ms = interval_ms;
  t.rss_bytes.push_back(m.baseline_rss_bytes);
  t.anon_bytes.push_back(m.baseline_anon_bytes);
  t.file_bytes.push_back(m.baseline_file_bytes);
  for (const MemorySample& s : out.window_samples) {
    m.peak_anon_bytes = std::max(m.peak_anon_bytes, s.mem.anon_bytes);
    m.peak_file_bytes = std::max(m.peak_file_bytes, s.mem.file_bytes);
    m.peak_shmem_bytes = std::max(m.peak_shmem_bytes, s.mem.shmem_bytes);
    t.rss_bytes.push_back(s.mem.rss_bytes);
    t.anon_bytes.push_back(s.mem.anon_bytes);
    t.file_bytes.push_back(s.mem.file_bytes);
  }
  if (auto end_rss = rep.u64("end_rss")) {
    t.rss_bytes.push_back(*end_rss);
    t.anon_bytes.push_back(rep.u64("end_anon").value_or(0));
    t.file_bytes.push_back(rep.u64("end_file").value_or(0));
  }
  std::uint64_t sampled_peak = 0;
  for (std::uint64_t v : t.rss_bytes) sampled_peak = std::max(sampled_peak, v);
  downsample(t, 2000);
  m.minor_faults = rep.u64("minor_faults").value_or(0);
  m.major_faults = rep.u64("major_faults").value_or(0);
  m.samples = out.window_samples.size();
  m.peak_rss_sampled_bytes = sampled_peak;
  r.memory = m;
  r.timeline = std::move(t);
  if (r.extra.is_null()) r.extra = nlohmann::json::object();
  if (child_hwm) r.extra["child_vmhwm_bytes"] = *child_hwm;
  r.extra["memory_run_seconds"] = out.wall_seconds;

  nlohmann::json before = nlohmann::json::object(), after = nlohmann::json::object();
  for (const auto& [k, v] : rep.values) {
    if (k.rfind("alloc_before.", 0) == 0) before[k.substr(13)] = std::stoull(v);
    if (k.rfind("alloc_after.", 0) == 0) after[k.substr(12)] = std::stoull(v);
  }
  if (!after.empty()) {
    r.allocator_stats = {{"measured", "in the memory run, right before and right after the strategy"},
                         {"before", before},
                         {"after", after}};
    if (after.contains("thread_allocated") && before.contains("thread_allocated"))
      r.allocator_stats["thread_allocated_delta"] =
          after["thread_allocated"].get<std::uint64_t>() - before["thread_allocated"].get<std::uint64_t>();
  }
}

void fill_counts(CaseResult& r, const ChildOutcome& out) {
  const ChildReport& rep = out.report;
  r.output_digest = rep.text("digest").value_or("");
  r.input_items = rep.u64("items").value_or(r.input_items);
  if (rep.text("counter") != std::optional<std::string>("unavailable")) {
    report::Allocations a;
    a.count = rep.u64("alloc_count").value_or(0);
    a.bytes = rep.u64("alloc_bytes").value_or(0);
    a.peak_live_bytes = rep.u64("alloc_peak_live").value_or(0);
    a.temporary = rep.u64("alloc_temporary").value_or(0);
    a.leaked_bytes = rep.u64("alloc_leaked_bytes").value_or(0);
    a.leaked_count = rep.u64("alloc_leaked_count").value_or(0);
    r.allocations = a;
  }
  if (r.extra.is_null()) r.extra = nlohmann::json::object();
  for (const auto& [name, value] : rep.notes) r.extra[name] = value;
  if (rep.u64("alloc_overflow")) r.extra["allocation_table_overflow"] = true;
}

// One timed process's repetitions.
bool read_time_samples(const ChildOutcome& out, report::ProcessSamples& samples, std::string& error) {
  for (const std::string& line : out.report.repeated) {
    double real = 0, cpu = 0;
    long long iters = 0;
    if (std::sscanf(line.c_str(), "%lf %lf %lld", &real, &cpu, &iters) != 3 || !std::isfinite(real) ||
        !std::isfinite(cpu) || real < 0 || cpu < 0) {
      error = "malformed timing line '" + line.substr(0, 80) + "'";
      return false;
    }
    samples.real_ns.push_back(real);
    samples.cpu_ns.push_back(cpu);
    samples.iterations = static_cast<std::uint64_t>(iters);
  }
  if (samples.real_ns.empty()) {
    error = "the timed run reported no repetition";
    return false;
  }
  return true;
}


// Recordings are named after the case id with '/' made '.'.
std::string recording_base(const RunOptions& o, const std::string& name) {
  std::string safe;
  for (char ch : name) safe += ch == '/' ? '.' : ch;
  return (o.heaptrack_dir.empty() ? std::string(".") : o.heaptrack_dir) + "/heaptrack." + safe;
}

// heaptrack compresses its recording with zstd when the zstd program is
// installed and with gzip otherwise, and names the file after the compressor.
constexpr const char* kRecordingSuffixes[] = {".zst", ".gz"};

// One run of the case's work under heaptrack (calibrate: without the strategy).
// `recording` receives the path of the file heaptrack wrote.
HeaptrackFigures heaptrack_run(const PlannedCase& c, const RunOptions& o, const std::string& exe,
                               const std::vector<std::string>& env, double timeout, bool calibrate,
                               const std::string& base, bool with_flamegraph, std::string& recording,
                               std::string& error) {
  // A recording left by an earlier run, under the other suffix, must not be
  // mistaken for this run's.
  for (const char* suffix : kRecordingSuffixes) std::filesystem::remove(base + suffix);
  std::vector<std::string> argv{heaptrack_program(), "-o", base};
  std::vector<std::string> child = child_argv(c, "heaptrack", o, exe);
  argv.insert(argv.end(), child.begin(), child.end());
  // The same arguments, byte for byte, in both: parsing them allocates too.
  argv.insert(argv.end(), {"--calibrate", calibrate ? "1" : "0"});
  ChildSpec spec{argv, env, 0, timeout, false, 0, false};
  ChildOutcome out = run_child(spec);
  if (PhaseVerdict v = judge(out, calibrate ? "heaptrack calibration" : "heaptrack", o); !v.ok) {
    error = v.error;
    return {};
  }
  recording.clear();
  for (const char* suffix : kRecordingSuffixes)
    if (std::filesystem::exists(base + suffix)) recording = base + suffix;
  if (recording.empty()) {
    error = "heaptrack wrote no recording at " + base + ".zst or .gz";
    return {};
  }
  try {
    return analyse_recording(recording, with_flamegraph ? std::optional(base + ".stacks.txt") : std::nullopt);
  } catch (const std::exception& e) {
    error = e.what();
    return {};
  }
}

void attach_heaptrack(CaseResult& r, const PlannedCase& c, const RunOptions& o, const std::string& exe,
                      const std::vector<std::string>& env, double timeout,
                      std::map<std::string, HeaptrackFigures>& calibrations) {
  std::string error;
  std::string cal_key = std::string(c.workload->name) + "/calibration/" + c.dataset + "/" + c.allocator;
  if (!calibrations.count(cal_key)) {
    std::string cal_recording;
    HeaptrackFigures cal =
        heaptrack_run(c, o, exe, env, timeout, true, recording_base(o, cal_key), false, cal_recording, error);
    if (!error.empty()) {
      r.heaptrack = {{"error", error}};
      return;
    }
    calibrations[cal_key] = cal;
  }
  const HeaptrackFigures& cal = calibrations[cal_key];
  std::string base = recording_base(o, r.id);
  std::string recording;
  HeaptrackFigures whole = heaptrack_run(c, o, exe, env, timeout, false, base, true, recording, error);
  if (!error.empty()) {
    r.heaptrack = {{"error", error}};
    return;
  }
  auto minus = [](std::uint64_t a, std::uint64_t b) { return a > b ? a - b : 0; };
  r.heaptrack = {{"recording", recording},
                 {"flamegraph", base + ".stacks.txt"},
                 {"calls", minus(whole.calls, cal.calls)},
                 {"temporary", minus(whole.temporary, cal.temporary)},
                 {"peak_heap_bytes", minus(whole.peak_heap_bytes, cal.peak_heap_bytes)},
                 {"leaked_bytes", minus(whole.leaked_bytes, cal.leaked_bytes)},
                 {"raw", {{"case", whole.to_json()}, {"calibration", cal.to_json()}}},
                 {"sources",
                  "calls and temporary: heaptrack_print's summary (exact integers); peak_heap_bytes and "
                  "leaked_bytes: sums of heaptrack_print's peak/leaked flame graphs (exact bytes); "
                  "peak_rss_bytes: the summary (rounded, includes heaptrack's own overhead); attributed = case - "
                  "calibration (the same process without the strategy)"}};
  if (r.allocations) {
    std::uint64_t calls = r.heaptrack["calls"], temporary = r.heaptrack["temporary"];
    bool agrees = calls == r.allocations->count && temporary == r.allocations->temporary;
    r.heaptrack["agrees"] = agrees;
    if (!agrees)
      r.heaptrack["disagreement"] = "membench counted " + std::to_string(r.allocations->count) + " allocations (" +
                                    std::to_string(r.allocations->temporary) + " temporary), heaptrack " +
                                    std::to_string(calls) + " (" + std::to_string(temporary) + ")";
  }
}

void attach_cachegrind(CaseResult& r, const PlannedCase& c, const RunOptions& o, const std::string& exe,
                       const std::vector<std::string>& env, double timeout) {
  static int serial = 0;
  const std::string out_file = (std::filesystem::temp_directory_path() /
                                ("membench-callgrind." + std::to_string(::getpid()) + "." + std::to_string(++serial)))
                                   .string();
  std::vector<std::string> argv = cachegrind_arguments(out_file);
  std::vector<std::string> child = child_argv(c, "cachegrind", o, exe);
  argv.insert(argv.end(), child.begin(), child.end());
  ChildOutcome out = run_child(ChildSpec{.argv = argv, .env_set = env, .timeout_seconds = timeout});
  if (r.extra.is_null()) r.extra = nlohmann::json::object();
  if (PhaseVerdict v = judge(out, "cachegrind", o); !v.ok) {
    r.extra["cachegrind_error"] = v.error;
  } else {
    try {
      r.cachegrind = read_callgrind_totals(out_file);
    } catch (const std::exception& e) {
      r.extra["cachegrind_error"] = e.what();
    }
  }
  std::error_code ec;
  std::filesystem::remove(out_file, ec);
}

CaseResult run_one(const PlannedCase& c, const RunOptions& o, const std::string& exe,
                   std::map<std::string, HeaptrackFigures>& calibrations) {
  CaseResult r;
  r.id = c.id();
  r.workload = c.workload->name;
  r.strategy = c.strategy->name;
  r.dataset = c.dataset;
  r.allocator = c.allocator;
  for (const Param& p : c.strategy->params.items()) r.params.emplace_back(p.name, p.value);
  struct stat st{};
  if (::stat(c.dataset_path.c_str(), &st) == 0) r.input_bytes = static_cast<std::uint64_t>(st.st_size);

  std::vector<std::string> env;
  if (const AllocatorDef* def = find_allocator(c.allocator); def && !def->libraries.empty()) {
    if (sanitizer_build()) {
      r.status = Status::skipped;
      r.error = "a sanitizer build cannot preload " + c.allocator + " (the sanitizer's runtime must come first)";
      return r;
    }
    std::string lib = allocator_library(*def);
    if (lib.empty()) {
      r.status = Status::skipped;
      r.error = c.allocator + " is not installed (" + def->package + ")";
      return r;
    }
    env.push_back("LD_PRELOAD=" + lib);
  }
  auto deadline = Clock::now() + std::chrono::duration<double>(o.timeout_seconds);
  auto remaining = [&] {
    return std::max(0.001, std::chrono::duration<double>(deadline - Clock::now()).count());
  };
  auto fail = [&](const PhaseVerdict& v) {
    r.status = v.status;
    r.error = v.error;
    return r;
  };

  // 1. memory: RSS, sampled from outside, exact VmHWM at the end.
  if (o.run_memory) {
    ChildSpec mem{child_argv(c, "memory", o, exe), env, o.memory_limit, remaining(), true,
                  o.sample_interval_ms, true};
    ChildOutcome m = run_child(mem);
    fill_memory(r, m, o.sample_interval_ms);
    if (PhaseVerdict v = judge(m, "memory", o); !v.ok) return fail(v);
    r.input_bytes = m.report.u64("input_bytes").value_or(r.input_bytes);
    r.input_items = m.report.u64("items").value_or(0);
  }

  // 2. count: allocations and the output digest. No memory limit: the
  // counter's table is reserved address space the strategy never sees.
  if (o.run_count) {
    ChildSpec cnt{child_argv(c, "count", o, exe), env, 0, remaining(), false, 0, false};
    ChildOutcome k = run_child(cnt);
    if (PhaseVerdict v = judge(k, "count", o); !v.ok) return fail(v);
    fill_counts(r, k);
    std::string actual = k.report.text("allocator").value_or("");
    if (actual != c.allocator && actual != "sanitizer") {
      r.status = Status::failed;
      r.error = "the case ran under " + actual + ", not " + c.allocator;
      return r;
    }
    if (auto v = k.report.text("allocator_version")) {
      if (r.allocator_stats.is_null()) r.allocator_stats = nlohmann::json::object();
      r.allocator_stats["version"] = *v;
    }
  }

  // 3. time: Google Benchmark repetitions in several fresh processes, each
  // after a discarded warm-up, so that the samples carry the drift between
  // processes (layout, the machine's minute) and not one process's luck.
  if (o.run_time) {
    std::vector<report::ProcessSamples> processes;
    for (int i = 0; i < o.processes; ++i) {
      if (int sig = pending_interrupt()) throw Interrupted{sig};
      ChildSpec tim{child_argv(c, "time", o, exe), env, o.memory_limit, remaining(), false, 0, false};
      ChildOutcome t = run_child(tim);
      if (PhaseVerdict v = judge(t, "time", o); !v.ok) return fail(v);
      report::ProcessSamples samples;
      std::string error;
      if (!read_time_samples(t, samples, error)) {
        r.status = Status::failed;
        r.error = error;
        return r;
      }
      processes.push_back(std::move(samples));
    }
    attach_time(r, std::move(processes), o.warmup_seconds);
  }

  // 4. optionally, instructions and simulated cache misses: exact where time is noisy.
  if (o.cachegrind) attach_cachegrind(r, c, o, exe, env, remaining());

  // 5. optionally, heaptrack's independent view of the same work.
  if (o.heaptrack) attach_heaptrack(r, c, o, exe, env, remaining(), calibrations);
  return r;
}

// Every strategy of a workload must write the same output for the same
// dataset; the workload's reference strategy decides, else the majority.
void check_digests(std::vector<CaseResult>& results, const std::set<std::string>& changed_datasets) {
  std::map<std::pair<std::string, std::string>, std::vector<CaseResult*>> groups;
  for (CaseResult& r : results)
    if (r.status == Status::ok && !r.output_digest.empty()) groups[{r.workload, r.dataset}].push_back(&r);
  for (auto& [key, members] : groups) {
    const Workload* w = find_workload(key.first);
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

}  // namespace

report::Report run_cases(const std::vector<PlannedCase>& cases, const RunOptions& options,
                         const Progress& progress) {
  std::string exe = self_executable();
  report::Report rep;
  rep.context = collect_context(options.command_line);
  rep.context["suite"] = !options.datasets.empty() ? "custom" : options.scale ? "scale" : options.quick ? "quick" : "default";
  rep.context["filter"] = options.filter;
  rep.context["shard"] = std::to_string(options.shard_index) + "/" + std::to_string(options.shard_count);
  rep.context["repetitions"] = options.repetitions;
  rep.context["processes"] = options.processes;
  if (options.cachegrind) rep.context["cachegrind"] = "callgrind --cache-sim=yes, the strategy call only";
  if (std::string injected = injected_regression(); !injected.empty()) rep.context["injected_regression"] = injected;
  rep.context["warmup_seconds"] = options.warmup_seconds;
  rep.context["min_time_seconds"] = options.min_time_seconds;
  rep.context["cold"] = options.cold;
  rep.context["memory_limit_bytes"] = options.memory_limit;
  rep.context["timeout_seconds"] = options.timeout_seconds;
  rep.context["sample_interval_ms"] = options.sample_interval_ms;
  if (const char* conf = std::getenv("MALLOC_CONF")) rep.context["allocators"]["jemalloc"]["MALLOC_CONF"] = conf;
  nlohmann::json dataset_info = nlohmann::json::object();
  std::map<std::string, HeaptrackFigures> calibrations;
  std::map<std::string, std::pair<std::string, FileState>> dataset_state;  // name -> (path, state at start)
  for (const PlannedCase& c : cases)
    if (!dataset_state.count(c.dataset)) dataset_state[c.dataset] = {c.dataset_path, file_state(c.dataset_path)};
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const PlannedCase& c = cases[i];
    // A signal that came between two cases stops the run before the next.
    if (int sig = pending_interrupt()) throw Interrupted{sig};
    if (progress.starting) progress.starting(i, cases.size(), c);
    CaseResult r = run_one(c, options, exe, calibrations);
    if (r.allocator != "glibc" && r.allocator_stats.contains("version"))
      rep.context["allocators"][r.allocator]["version"] = r.allocator_stats["version"];
    if (!dataset_info.contains(c.dataset)) {
      // A user file's path as given may be relative to where the run started.
      std::string path = c.user_file ? std::filesystem::absolute(c.dataset_path).string() : c.dataset_path;
      dataset_info[c.dataset] = {{"path", path}, {"bytes", r.input_bytes}, {"user_file", c.user_file}};
      // JSON strings are UTF-8: a path that is not keeps its exact bytes here.
      if (!valid_utf8(path)) dataset_info[c.dataset]["path_hex"] = to_hex(path);
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
      dataset_info[c.dataset]["sha256"] = sha;
    }
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
  // What a reader of the report needs to judge a workload's strategies
  // against each other, without this build's registry at hand.
  nlohmann::json workload_info = nlohmann::json::object();
  for (const CaseResult& r : rep.results)
    if (const Workload* w = find_workload(r.workload); w && !workload_info.contains(r.workload))
      workload_info[r.workload] = {{"description", w->description},
                                   {"reference_strategy", w->reference_strategy},
                                   {"item_unit", w->item_unit}};
  rep.context["workloads"] = workload_info;
  check_digests(rep.results, changed);
  rep.scaling = analyze::fit_scaling(rep.results);
  analyze::check_memory_classes(rep);
  return rep;
}

}  // namespace membench::runner

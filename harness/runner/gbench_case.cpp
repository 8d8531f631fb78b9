// Running a Google Benchmark case (docs/gbench.md): every run execs the
// user's executable afresh through membench-launch, filtered to the one
// benchmark. The memory and counting runs preload libmembench_count.so, which
// writes a line per window (a batch of the benchmark's timed loop); membench
// takes the last, the batch Google Benchmark reports. The timed runs read
// Google Benchmark's own per-iteration times from its JSON output.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>

#include "analyze/statistics.h"
#include "runner/allocators.h"
#include "runner/cachegrind.h"
#include "runner/child_process.h"
#include "runner/command_run.h"
#include "runner/gbench.h"
#include "runner/heaptrack.h"
#include "runner/phases.h"
#include "runner/runner.h"
#include "runner/sites.h"
#include "track/gbench_window.h"
#include "util/read_file.h"

namespace membench::runner {
namespace {

namespace fs = std::filesystem;
using report::CaseResult;
using report::Status;

std::string text_of(const std::string& path) {
  try {
    return read_regular_file(path, "Google Benchmark output", std::uint64_t{64} << 20);
  } catch (const InputFileError&) {
    return "";  // never written: the caller says what that means
  }
}

std::string seconds_flag(const char* flag, double seconds) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s=%g", flag, seconds);
  return buf;
}

// The case's command with Google Benchmark options of one run added.
CommandDef with_options(const CommandDef& d, const std::vector<std::string>& extra) {
  CommandDef run = d;
  run.words.insert(run.words.end(), extra.begin(), extra.end());
  return run;
}

// The environment of a run the preloaded library watches: the counter first
// (it forwards to whichever allocator comes next), then the allocator's.
std::vector<std::string> watched_env(std::vector<std::string> env, const std::string& library,
                                     const std::vector<std::string>& files) {
  std::string others;
  for (const std::string& e : env)
    if (e.rfind("LD_PRELOAD=", 0) == 0) others = e.substr(11);
  std::erase_if(env, [](const std::string& e) { return e.rfind("LD_PRELOAD=", 0) == 0; });
  env.push_back("LD_PRELOAD=" + library + (others.empty() ? "" : ":" + others));
  env.insert(env.end(), files.begin(), files.end());
  return env;
}

namespace gb = track::gbench;

// Why the loop's figures cannot be had from a run's window file; "" when they can.
std::string unseen_reason(const gb::WindowFile& file, const std::string& exe) {
  if (file.hook_seen && !file.hooked) return "the preloaded library cannot see the benchmark loop: " + file.hook_reason;
  if (!file.windows.empty()) return "";
  if (auto why = static_binary_reason(exe)) return *why;
  return "the preloaded library saw no benchmark loop in " + fs::path(exe).filename().string() +
         " (its own copy of libbenchmark, linked statically?); docs/gbench.md gives the opt-in";
}

struct WindowRun {
  bool ok = false;
  gb::WindowFile file;
};

// One run filtered to the benchmark with the library watching its loop
// (docs/gbench.md, "The variables and the file"): the windows it left.
WindowRun window_run(CaseResult& r, const CommandCase& k, const std::vector<std::string>& env,
                     const Deadline& deadline, const char* phase, std::vector<std::string> vars) {
  WindowRun out;
  ScratchFile windows("gbench-window");
  vars.push_back(std::string(gb::kWindowFileEnv) + "=" + windows.path());
  const CommandDef run_def = with_options(
      *k.command, {"--benchmark_repetitions=1", seconds_flag("--benchmark_min_time", k.options.min_time_seconds)});
  const CommandCase run_case{&run_def, k.set, k.options, ""};
  CommandRun run = run_command(run_case, watched_env(env, count_library(), vars), deadline.remaining(), RunKind{});
  if (!judge_run(r, run, phase, k.options)) return out;
  std::string error;
  if (!gb::parse_window_file(text_of(windows.path()), out.file, error)) {
    r.status = Status::failed;
    r.error = "the window file: " + error + " in the " + phase + " run";
    return out;
  }
  r.gbench[std::string(phase) + "_run"] = {{"windows", out.file.windows.size()},
                                          {"hook", out.file.hook.empty() ? "unknown" : out.file.hook},
                                          {"wait4_maxrss_bytes", run.maxrss_bytes},
                                          {"minor_faults", run.minor_faults},
                                          {"wall_ns", run.wall_ns}};
  out.ok = true;
  return out;
}

// Peak RSS from a run with the counter off: its table of live blocks would
// be resident memory of the process (docs/gbench.md, "Peak RSS in a run of its own").
bool memory_phase(CaseResult& r, const CommandCase& k, const std::vector<std::string>& env, const Deadline& deadline) {
  WindowRun run = window_run(r, k, env, deadline, "memory", {std::string(gb::kCountEnv) + "=0"});
  if (!run.ok) return false;
  if (std::string why = unseen_reason(run.file, k.command->program); !why.empty()) {
    r.memory_unavailable = why;
    return true;
  }
  const gb::Window& last = *run.file.reported();
  r.gbench["window"] = {{"seq", last.seq}, {"iterations", last.iterations}, {"rss_start_bytes", last.rss_start},
                        {"hwm_end_bytes", last.hwm_end}};
  if (!last.hwm_reset) {
    r.memory_unavailable = "the kernel's high-water mark could not be reset at the loop's start (/proc/self/clear_refs)";
    return true;
  }
  report::MemoryStats m;
  m.baseline_rss_bytes = last.rss_start;
  m.peak_rss_bytes = std::max(last.hwm_end, last.rss_start);
  m.peak_rss_delta_bytes = last.peak_rss_delta();
  m.minor_faults = r.gbench["memory_run"].value("minor_faults", std::uint64_t{0});
  r.memory = m;
  return true;
}

bool count_phase(CaseResult& r, const CommandCase& k, const std::vector<std::string>& env, const Deadline& deadline) {
  SitesFile sites(k.options.sites_top > 0);
  std::vector<std::string> vars;
  if (sites.enabled()) vars.push_back(std::string(gb::kSitesFileEnv) + "=" + sites.path());
  WindowRun run = window_run(r, k, env, deadline, "count", vars);
  if (!run.ok) return false;
  if (std::string why = unseen_reason(run.file, k.command->program); !why.empty()) {
    r.allocations_unavailable = why;
    return true;
  }
  const gb::Window& last = *run.file.reported();
  if (last.iterations == 0 || !last.counted) {
    r.allocations_unavailable = last.iterations == 0 ? "the benchmark's last window ran no iteration"
                                                     : "the library did not count the last window";
    return true;
  }
  report::Allocations a;
  track::copy_allocation_totals(last, a);
  a.iterations = last.iterations;
  r.allocations = a;
  if (last.overflow) r.extra["allocation_table_overflow"] = true;
  r.gbench["count_run"]["iterations"] = last.iterations;
  if (sites.enabled()) attach_sites(r, sites.path(), k.options.sites_top);
  return true;
}

// The benchmark's own rate, median over every repetition that reports it.
std::optional<double> median_rate(const std::vector<std::optional<double>>& rates) {
  std::vector<double> v;
  for (const auto& x : rates)
    if (x) v.push_back(*x);
  if (v.empty()) return std::nullopt;
  return stats::median(v);
}

bool time_phase(CaseResult& r, const CommandCase& k, const std::vector<std::string>& env, const Deadline& deadline) {
  const RunOptions& o = k.options;
  std::vector<report::ProcessSamples> groups;
  std::vector<std::optional<double>> bytes_rates, item_rates;
  for (int g = 0; g < o.processes; ++g) {
    if (int sig = pending_interrupt()) throw Interrupted{sig};
    ScratchFile out("gbench-time");
    const CommandDef run_def = with_options(
        *k.command, {"--benchmark_repetitions=" + std::to_string(o.repetitions),
                     seconds_flag("--benchmark_min_time", o.min_time_seconds),
                     seconds_flag("--benchmark_min_warmup_time", o.warmup_seconds), "--benchmark_out=" + out.path(),
                     "--benchmark_out_format=json"});
    const CommandCase run_case{&run_def, k.set, o, ""};
    CommandRun run = run_command(run_case, env, deadline.remaining(), RunKind{});
    if (!judge_run(r, run, "time", o)) return false;
    std::vector<GbenchRepetition> reps;
    try {
      reps = parse_gbench_json(text_of(out.path()), k.command->name);
    } catch (const std::exception& e) {
      r.status = Status::failed;
      r.error = std::string(e.what()) + " in the time run";
      return false;
    }
    report::ProcessSamples samples;
    samples.iterations = reps.front().iterations;
    for (const GbenchRepetition& rep : reps) {
      samples.real_ns.push_back(rep.real_ns);
      samples.cpu_ns.push_back(rep.cpu_ns);
      bytes_rates.push_back(rep.bytes_per_second);
      item_rates.push_back(rep.items_per_second);
    }
    groups.push_back(std::move(samples));
  }
  attach_time(r, std::move(groups), o.warmup_seconds, "gbench");
  // No dataset: a rate is the benchmark's own (SetBytesProcessed), or none.
  r.throughput.reset();
  if (auto bytes = median_rate(bytes_rates)) {
    r.throughput = report::Throughput{*bytes, median_rate(item_rates)};
  } else if (auto items = median_rate(item_rates)) {
    r.gbench["items_per_second"] = *items;
  }
  return true;
}

// heaptrack on the executable filtered to the benchmark: the whole process,
// Google Benchmark's own work and every batch included, so its figures are
// recorded beside the window's rather than checked against them.
void heaptrack_phase(CaseResult& r, const CommandCase& k, const std::vector<std::string>& env,
                     const Deadline& deadline) {
  const std::string base = recording_base(k.options, r.id);
  std::vector<std::string> command = k.command->words;
  command.insert(command.end(), {"--benchmark_repetitions=1", seconds_flag("--benchmark_min_time", k.options.min_time_seconds)});
  try {
    const std::string recording = heaptrack_record(command, "", base, env, deadline.remaining());
    const HeaptrackFigures f = analyse_recording(recording, base + ".stacks.txt", nullptr);
    r.heaptrack = {{"recording", recording},
                   {"flamegraph", base + ".stacks.txt"},
                   {"calls", f.calls},
                   {"temporary", f.temporary},
                   {"peak_heap_bytes", f.peak_heap_bytes},
                   {"leaked_bytes", f.leaked_bytes},
                   {"raw", {{"case", f.to_json()}}},
                   {"sources", "heaptrack on the executable filtered to this benchmark: the whole process, Google "
                               "Benchmark's own work and every batch of iterations, not the loop's window "
                               "(docs/gbench.md)"}};
  } catch (const std::exception& e) {
    r.heaptrack = {{"error", e.what()}};
  }
}

// One warm iteration under callgrind's cache simulator: two repetitions of
// one iteration each (--benchmark_min_time=1e-9 stops at the first batch);
// the library zeroes callgrind's counts as each loop starts, so the output
// holds the second, warm one alone (docs/gbench.md, "Instructions per
// iteration"). The counter is off: its bookkeeping is not the benchmark's.
void cachegrind_phase(CaseResult& r, const CommandCase& k, const std::vector<std::string>& env,
                      const Deadline& deadline) {
  ScratchFile windows("gbench-window");
  ScratchFile file("callgrind");
  std::vector<std::string> argv = cachegrind_arguments(file.path(), CallgrindScope::client_requests);
  argv.insert(argv.end(), k.command->words.begin(), k.command->words.end());
  argv.insert(argv.end(), {"--benchmark_repetitions=2", "--benchmark_min_time=1e-9"});
  const std::vector<std::string> watched =
      watched_env(env, count_library(),
                  {std::string(gb::kWindowFileEnv) + "=" + windows.path(), std::string(gb::kCountEnv) + "=0",
                   std::string(gb::kCallgrindEnv) + "=1"});
  ChildOutcome out = run_child(ChildSpec{.argv = argv, .env_set = watched, .timeout_seconds = deadline.remaining()});
  std::string failure;
  gb::WindowFile file_of_windows;
  std::string error;
  if (out.end == ChildOutcome::End::timed_out)
    failure = "the callgrind run passed --timeout";
  else if (out.end == ChildOutcome::End::signaled)
    failure = "valgrind was killed by " + describe_signal(out.signal);
  else if (out.exit_code != 0)
    failure = "valgrind exited with code " + std::to_string(out.exit_code);
  else if (!gb::parse_window_file(text_of(windows.path()), file_of_windows, error))
    failure = "the window file: " + error;
  else if (std::string why = unseen_reason(file_of_windows, k.command->program); !why.empty())
    failure = why;
  else if (const gb::Window* last = file_of_windows.reported(); last->threads != 1)
    failure = "a loop of " + std::to_string(last->threads) +
              " threads: callgrind's collection is turned on and off per thread";
  else if (last->iterations != 1)
    failure = "the measured loop ran " + std::to_string(last->iterations) + " iterations, not 1";
  // The library's own instructions (forwarding each malloc and free, the
  // hooks' way out of the loop) are membench's, not the benchmark's.
  settle_cachegrind(r, file.path(), failure, fs::path(count_library()).filename().string());
  if (failure.empty() && r.cachegrind && r.cachegrind->instructions == 0) {
    r.cachegrind.reset();
    r.extra["cachegrind_error"] = "callgrind collected nothing in the loop";
  }
  if (failure.empty()) r.gbench["cachegrind_run"] = {{"windows", file_of_windows.windows.size()}, {"iterations", 1}};
}

}  // namespace

CaseResult run_gbench_case(const PlannedCase& c, const RunOptions& o) {
  CaseResult r = case_skeleton(c);
  r.extra = nlohmann::json::object();
  const GbenchSuite& suite = *c.gbench;
  const CommandCase k{c.command, &suite.set, o, ""};
  r.gbench = {{"executable", suite.executable}, {"benchmark", c.command->name}, {"argv", c.command->words}};
  // The executable is not the sanitizer build membench may be.
  std::string why;
  std::optional<std::vector<std::string>> allocator_env = allocator_environment(c.allocator, false, why);
  if (!allocator_env) {
    r.status = Status::skipped;
    r.error = why;
    return r;
  }
  const std::vector<std::string> env = std::move(*allocator_env);
  if (launcher_program().empty()) {
    r.status = Status::failed;
    r.error = "membench-launch is not installed beside membench";
    return r;
  }
  const Deadline deadline = Deadline::after(o.timeout_seconds);
  const bool counter = !count_library().empty();
  const char* no_counter = "libmembench_count.so is not installed beside membench";
  if (o.run_memory && !counter) r.memory_unavailable = no_counter;
  if (o.run_count && !counter) r.allocations_unavailable = no_counter;
  if (o.run_memory && counter && !memory_phase(r, k, env, deadline)) return r;
  if (o.run_count && counter && !count_phase(r, k, env, deadline)) return r;
  if (o.run_time && !time_phase(r, k, env, deadline)) return r;
  if (o.heaptrack) heaptrack_phase(r, k, env, deadline);
  if (o.cachegrind && counter) cachegrind_phase(r, k, env, deadline);
  else if (o.cachegrind) r.extra["cachegrind_error"] = no_counter;
  if (r.extra.empty()) r.extra = nullptr;
  return r;
}

}  // namespace membench::runner

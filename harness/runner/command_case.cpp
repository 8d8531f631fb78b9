// Running a command case: every run execs the command afresh through
// membench-launch (which reports wait4's figures), in a process group of its
// own, with the runner's limits and timeout (child_process.h).
#include "runner/command_case.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>

#include "runner/allocators.h"
#include "runner/cachegrind.h"
#include "runner/child_process.h"
#include "runner/command_run.h"
#include "runner/count_slots.h"
#include "runner/heaptrack_run.h"
#include "runner/phases.h"
#include "runner/runner.h"
#include "track/count_slots.h"
#include "util/fd.h"

namespace membench::runner {
namespace {

namespace fs = std::filesystem;
using report::CaseResult;
using report::Status;
using Clock = std::chrono::steady_clock;

// Keeps at most max_points per series, each bucket by its maximum (peaks survive).
void thin(report::Timeline& t, std::size_t max_points) {
  std::size_t n = t.rss_bytes.size();
  if (n <= max_points) return;
  std::size_t factor = (n + max_points - 1) / max_points;
  for (auto* v : {&t.rss_bytes, &t.anon_bytes, &t.file_bytes}) {
    std::vector<std::uint64_t> out;
    for (std::size_t i = 0; i < v->size(); i += factor)
      out.push_back(*std::max_element(v->begin() + static_cast<std::ptrdiff_t>(i),
                                      v->begin() + static_cast<std::ptrdiff_t>(std::min(v->size(), i + factor))));
    *v = std::move(out);
  }
  t.interval_ms *= static_cast<double>(factor);
}

void fill_memory(CaseResult& r, const CommandRun& run, double interval_ms) {
  report::MemoryStats m;
  // No baseline: the command's whole process is what it costs.
  m.peak_rss_bytes = std::max(run.maxrss_bytes, run.largest_sampled_hwm);
  m.peak_rss_delta_bytes = m.peak_rss_bytes;
  m.minor_faults = run.minor_faults;
  m.major_faults = run.major_faults;
  m.samples = run.samples.size();
  report::Timeline t;
  t.interval_ms = interval_ms;
  for (const TreeSample& s : run.samples) {
    m.peak_rss_sampled_bytes = std::max(m.peak_rss_sampled_bytes, s.sum.rss_bytes);
    m.peak_anon_bytes = std::max(m.peak_anon_bytes, s.sum.anon_bytes);
    m.peak_file_bytes = std::max(m.peak_file_bytes, s.sum.file_bytes);
    m.peak_shmem_bytes = std::max(m.peak_shmem_bytes, s.sum.shmem_bytes);
    t.rss_bytes.push_back(s.sum.rss_bytes);
    t.anon_bytes.push_back(s.sum.anon_bytes);
    t.file_bytes.push_back(s.sum.file_bytes);
  }
  thin(t, 2000);
  r.memory = m;
  r.timeline = std::move(t);
  r.command["memory"] = {{"largest_process_bytes", m.peak_rss_bytes},
                         {"wait4_maxrss_bytes", run.maxrss_bytes},
                         {"sampled_largest_vmhwm_bytes", run.largest_sampled_hwm},
                         {"tree_sampled_peak_bytes", m.peak_rss_sampled_bytes},
                         {"processes", run.processes_seen},
                         {"wall_ns", run.wall_ns}};
}

// "pid 123 (/usr/bin/foo): why", for the case's one line.
std::string describe_missing(const std::vector<MissingProcess>& missing) {
  std::string text;
  std::size_t shown = 0;
  for (const MissingProcess& m : missing) {
    if (shown++ == 3) {
      text += "; and " + std::to_string(missing.size() - 3) + " more (command.allocation_missing lists them)";
      break;
    }
    if (!text.empty()) text += "; ";
    text += m.pid > 0 ? "pid " + std::to_string(m.pid) : std::string("a process");
    if (!m.program.empty()) text += " (" + m.program + ")";
    text += ": " + m.reason;
  }
  return text;
}

// Sums the process images' totals (docs/command-cases.md, "Counting
// allocations"). A process whose counts cannot be had leaves the case with
// no allocation figures, and the reason names it: a sum without it would
// read as the whole.
void fill_counts(CaseResult& r, const TreeCounts& tree) {
  report::Allocations a;
  nlohmann::json processes = nlohmann::json::array();
  for (const CountedProcess& p : tree.processes) {
    track::for_each_allocation_total(
        [](const track::AllocationField&, std::uint64_t& sum, std::uint64_t image) { sum += image; }, a, p.totals);
    if (p.totals.table_overflow) r.extra["allocation_table_overflow"] = true;
    nlohmann::json entry = {{"pid", p.pid},   {"parent_pid", p.parent_pid},   {"exe", p.exe}, {"end", p.end},
                            {"count", p.totals.count}, {"bytes", p.totals.bytes}};
    if (!p.target.empty()) entry["exec"] = p.target;
    processes.push_back(std::move(entry));
  }
  r.command["allocation_processes"] = processes;
  r.command["loads_libstdcxx"] = std::any_of(tree.processes.begin(), tree.processes.end(),
                                             [](const CountedProcess& p) { return p.loads_libstdcxx; });
  if (!tree.missing.empty()) {
    nlohmann::json missing = nlohmann::json::array();
    for (const MissingProcess& m : tree.missing)
      missing.push_back({{"pid", m.pid}, {"program", m.program}, {"reason", m.reason}});
    r.command["allocation_missing"] = missing;
    // Nothing counted and only the command itself missing: its reason alone.
    r.allocations_unavailable =
        tree.processes.empty() && tree.missing.size() == 1
            ? tree.missing.front().reason
            : std::to_string(tree.missing.size()) + " of the command's processes could not be counted, so there is "
                                                    "no total: " + describe_missing(tree.missing);
    return;
  }
  if (tree.processes.empty()) {
    r.allocations_unavailable = "no process of the command loaded the counting library";
  } else if (a.count == 0) {
    r.allocations_unavailable =
        "no malloc-family call reached the counting library (the program has an allocator of its own)";
  }
  if (r.allocations_unavailable.empty()) r.allocations = a;
}

std::string preload_list(const std::vector<std::string>& env) {
  for (const std::string& e : env)
    if (e.rfind("LD_PRELOAD=", 0) == 0) return e.substr(11);
  return "";
}

// The counting run: the command with the counter preloaded; also the
// output digest when there was no memory run.
bool count_phase(CaseResult& r, const CommandCase& k, std::vector<std::string> env, const Deadline& deadline) {
  std::string library = count_library();
  if (library.empty()) {
    r.allocations_unavailable = "libmembench_count.so is not installed beside membench";
    return true;
  }
  std::optional<CountsFile> file;
  try {
    file.emplace();
  } catch (const std::exception& e) {
    r.allocations_unavailable = e.what();
    return true;
  }
  std::string others = preload_list(env);
  std::erase_if(env, [](const std::string& e) { return e.rfind("LD_PRELOAD=", 0) == 0; });
  // The counter first: it forwards to whichever allocator comes next.
  env.push_back("LD_PRELOAD=" + library + (others.empty() ? "" : ":" + others));
  env.push_back(std::string(track::count_file::kPathVariable) + "=" + file->path());
  CommandRun run = run_command(k, env, deadline.remaining(), RunKind{.hash_stdout = r.output_digest.empty()});
  if (!judge_run(r, run, "count", k.options)) return false;
  if (r.output_digest.empty()) r.output_digest = run.digest;
  TreeCounts tree = file->read(run.command_pid, k.command->program);
  fill_counts(r, tree);
  for (const CountedProcess& p : tree.processes) {
    if (!p.allocator.empty() && p.allocator != r.allocator) {
      r.status = Status::failed;
      r.error = "the command ran under " + p.allocator + ", not " + r.allocator;
      return false;
    }
  }
  return true;
}

// Timed runs: --processes groups, each of --warmup seconds of untimed runs
// (at least one when it is above 0) and then --repetitions timed runs.
bool time_phase(CaseResult& r, const CommandCase& k, const std::vector<std::string>& env, const Deadline& deadline) {
  const RunOptions& o = k.options;
  std::vector<report::ProcessSamples> groups;
  nlohmann::json user = nlohmann::json::array(), sys = nlohmann::json::array();
  std::uint64_t warmup_runs = 0;
  for (int g = 0; g < o.processes; ++g) {
    auto warm_start = Clock::now();
    while (o.warmup_seconds > 0 &&
           (warmup_runs == 0 || std::chrono::duration<double>(Clock::now() - warm_start).count() < o.warmup_seconds)) {
      if (int sig = pending_interrupt()) throw Interrupted{sig};
      CommandRun run = run_command(k, env, deadline.remaining(), RunKind{});
      if (!judge_run(r, run, "time", o)) return false;
      ++warmup_runs;
      if (std::chrono::duration<double>(Clock::now() - warm_start).count() >= o.warmup_seconds) break;
    }
    report::ProcessSamples samples;
    samples.iterations = 1;
    for (int i = 0; i < o.repetitions; ++i) {
      if (int sig = pending_interrupt()) throw Interrupted{sig};
      CommandRun run = run_command(k, env, deadline.remaining(), RunKind{});
      if (!judge_run(r, run, "time", o)) return false;
      samples.real_ns.push_back(static_cast<double>(run.wall_ns));
      samples.cpu_ns.push_back(static_cast<double>(run.user_ns + run.sys_ns));
      user.push_back(run.user_ns);
      sys.push_back(run.sys_ns);
    }
    groups.push_back(std::move(samples));
  }
  attach_time(r, std::move(groups), o.warmup_seconds, "children");
  r.command["time"] = {{"user_ns", user}, {"sys_ns", sys}, {"warmup_runs", warmup_runs}};
  return true;
}

}  // namespace

std::string recording_base(const RunOptions& o, const std::string& id) {
  std::string safe;
  for (char ch : id) safe += ch == '/' ? '.' : ch;
  return (o.heaptrack_dir.empty() ? std::string(".") : o.heaptrack_dir) + "/heaptrack." + safe;
}

// heaptrack PROGRAM ARGS...; the recording's path, or throws with why not.
std::string heaptrack_record(const std::vector<std::string>& command, const std::string& stdin_path,
                             const std::string& base, const std::vector<std::string>& env, double timeout) {
  for (const char* suffix : {".zst", ".gz"}) fs::remove(base + suffix);
  std::vector<std::string> argv{heaptrack_program(), "-o", base};
  argv.insert(argv.end(), command.begin(), command.end());
  // stdout (heaptrack's messages and the command's output) goes to /dev/null.
  ChildOutcome out = run_child(ChildSpec{.argv = argv, .env_set = env, .timeout_seconds = timeout,
                                         .stdin_path = stdin_path});
  for (const char* suffix : {".zst", ".gz"})
    if (out.end == ChildOutcome::End::exited && out.exit_code == 0 && fs::exists(base + suffix)) return base + suffix;
  throw std::runtime_error("heaptrack " + command.front() + " did not finish (exit " + std::to_string(out.exit_code) +
                           "): " + out.stderr_tail.substr(0, 200));
}

namespace {

// heaptrack CMD: its whole process. heaptrack's preloaded library brings
// libstdc++, whose start-up allocation it counts in a program that does not
// load libstdc++ itself; that much (heaptrack on `true`, once per run) is
// taken off such a program's figures.
void heaptrack_phase(CaseResult& r, const CommandCase& k, const std::vector<std::string>& env,
                     const Deadline& deadline) {
  static std::optional<HeaptrackFigures> overhead;
  std::string base = recording_base(k.options, r.id);
  std::vector<std::string> command = command_argv(*k.command, *k.set, k.input_path);
  command.front() = k.command->program;
  try {
    std::string recording = heaptrack_record(command, k.command->input_argument ? "" : k.input_path, base, env,
                                             deadline.remaining());
    const HeaptrackFigures whole = analyse_recording(recording, base + ".stacks.txt", nullptr);
    HeaptrackFigures f = whole, own{};
    if (!r.command.value("loads_libstdcxx", true)) {
      if (!overhead) {
        std::string cal = recording_base(k.options, r.workload + "/calibration");
        overhead = analyse_recording(heaptrack_record({"/bin/true"}, "", cal, {}, deadline.remaining()), std::nullopt);
      }
      own = *overhead;
    }
    auto minus = [](std::uint64_t a, std::uint64_t b) { return a > b ? a - b : 0; };
    f.calls = minus(f.calls, own.calls);
    f.temporary = minus(f.temporary, own.temporary);
    r.heaptrack = {{"recording", recording},
                   {"flamegraph", base + ".stacks.txt"},
                   {"calls", f.calls},
                   {"temporary", f.temporary},
                   {"peak_heap_bytes", f.peak_heap_bytes},
                   {"leaked_bytes", f.leaked_bytes},
                   {"raw", {{"case", whole.to_json()}, {"calibration", own.to_json()}}},
                   {"sources", "heaptrack CMD, the whole process: calls and temporary from heaptrack_print's "
                               "summary, less heaptrack's own start-up allocations (heaptrack /bin/true) in a "
                               "program that does not load libstdc++ itself; peak_heap_bytes and leaked_bytes "
                               "from its flame graphs"}};
  } catch (const std::exception& e) {
    r.heaptrack = {{"error", e.what()}};
    return;
  }
  note_heaptrack_agreement(r);
}

// The whole program under callgrind's cache simulator.
void cachegrind_phase(CaseResult& r, const CommandCase& k, const std::vector<std::string>& env,
                      const Deadline& deadline) {
  ScratchFile file("callgrind");
  std::vector<std::string> argv = cachegrind_arguments(file.path(), CallgrindScope::whole_program);
  argv.push_back(k.command->program);
  std::vector<std::string> words = command_argv(*k.command, *k.set, k.input_path);
  argv.insert(argv.end(), words.begin() + 1, words.end());
  ChildOutcome out = run_child(ChildSpec{.argv = argv, .env_set = env, .timeout_seconds = deadline.remaining(),
                                         .stdin_path = k.command->input_argument ? "" : k.input_path});
  const bool ran = out.end == ChildOutcome::End::exited && out.exit_code == 0;
  settle_cachegrind(r, file.path(), ran ? "" : "valgrind exited with code " + std::to_string(out.exit_code));
}

}  // namespace

CaseResult run_command_case(const PlannedCase& c, const RunOptions& o) {
  CaseResult r = case_skeleton(c);
  r.extra = nlohmann::json::object();
  const CommandCase k{c.command, o.commands.get(), o, c.dataset_path};
  std::vector<std::string> argv = command_argv(*c.command, *o.commands, c.dataset_path);
  r.command = {{"line", c.command->line},
               {"argv", argv},
               {"program", c.command->program},
               {"shell", o.commands->shell},
               {"input", c.command->input_argument ? "argument" : "stdin"}};
  // The command is not the sanitizer build membench may be.
  std::string why;
  std::optional<std::vector<std::string>> allocator_env = allocator_environment(c.allocator, false, why);
  if (!allocator_env) {
    r.status = Status::skipped;
    r.error = why;
    return r;
  }
  std::vector<std::string> env = std::move(*allocator_env);
  if (launcher_program().empty()) {
    r.status = Status::failed;
    r.error = "membench-launch is not installed beside membench";
    return r;
  }
  const Deadline deadline = Deadline::after(o.timeout_seconds);
  if (o.run_memory) {
    CommandRun run = run_command(k, env, deadline.remaining(), RunKind{.hash_stdout = true, .sample = true});
    if (run.reported) fill_memory(r, run, o.sample_interval_ms);
    if (!judge_run(r, run, "memory", o)) return r;
    r.output_digest = run.digest;
  }
  if (o.run_count && !count_phase(r, k, env, deadline)) return r;
  if (o.run_time && !time_phase(r, k, env, deadline)) return r;
  if (o.cachegrind) cachegrind_phase(r, k, env, deadline);
  if (o.heaptrack) heaptrack_phase(r, k, env, deadline);
  if (r.extra.empty()) r.extra = nullptr;
  if (!r.output_digest.empty()) r.command["stdout_sha256"] = r.output_digest;
  // --ignore-output: the digest stays on record but is no case's to match.
  if (o.commands->ignore_output) r.output_digest.clear();
  return r;
}

}  // namespace membench::runner

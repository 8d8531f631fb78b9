#include "runner/phases.h"

#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <csignal>
#include <cstdio>

#include "analyze/time_samples.h"
#include "runner/protocol.h"
#include "runner/sites.h"
#include "util/format.h"

namespace membench::runner {

using report::CaseResult;
using report::Status;

double CaseRun::remaining_seconds() const {
  return std::max(0.001, std::chrono::duration<double>(deadline - std::chrono::steady_clock::now()).count());
}

std::vector<std::string> CaseRun::child_argv(const char* phase) const {
  std::vector<std::string> argv{exe, "__case", "--phase", phase, "--workload", planned.workload->name,
                                "--strategy", planned.strategy->name, "--input", planned.dataset_path};
  if (std::string_view(phase) == "time") {
    argv.insert(argv.end(), {"--repetitions", std::to_string(options.repetitions)});
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", options.min_time_seconds);
    argv.insert(argv.end(), {"--min-time", buf});
    std::snprintf(buf, sizeof buf, "%g", options.warmup_seconds);
    argv.insert(argv.end(), {"--warmup", buf});
  }
  if (options.cold) argv.push_back("--cold");
  return argv;
}

CaseResult case_skeleton(const PlannedCase& c) {
  CaseResult r;
  r.id = c.id();
  r.workload = c.workload->name;
  r.strategy = c.strategy->name;
  r.dataset = c.dataset;
  r.allocator = c.allocator;
  for (const Param& p : c.strategy->params.items()) r.params.emplace_back(p.name, p.value);
  struct stat st{};
  if (::stat(c.dataset_path.c_str(), &st) == 0) r.input_bytes = static_cast<std::uint64_t>(st.st_size);
  return r;
}

void attach_time(CaseResult& r, std::vector<report::ProcessSamples> processes, double warmup_seconds,
                 std::string cpu_clock) {
  report::TimeStats t = analyze::summarize_time(std::move(processes), warmup_seconds);
  t.cpu_clock = std::move(cpu_clock);
  report::Throughput tp;
  if (t.median_real_ns > 0) {
    tp.bytes_per_second = static_cast<double>(r.input_bytes) / (t.median_real_ns * 1e-9);
    if (r.input_items > 0) tp.items_per_second = static_cast<double>(r.input_items) / (t.median_real_ns * 1e-9);
  }
  r.time = std::move(t);
  r.throughput = tp;
}

PhaseVerdict judge(const ChildOutcome& out, const char* phase, const RunOptions& o) {
  PhaseVerdict v;
  std::string where = std::string(" in the ") + phase + " run";
  std::string tail = last_line(out.stderr_tail, 200);
  auto fail = [&](Status s, std::string why) {
    v.ok = false;
    v.status = s;
    v.error = std::move(why);
    if (!tail.empty() && s != Status::timeout) v.error += " [stderr: " + tail + "]";
  };
  std::optional<CaseFailure> failure;
  std::string protocol_error;
  try {
    failure = receive<CaseFailure>(out.report);
  } catch (const ProtocolError& e) {
    protocol_error = e.what();
  }
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
  } else if (!protocol_error.empty()) {
    fail(Status::failed, protocol_error + where);
  } else if (failure) {
    fail(report::status_from_string(failure->status).value_or(Status::failed), failure->error + where);
  } else if (out.exit_code != 0) {
    fail(Status::failed, "exited with code " + std::to_string(out.exit_code) + where);
  } else if (!out.report.done) {
    fail(Status::failed, std::string("exited without reporting a result") + where);
  }
  return v;
}

namespace {

// The typed results of a child that ended well; a malformed one fails the case.
template <class Fill>
PhaseVerdict read_results(const char* phase, Fill&& fill) {
  try {
    return fill();
  } catch (const ProtocolError& e) {
    return {false, Status::failed, std::string(e.what()) + " in the " + phase + " run"};
  }
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

// The RSS timeline: the baseline, the samples of the strategy's window, the end.
report::Timeline memory_timeline(const MemoryBaseline& base, const std::optional<MemoryEnd>& end,
                                 const std::vector<MemorySample>& samples, double interval_ms) {
  report::Timeline t;
  t.interval_ms = interval_ms;
  t.rss_bytes.push_back(base.rss);
  t.anon_bytes.push_back(base.anon);
  t.file_bytes.push_back(base.file);
  for (const MemorySample& s : samples) {
    t.rss_bytes.push_back(s.mem.rss_bytes);
    t.anon_bytes.push_back(s.mem.anon_bytes);
    t.file_bytes.push_back(s.mem.file_bytes);
  }
  if (end) {
    t.rss_bytes.push_back(end->rss);
    t.anon_bytes.push_back(end->anon);
    t.file_bytes.push_back(end->file);
  }
  return t;
}

nlohmann::json snapshot_json(const AllocatorSnapshot& snapshot) {
  nlohmann::json j = nlohmann::json::object();
  AllocatorSnapshot::fields(snapshot, [&](const char* key, const std::optional<std::uint64_t>& value) {
    if (value) j[key] = *value;
  });
  return j;
}

void attach_allocator_stats(CaseResult& r, const ChildReport& rep) {
  std::optional<AllocatorSnapshot> before = receive<AllocatorSnapshot>(rep, "alloc_before");
  std::optional<AllocatorSnapshot> after = receive<AllocatorSnapshot>(rep, "alloc_after");
  if (!after) return;
  r.allocator_stats = {{"measured", "in the memory run, right before and right after the strategy"},
                       {"before", before ? snapshot_json(*before) : nlohmann::json::object()},
                       {"after", snapshot_json(*after)}};
  if (before && before->thread_allocated && after->thread_allocated)
    r.allocator_stats["thread_allocated_delta"] = *after->thread_allocated - *before->thread_allocated;
}

// Everything the memory run measured; a child that died mid-run still leaves
// its baseline and samples (what a reader needs to see where it died).
void fill_memory(CaseResult& r, const ChildOutcome& out, double interval_ms) {
  const ChildReport& rep = out.report;
  std::optional<MemoryBaseline> base = receive<MemoryBaseline>(rep);
  if (!base) return;  // died before its baseline: nothing to report
  std::optional<MemoryEnd> end = receive<MemoryEnd>(rep);
  report::MemoryStats m;
  m.baseline_rss_bytes = base->rss;
  m.baseline_anon_bytes = base->anon;
  m.baseline_file_bytes = base->file;
  m.baseline_shmem_bytes = base->shmem;
  std::uint64_t sampled_hwm = 0;
  for (const MemorySample& s : out.window_samples) sampled_hwm = std::max(sampled_hwm, s.mem.hwm_bytes);
  // The runner's own read of VmHWM, from outside, after the run; a child that
  // died mid-run leaves the last sampled VmHWM (a lower bound).
  m.peak_rss_bytes = out.final_status ? out.final_status->hwm_bytes : end ? end->hwm : sampled_hwm;
  m.peak_rss_delta_bytes = m.peak_rss_bytes > m.baseline_rss_bytes ? m.peak_rss_bytes - m.baseline_rss_bytes : 0;
  m.peak_anon_bytes = std::max(m.baseline_anon_bytes, end ? end->anon : 0);
  m.peak_file_bytes = std::max(m.baseline_file_bytes, end ? end->file : 0);
  m.peak_shmem_bytes = std::max(m.baseline_shmem_bytes, end ? end->shmem : 0);
  for (const MemorySample& s : out.window_samples) {
    m.peak_anon_bytes = std::max(m.peak_anon_bytes, s.mem.anon_bytes);
    m.peak_file_bytes = std::max(m.peak_file_bytes, s.mem.file_bytes);
    m.peak_shmem_bytes = std::max(m.peak_shmem_bytes, s.mem.shmem_bytes);
  }
  report::Timeline t = memory_timeline(*base, end, out.window_samples, interval_ms);
  m.peak_rss_sampled_bytes = *std::max_element(t.rss_bytes.begin(), t.rss_bytes.end());
  downsample(t, 2000);
  m.minor_faults = end ? end->minor_faults : 0;
  m.major_faults = end ? end->major_faults : 0;
  m.samples = out.window_samples.size();
  r.memory = m;
  r.timeline = std::move(t);
  if (r.extra.is_null()) r.extra = nlohmann::json::object();
  if (end) r.extra["child_vmhwm_bytes"] = end->hwm;
  r.extra["memory_run_seconds"] = out.wall_seconds;
  if (end) r.input_items = end->items;
  attach_allocator_stats(r, rep);
}

}  // namespace

PhaseVerdict measure_memory(const CaseRun& run, CaseResult& r) {
  const RunOptions& o = run.options;
  ChildOutcome out = run_child({.argv = run.child_argv("memory"),
                                .env_set = run.env,
                                .memory_limit = o.memory_limit,
                                .timeout_seconds = run.remaining_seconds(),
                                .sample_memory = true,
                                .sample_interval_ms = o.sample_interval_ms,
                                .wait_for_ack = true});
  PhaseVerdict verdict = judge(out, "memory", o);
  PhaseVerdict read = read_results("memory", [&] {
    fill_memory(r, out, o.sample_interval_ms);
    if (auto input = receive<InputInfo>(out.report)) r.input_bytes = input->input_bytes;
    return PhaseVerdict{};
  });
  return verdict.ok ? read : verdict;
}

PhaseVerdict count_allocations(const CaseRun& run, CaseResult& r) {
  // No memory limit: the counter's table is reserved address space the
  // strategy never sees.
  SitesFile sites(run.options.sites_top > 0 && !sanitizer_build());  // removed when the case is done
  std::vector<std::string> argv = run.child_argv("count");
  if (sites.enabled()) argv.insert(argv.end(), {"--sites-file", sites.path()});
  ChildOutcome out = run_child({.argv = argv, .env_set = run.env, .timeout_seconds = run.remaining_seconds()});
  if (PhaseVerdict v = judge(out, "count", run.options); !v.ok) return v;
  PhaseVerdict read = read_results("count", [&] {
    std::optional<CountOutput> output = receive<CountOutput>(out.report);
    if (!output) return PhaseVerdict{false, Status::failed, "the count run reported no result"};
    r.output_digest = output->digest;
    r.input_items = output->items;
    if (std::optional<AllocationFigures> f = receive<AllocationFigures>(out.report)) {
      r.allocations.emplace();
      track::copy_allocation_totals(*f, *r.allocations);
      if (f->overflow) r.extra["allocation_table_overflow"] = true;
    } else if (output->counter != "unavailable") {
      return PhaseVerdict{false, Status::failed, "the count run reported no allocation figures"};
    }
    if (r.extra.is_null()) r.extra = nlohmann::json::object();
    for (const Note& note : receive_records<Note>(out.report)) r.extra[note.name] = note.value;
    const std::string& planned = run.planned.allocator;
    if (output->allocator != planned && output->allocator != "sanitizer")
      return PhaseVerdict{false, Status::failed, "the case ran under " + output->allocator + ", not " + planned};
    if (output->allocator_version) {
      if (r.allocator_stats.is_null()) r.allocator_stats = nlohmann::json::object();
      r.allocator_stats["version"] = *output->allocator_version;
    }
    return PhaseVerdict{};
  });
  if (read.ok && sites.enabled()) attach_sites(r, sites.path(), run.options.sites_top);
  return read;
}

PhaseVerdict time_processes(const CaseRun& run, CaseResult& r) {
  // Several fresh processes, each after a discarded warm-up, so that the
  // samples carry the drift between processes (layout, the machine's
  // minute) and not one process's luck.
  std::vector<report::ProcessSamples> processes;
  for (int i = 0; i < run.options.processes; ++i) {
    if (int sig = pending_interrupt()) throw Interrupted{sig};
    ChildOutcome out = run_child({.argv = run.child_argv("time"), .env_set = run.env,
                                  .memory_limit = run.options.memory_limit,
                                  .timeout_seconds = run.remaining_seconds()});
    if (PhaseVerdict v = judge(out, "time", run.options); !v.ok) return v;
    report::ProcessSamples samples;
    PhaseVerdict read = read_results("time", [&] {
      for (const Repetition& rep : receive_records<Repetition>(out.report)) {
        if (rep.real_ns < 0 || rep.cpu_ns < 0) return PhaseVerdict{false, Status::failed, "negative time reported"};
        samples.real_ns.push_back(rep.real_ns);
        samples.cpu_ns.push_back(rep.cpu_ns);
        samples.iterations = rep.iterations;
      }
      if (samples.real_ns.empty()) return PhaseVerdict{false, Status::failed, "the timed run reported no repetition"};
      return PhaseVerdict{};
    });
    if (!read.ok) return read;
    processes.push_back(std::move(samples));
  }
  attach_time(r, std::move(processes), run.options.warmup_seconds, "process");
  return {};
}

}  // namespace membench::runner

#include "runner/command_run.h"

#include <fcntl.h>

#include <csignal>
#include <cstdio>
#include <algorithm>
#include <cstring>
#include <memory>

#include "runner/child_process.h"
#include "runner/runner.h"
#include "util/fd.h"
#include "util/sha256.h"

namespace membench::runner {
namespace {

std::string last_line(const std::string& text) {
  std::string t = text;
  while (!t.empty() && (t.back() == '\n' || t.back() == ' ' || t.back() == '\r')) t.pop_back();
  auto nl = t.rfind('\n');
  std::string line = nl == std::string::npos ? t : t.substr(nl + 1);
  return line.size() > 200 ? line.substr(0, 200) : line;
}

void drop_page_cache(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd) ::posix_fadvise(fd.get(), 0, 0, POSIX_FADV_DONTNEED);
}

// One line of the launcher (launcher.cpp lists them).
void take_line(const std::string& line, CommandRun& run, ProcessTree* tree) {
  int pid = 0, code = 0, err = 0;
  char kind[16] = {};
  unsigned long long wall = 0, user_us = 0, sys_us = 0, maxrss_kb = 0, minflt = 0, majflt = 0;
  if (std::sscanf(line.c_str(), "pid %d", &pid) == 1) {
    run.command_pid = pid;
    if (tree) tree->add(pid);
  } else if (std::sscanf(line.c_str(), "exec_error %d", &err) == 1) {
    run.exec_errno = err;
  } else if (std::sscanf(line.c_str(), "exit %15s %d %llu %llu %llu %llu %llu %llu", kind, &code, &wall, &user_us,
                         &sys_us, &maxrss_kb, &minflt, &majflt) == 8) {
    run.reported = true;
    run.signaled = std::strcmp(kind, "signaled") == 0;
    run.code = code;
    run.wall_ns = wall;
    run.user_ns = user_us * 1000;
    run.sys_ns = sys_us * 1000;
    run.maxrss_bytes = maxrss_kb * 1024;
    run.minor_faults = minflt;
    run.major_faults = majflt;
  }
}

}  // namespace

CommandRun run_command(const CommandCase& k, const std::vector<std::string>& env, double timeout_seconds,
                       RunKind kind) {
  const RunOptions& o = k.options;
  if (o.cold) drop_page_cache(k.input_path);
  std::vector<std::string> words = command_argv(*k.command, *k.set, k.input_path);
  std::vector<std::string> argv{launcher_program(), k.command->program};
  argv.insert(argv.end(), words.begin(), words.end());
  CommandRun run;
  Sha256 hash;
  std::string pending;
  std::unique_ptr<ProcessTree> tree;
  ChildSpec spec{.argv = argv, .env_set = env, .memory_limit = o.memory_limit, .timeout_seconds = timeout_seconds};
  spec.sample_interval_ms = o.sample_interval_ms;
  spec.stdin_path = k.command->input_argument ? "" : k.input_path;
  spec.on_stdout = [&](std::string_view bytes) {
    if (kind.hash_stdout) hash.update(bytes.data(), bytes.size());
  };
  spec.on_result = [&](std::string_view bytes) {
    pending.append(bytes);
    for (std::size_t nl; (nl = pending.find('\n')) != std::string::npos;) {
      take_line(pending.substr(0, nl), run, tree.get());
      pending.erase(0, nl + 1);
    }
  };
  if (kind.sample) {
    // The launcher leads the group; every other member is the command's.
    spec.on_tick = [&](double now_ms) {
      if (!tree) return;
      TreeSample s = tree->sample(now_ms);
      if (s.processes > 0) run.samples.push_back(s);
    };
  }
  // The group is the launcher's pid, known only after fork: the first tick
  // and the "pid" line come after it, so the tree is made lazily.
  spec.on_start = [&](pid_t group) {
    if (kind.sample) tree = std::make_unique<ProcessTree>(group, std::max(10.0, 10 * o.sample_interval_ms));
  };
  ChildOutcome out = run_child(spec);
  run.timed_out = out.end == ChildOutcome::End::timed_out;
  run.launcher_killed = out.end == ChildOutcome::End::signaled;
  run.launcher_signal = out.signal;
  run.stderr_tail = std::move(out.stderr_tail);
  if (kind.hash_stdout) run.digest = to_hex(hash.finish());
  if (tree) {
    run.largest_sampled_hwm = tree->largest_hwm();
    run.processes_seen = tree->processes_seen();
  }
  return run;
}

bool judge_run(report::CaseResult& r, const CommandRun& run, const char* phase, const RunOptions& o) {
  std::string where = std::string(" in the ") + phase + " run";
  std::string tail = last_line(run.stderr_tail);
  auto fail = [&](report::Status s, std::string why) {
    r.status = s;
    r.error = std::move(why);
    if (!tail.empty() && s != report::Status::timeout) r.error += " [stderr: " + tail + "]";
    return false;
  };
  if (run.timed_out) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%g", o.timeout_seconds);
    return fail(report::Status::timeout, std::string("exceeded --timeout ") + buf + " s" + where);
  }
  if (run.launcher_killed) return fail(report::Status::failed, "membench-launch was killed by " + describe_signal(run.launcher_signal) + where);
  if (run.exec_errno)
    return fail(report::Status::failed, "cannot execute the command: " + std::string(std::strerror(run.exec_errno)) + where);
  if (!run.reported) return fail(report::Status::failed, "membench-launch reported no result" + where);
  if (run.signaled) {
    if (run.code == SIGKILL && o.memory_limit) return fail(report::Status::oom, "killed by SIGKILL (out of memory)" + where);
    return fail(report::Status::failed, "killed by " + describe_signal(run.code) + where);
  }
  if (run.code != 0) return fail(report::Status::failed, "exited with code " + std::to_string(run.code) + where);
  return true;
}

}  // namespace membench::runner

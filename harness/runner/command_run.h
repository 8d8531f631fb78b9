// One run of a command through membench-launch: its exit, wait4's figures,
// its stdout's digest and (in the memory run) samples of its process tree.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "report/model.h"
#include "runner/command_case.h"
#include "runner/process_tree.h"

namespace membench::runner {

struct ChildOutcome;

// What every run of one case shares.
struct CommandCase {
  const CommandDef* command;
  const CommandSet* set;
  const RunOptions& options;
  std::string input_path;  // the dataset
};

// The end of a case's --timeout, shared by all its runs.
struct Deadline {
  std::chrono::steady_clock::time_point at;
  static Deadline after(double seconds) {
    return {std::chrono::steady_clock::now() +
            std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(seconds))};
  }
  // Seconds left, at least a millisecond: a run is always given some time.
  double remaining() const {
    return std::max(0.001, std::chrono::duration<double>(at - std::chrono::steady_clock::now()).count());
  }
};

struct RunKind {
  bool hash_stdout = false;  // else stdout is read and thrown away
  bool sample = false;       // sample the tree every --sample-interval ms
};

struct CommandRun {
  // How the launcher itself ended (a timeout kills the whole group).
  bool timed_out = false;
  bool launcher_killed = false;
  int launcher_signal = 0;
  std::string stderr_tail;
  // What the launcher reported of the command.
  int command_pid = 0;    // the command's own process ("pid" line)
  bool reported = false;  // an "exit" line came
  int exec_errno = 0;
  bool signaled = false;
  int code = 0;  // exit code, or the signal
  std::uint64_t wall_ns = 0, user_ns = 0, sys_ns = 0;
  std::uint64_t maxrss_bytes = 0;  // wait4's ru_maxrss: the command's and its waited-for descendants' largest
  std::uint64_t minor_faults = 0, major_faults = 0;
  std::string digest;  // SHA-256 of stdout, hex (hash_stdout)
  std::vector<TreeSample> samples;
  std::uint64_t largest_sampled_hwm = 0;
  std::size_t processes_seen = 0;
};

CommandRun run_command(const CommandCase& k, const std::vector<std::string>& env, double timeout_seconds,
                       RunKind kind);

// Sets the case's status and error when the run did not end in exit code 0;
// returns whether it did.
bool judge_run(report::CaseResult& r, const CommandRun& run, const char* phase, const RunOptions& o);

// Where a case's heaptrack recording goes: beside the report, named after the id.
std::string recording_base(const RunOptions& o, const std::string& id);

// heaptrack PROGRAM ARGS...; the recording's path, or throws with why not.
std::string heaptrack_record(const std::vector<std::string>& command, const std::string& stdin_path,
                             const std::string& base, const std::vector<std::string>& env, double timeout);

}  // namespace membench::runner

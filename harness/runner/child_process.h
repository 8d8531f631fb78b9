// Starts one case child (fork + exec of this binary), watches it from
// outside, and says how it ended. Nothing the child does can take the runner
// down: a crash, a hang or garbage on the result channel all become an
// outcome.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runner/protocol.h"
#include "track/proc_status.h"

namespace membench::runner {

struct ChildSpec {
  std::vector<std::string> argv;      // argv[0] is the executable path
  std::vector<std::string> env_set;   // "NAME=value" added to (or replacing in) the environment
  std::uint64_t memory_limit = 0;     // RLIMIT_DATA in bytes; 0: none
  double timeout_seconds = 0;         // 0: none
  bool sample_memory = false;         // sample /proc/PID/status while it runs
  double sample_interval_ms = 1.0;
  bool wait_for_ack = false;          // child waits on kAckFd for a final outside read
  int realtime_priority = 0;          // >0: the child runs at this SCHED_RR priority (runner/realtime.h)
  // A command case's child (runner/command_case.cpp) speaks no case protocol:
  std::string stdin_path{};  // its standard input; "": /dev/null
  // Set: its stdout, as read (with on_result only); unset: /dev/null.
  std::function<void(std::string_view)> on_stdout{};
  // Set: the result channel's bytes as they come, unparsed, and the run ends
  // as soon as the child has exited (helpers it left behind are killed).
  std::function<void(std::string_view)> on_result{};
  std::function<void(double ms)> on_tick{};  // every sample_interval_ms, for the child's whole life
  std::function<void(pid_t)> on_start{};     // the child's pid (and group), right after fork
};

struct MemorySample {
  double t_ms;
  track::ProcMemory mem;
};

struct ChildOutcome {
  enum class End { exited, signaled, timed_out };
  End end = End::exited;
  int exit_code = 0;
  int signal = 0;
  double wall_seconds = 0;
  ChildReport report;
  // Samples taken between the child's "start" and "end" lines.
  std::vector<MemorySample> window_samples;
  // The child's status read from outside after it reported "done".
  std::optional<track::ProcMemory> final_status;
  std::string stderr_tail;  // last few KiB the child wrote to stderr
};

// Thrown when SIGINT/SIGTERM arrived while a child ran (the child is killed first).
struct Interrupted {
  int signal;
};

// Installs SIGINT/SIGTERM handlers that make run_child() stop its child and
// throw Interrupted.
void install_interrupt_handlers();
int pending_interrupt();  // 0 if none

ChildOutcome run_child(const ChildSpec& spec);

// Absolute path of the running executable.
std::string self_executable();

// "SIGSEGV (Segmentation fault)"
std::string describe_signal(int sig);

}  // namespace membench::runner

// The processes of a command's tree, sampled from outside through /proc:
// a command case's peak RSS is its tree's, not one process's. Members are the
// processes of the command's process group and, transitively, the children
// of members (a child that moved to a group of its own stays counted).
// This kernel interface has no cheap list of a process's children
// (/proc/PID/task/TID/children needs CONFIG_PROC_CHILDREN), so new members are
// found by scanning /proc: every `rescan_ms`, and more often in the run's
// first 4 x rescan_ms, when a pipeline starts its processes; known members are
// read at every sample.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <memory>
#include <set>

#include "track/proc_status.h"

namespace membench::runner {

struct TreeSample {
  double t_ms = 0;
  std::size_t processes = 0;  // members alive at this sample
  track::ProcMemory sum;      // VmRSS, RssAnon, RssFile, RssShmem summed over them (hwm_bytes: 0)
};

class ProcessTree {
 public:
  // `group`: the process group the command runs in; `root`, its leader, is a
  // launcher that is not counted itself.
  ProcessTree(pid_t group, double rescan_ms);
  ProcessTree(const ProcessTree&) = delete;
  ProcessTree& operator=(const ProcessTree&) = delete;

  void add(pid_t pid);  // a member known without a scan (the command itself)
  TreeSample sample(double now_ms);

  std::uint64_t largest_hwm() const { return largest_hwm_; }  // highest VmHWM read of any one member
  std::size_t processes_seen() const { return seen_.size(); }

 private:
  void rescan();

  pid_t group_;
  double rescan_ms_;
  double next_scan_ = 0;
  std::map<pid_t, std::unique_ptr<track::ProcStatusReader>> alive_;
  std::set<pid_t> seen_;
  std::uint64_t largest_hwm_ = 0;
};

}  // namespace membench::runner

// Real-time priority for the timed processes of `ab` (docs/time-gate-loaded.md,
// "Real-time priority"). On a busy machine a timed process at normal priority
// shares its core with whatever else runs: it waits (real time) and, each
// time it gets the core back, refills the caches the other job evicted (CPU
// time). At the lowest real-time priority it is not preempted by normal jobs.
#pragma once

#include <string>

namespace membench::runner {

// SCHED_RR rather than SCHED_FIFO: the runner that watches a timed process
// runs at the same priority, and round-robin gives it the core back within a
// time slice even when the case's threads never block, so a hung case is
// still stopped by its timeout.
inline constexpr int kTimedRealtimePriority = 1;

struct RealtimeCheck {
  bool allowed = false;
  std::string refusal;  // why not, when not allowed
};

// Whether children of this process may be put at real-time priority: tried
// on a short-lived thread, since the answer depends on capabilities,
// RLIMIT_RTPRIO and the cgroup's real-time budget alike.
RealtimeCheck check_realtime();

// Puts the calling process at real-time priority `priority` (SCHED_RR);
// between fork and exec. Returns errno, 0 on success.
int enter_realtime(int priority);

// "SCHED_RR 1", or "normal" for priority 0.
std::string describe_scheduling(int priority);

}  // namespace membench::runner

#include "runner/realtime.h"

#include <pthread.h>
#include <sched.h>

#include <cerrno>
#include <cstring>
#include <thread>

namespace membench::runner {

RealtimeCheck check_realtime() {
  int error = 0;
  std::thread probe([&error] {
    sched_param param{};
    param.sched_priority = kTimedRealtimePriority;
    error = ::pthread_setschedparam(::pthread_self(), SCHED_RR, &param);
  });
  probe.join();
  if (error == 0) return {true, ""};
  std::string why = std::string("real-time priority refused (") + std::strerror(error) + ")";
  if (error == EPERM)
    why += ": it needs root, CAP_SYS_NICE or an RLIMIT_RTPRIO of at least 1 (e.g. docker run --cap-add SYS_NICE)";
  return {false, why};
}

int enter_realtime(int priority) {
  sched_param param{};
  param.sched_priority = priority;
  return ::sched_setscheduler(0, SCHED_RR, &param) == 0 ? 0 : errno;
}

std::string describe_scheduling(int priority) {
  return priority > 0 ? "SCHED_RR " + std::to_string(priority) : "normal";
}

}  // namespace membench::runner

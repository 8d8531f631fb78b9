// libmembench_count.so: the allocation counter of alloc_interpose.cpp,
// preloaded into a command of a command case (LD_PRELOAD). It counts every
// malloc-family request of each process that loads it, from its first request
// to its exit, and appends one line of totals per process to the file named
// by MEMBENCH_COUNT_FILE:
//
//   pid P allocator A count C bytes B peak_live L temporary T leaked_bytes K leaked_count N overflow O
//   libstdcxx S exe PATH
//
// (libstdcxx: whether the process had libstdc++ loaded of its own: heaptrack's
// preloaded library brings libstdc++, whose start-up allocation heaptrack then
// counts, into a C program.)
//
// Built from the same counter as the membench executable's (not linked into
// membench itself: there the interposer must live in the executable).
// It links only libc: a C program must not load libstdc++ (and its start-up
// allocations) because it is counted.
#include <dlfcn.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "track/alloc_counter.h"

namespace {

// Read at load: the program may change its environment before it exits.
char report_path[4096];

__attribute__((constructor)) void on_load() {
  if (const char* path = getenv("MEMBENCH_COUNT_FILE")) snprintf(report_path, sizeof report_path, "%s", path);
  pthread_atfork(membench::track::before_fork, membench::track::after_fork_in_parent,
                 membench::track::after_fork_in_child);
  // Counting itself began with the process's first request, which may have
  // come before this constructor (alloc_interpose.cpp, ensure_resolved).
}

__attribute__((destructor)) void report_totals() {
  membench::track::AllocationTotals t = membench::track::stop_counting();
  if (!report_path[0]) return;
  void* libstdcxx = dlopen("libstdc++.so.6", RTLD_LAZY | RTLD_NOLOAD);
  if (libstdcxx) dlclose(libstdcxx);
  char exe[1024];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  exe[n > 0 ? n : 0] = '\0';
  char line[1536];
  int len = snprintf(line, sizeof line,
                     "pid %d allocator %s count %llu bytes %llu peak_live %llu temporary %llu leaked_bytes %llu "
                     "leaked_count %llu overflow %d libstdcxx %d exe %s\n",
                     static_cast<int>(getpid()), membench::track::underlying_allocator(),
                     static_cast<unsigned long long>(t.count), static_cast<unsigned long long>(t.bytes),
                     static_cast<unsigned long long>(t.peak_live_bytes), static_cast<unsigned long long>(t.temporary),
                     static_cast<unsigned long long>(t.leaked_bytes), static_cast<unsigned long long>(t.leaked_count),
                     t.table_overflow ? 1 : 0, libstdcxx ? 1 : 0, exe);
  if (len <= 0) return;
  if (len >= static_cast<int>(sizeof line)) len = sizeof line - 1;
  // O_APPEND: the processes of one command tree append whole lines.
  int fd = open(report_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return;
  (void)!write(fd, line, static_cast<size_t>(len));
  close(fd);
}

}  // namespace

#include "runner/process_tree.h"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace membench::runner {
namespace {

struct StatLine {
  pid_t ppid = 0, pgrp = 0;
};

// Fields 4 and 5 of /proc/PID/stat, after the command name (which may hold
// spaces and parentheses: the last ')' ends it).
bool read_stat(pid_t pid, StatLine& out) {
  char path[64];
  std::snprintf(path, sizeof path, "/proc/%d/stat", static_cast<int>(pid));
  int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  char buf[1024];
  ssize_t n = ::read(fd, buf, sizeof buf - 1);
  ::close(fd);
  if (n <= 0) return false;
  buf[n] = '\0';
  const char* close_paren = std::strrchr(buf, ')');
  if (!close_paren) return false;
  char state = 0;
  int ppid = 0, pgrp = 0;
  if (std::sscanf(close_paren + 1, " %c %d %d", &state, &ppid, &pgrp) != 3) return false;
  out.ppid = ppid;
  out.pgrp = pgrp;
  return true;
}

}  // namespace

ProcessTree::ProcessTree(pid_t group, double rescan_ms) : group_(group), rescan_ms_(rescan_ms) {}

void ProcessTree::add(pid_t pid) {
  if (pid <= 0 || pid == group_ || alive_.count(pid) || seen_.count(pid)) return;
  auto reader = std::make_unique<track::ProcStatusReader>(pid);
  if (!reader->ok()) return;
  alive_[pid] = std::move(reader);
  seen_.insert(pid);
}

void ProcessTree::rescan() {
  DIR* dir = ::opendir("/proc");
  if (!dir) return;
  std::vector<std::pair<pid_t, StatLine>> all;
  while (dirent* e = ::readdir(dir)) {
    if (e->d_name[0] < '1' || e->d_name[0] > '9') continue;
    pid_t pid = static_cast<pid_t>(std::atoi(e->d_name));
    StatLine st;
    if (read_stat(pid, st)) all.emplace_back(pid, st);
  }
  ::closedir(dir);
  // Children of members are members: repeat until nothing new joins.
  for (bool grew = true; grew;) {
    grew = false;
    for (const auto& [pid, st] : all) {
      if (alive_.count(pid) || pid == group_) continue;
      bool parent_known = st.ppid == group_ || alive_.count(st.ppid);
      if (st.pgrp == group_ || parent_known) {
        std::size_t before = alive_.size();
        add(pid);
        grew = grew || alive_.size() != before;
      }
    }
  }
}

TreeSample ProcessTree::sample(double now_ms) {
  if (now_ms >= next_scan_) {
    rescan();
    // Often at first, when a pipeline's processes start, then every rescan_ms.
    next_scan_ = now_ms + std::min(rescan_ms_, 1.0 + now_ms / 4);
  }
  TreeSample s;
  s.t_ms = now_ms;
  for (auto it = alive_.begin(); it != alive_.end();) {
    track::ProcMemory m;
    // A process that has exited (a zombie has no memory left) reads as gone.
    if (!it->second->read(m)) {
      it = alive_.erase(it);
      continue;
    }
    ++s.processes;
    s.sum.rss_bytes += m.rss_bytes;
    s.sum.anon_bytes += m.anon_bytes;
    s.sum.file_bytes += m.file_bytes;
    s.sum.shmem_bytes += m.shmem_bytes;
    largest_hwm_ = std::max(largest_hwm_, m.hwm_bytes);
    ++it;
  }
  return s;
}

}  // namespace membench::runner

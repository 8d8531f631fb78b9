// The counts file of a command's counting run (track/count_slots.h is its
// layout): created before the command runs, read once its process tree has
// ended, removed with the object. Reading tells the counted process images
// from the processes whose counts cannot be had, and why
// (docs/command-cases.md, "Counting allocations").
#pragma once

#include <string>
#include <vector>

#include "track/alloc_counter.h"
#include "util/fd.h"

namespace membench::runner {

struct CountedProcess {
  int pid = 0;
  int parent_pid = 0;
  std::string exe;
  // How the image ended: "exit" (exit() ran), "exec" (it exec'd `target`; the
  // new image has its own entry), "no_exit" (_exit or a signal: its totals
  // are those at its end all the same).
  std::string end;
  std::string target;
  std::string allocator;
  bool loads_libstdcxx = false;
  track::AllocationTotals totals;
};

struct MissingProcess {
  int pid = 0;  // 0: unknown
  std::string program;
  std::string reason;
};

struct TreeCounts {
  std::vector<CountedProcess> processes;  // in the order they took their slots
  std::vector<MissingProcess> missing;
};

class CountsFile {
 public:
  // Throws std::runtime_error when the file cannot be made.
  CountsFile();
  ~CountsFile();
  CountsFile(const CountsFile&) = delete;
  CountsFile& operator=(const CountsFile&) = delete;

  const std::string& path() const { return path_; }
  // After the tree has ended. `command_pid` is the command's own process (0:
  // unknown), `program` the file it runs.
  TreeCounts read(int command_pid, const std::string& program) const;

 private:
  std::string path_;
  UniqueFd fd_;
};

}  // namespace membench::runner

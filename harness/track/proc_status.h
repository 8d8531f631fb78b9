// Reads the memory figures of /proc/PID/status without allocating, so the
// measured process can read its own and the runner can sample a child's.
#pragma once

#include <sys/types.h>

#include <cstdint>

namespace membench::track {

struct ProcMemory {
  std::uint64_t rss_bytes = 0;    // VmRSS
  std::uint64_t hwm_bytes = 0;    // VmHWM: the kernel's exact peak of VmRSS
  std::uint64_t anon_bytes = 0;   // RssAnon
  std::uint64_t file_bytes = 0;   // RssFile
  std::uint64_t shmem_bytes = 0;  // RssShmem
};

// Parses the text of a status file. Returns false if VmRSS is absent (e.g. a
// zombie, whose memory is gone).
bool parse_proc_status(const char* text, std::size_t size, ProcMemory& out);

// An open /proc/PID/status that can be re-read cheaply (pread at offset 0).
class ProcStatusReader {
 public:
  explicit ProcStatusReader(pid_t pid);  // 0: this process
  ~ProcStatusReader();
  ProcStatusReader(const ProcStatusReader&) = delete;
  ProcStatusReader& operator=(const ProcStatusReader&) = delete;

  bool ok() const { return fd_ >= 0; }
  bool read(ProcMemory& out) const;

 private:
  int fd_ = -1;
};

// Touches every page of this executable's file mappings (code, constants),
// so that a strategy running its code for the first time does not fault
// those pages in (file-backed RSS that is not the strategy's data). Returns
// the bytes touched.
std::uint64_t prefault_executable();

}  // namespace membench::track

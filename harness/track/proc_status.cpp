#include "track/proc_status.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

namespace membench::track {
namespace {

// Value in kB of "Key:   1234 kB" at the start of a line, in bytes.
bool field(const char* text, std::size_t size, const char* key, std::uint64_t& out) {
  std::size_t klen = std::strlen(key);
  for (std::size_t i = 0; i + klen < size; ++i) {
    if ((i == 0 || text[i - 1] == '\n') && std::memcmp(text + i, key, klen) == 0) {
      std::size_t j = i + klen;
      while (j < size && (text[j] == ' ' || text[j] == '\t')) ++j;
      std::uint64_t v = 0;
      bool digits = false;
      while (j < size && text[j] >= '0' && text[j] <= '9') {
        v = v * 10 + static_cast<std::uint64_t>(text[j] - '0');
        ++j;
        digits = true;
      }
      if (!digits) return false;
      out = v * 1024;
      return true;
    }
  }
  return false;
}

}  // namespace

bool parse_proc_status(const char* text, std::size_t size, ProcMemory& out) {
  out = {};
  if (!field(text, size, "VmRSS:", out.rss_bytes)) return false;
  field(text, size, "VmHWM:", out.hwm_bytes);
  field(text, size, "RssAnon:", out.anon_bytes);
  field(text, size, "RssFile:", out.file_bytes);
  field(text, size, "RssShmem:", out.shmem_bytes);
  return true;
}

ProcStatusReader::ProcStatusReader(pid_t pid) {
  char path[64];
  if (pid == 0)
    std::snprintf(path, sizeof path, "/proc/self/status");
  else
    std::snprintf(path, sizeof path, "/proc/%d/status", static_cast<int>(pid));
  fd_ = ::open(path, O_RDONLY | O_CLOEXEC);
}

ProcStatusReader::~ProcStatusReader() {
  if (fd_ >= 0) ::close(fd_);
}

bool ProcStatusReader::read(ProcMemory& out) const {
  if (fd_ < 0) return false;
  char buf[4096];
  ssize_t n = ::pread(fd_, buf, sizeof buf, 0);
  if (n <= 0) return false;
  return parse_proc_status(buf, static_cast<std::size_t>(n), out);
}

// Reads one byte of every page of the executable's mappings, whatever object
// lies there: AddressSanitizer must not check these reads.
__attribute__((no_sanitize("address"))) std::uint64_t prefault_executable() {
  char exe[4096];
  ssize_t n = ::readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n <= 0) return 0;
  exe[n] = '\0';
  std::FILE* maps = std::fopen("/proc/self/maps", "re");
  if (!maps) return 0;
  std::uint64_t touched = 0;
  char line[4096 + 128];
  while (std::fgets(line, sizeof line, maps)) {
    unsigned long start = 0, end = 0;
    char perms[8] = {};
    int path_at = 0;
    if (std::sscanf(line, "%lx-%lx %7s %*s %*s %*s %n", &start, &end, perms, &path_at) < 3 || perms[0] != 'r') continue;
    char* path = line + path_at;
    path[std::strcspn(path, "\n")] = '\0';
    if (std::strcmp(path, exe) != 0) continue;
    for (unsigned long page = start; page < end; page += 4096) {
      (void)*reinterpret_cast<volatile const char*>(page);
      touched += 4096;
    }
  }
  std::fclose(maps);
  return touched;
}


}  // namespace membench::track

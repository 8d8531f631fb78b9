// Workload "selftest", continued: strategies whose input misbehaves (a file
// that shrinks under a mapping, a file that grows during the run), so the
// tests can prove the harness turns them into a case status, not a crash.
// Hidden like the rest of "selftest": it runs only when a --filter names it.
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <string>

#include "hash_common.h"

namespace membench::selftest {
namespace {

constexpr std::size_t kMappedBytes = 1 << 20;

// A private temporary file of kMappedBytes, mapped, then cut to `keep` bytes:
// reading the mapping past `keep` raises SIGBUS. Unnamed (O_TMPFILE) where the
// file system allows, else created and unlinked at once.
struct ShrunkMapping {
  UniqueFd fd;
  Mapping mapping;

  explicit ShrunkMapping(std::size_t keep) {
    const char* tmp = std::getenv("TMPDIR");
    std::string dir = tmp && *tmp ? tmp : "/tmp";
    fd = UniqueFd(::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600));
    if (!fd) {
      std::string name = dir + "/membench-selftest.XXXXXX";
      fd = UniqueFd(::mkostemp(name.data(), O_CLOEXEC));
      if (!fd) throw std::runtime_error("selftest: cannot create a file in " + dir + ": " + std::strerror(errno));
      ::unlink(name.c_str());
    }
    if (::ftruncate(fd.get(), kMappedBytes) != 0) throw std::runtime_error("selftest: ftruncate failed");
    void* addr = ::mmap(nullptr, kMappedBytes, PROT_READ, MAP_SHARED, fd.get(), 0);
    if (addr == MAP_FAILED) throw std::runtime_error(std::string("selftest: mmap failed: ") + std::strerror(errno));
    mapping = Mapping(addr, kMappedBytes);
    if (::ftruncate(fd.get(), static_cast<off_t>(keep)) != 0) throw std::runtime_error("selftest: truncate failed");
  }
};

// The raw fault: reads a mapping whose file was truncated, with no guard. The
// process dies of SIGBUS, which the runner must report as the case's failure.
std::uint64_t sigbus(const Input&, const Params&, OutputSink&) {
  ShrunkMapping m(0);
  const volatile char* p = static_cast<const char*>(m.mapping.data());
  return static_cast<std::uint64_t>(p[0]);
}

// What hash/mmap does when its file is truncated mid-read, made repeatable:
// the same guarded read (hash::hash_mapping) of a mapping cut to half its size.
std::uint64_t mmap_truncated(const Input&, const Params&, OutputSink& out) {
  ShrunkMapping m(kMappedBytes / 2);
  Sha256 hasher;
  hash::hash_mapping(hasher, m.mapping.data(), kMappedBytes, "(selftest file truncated to half its size)");
  hash::emit(hasher, out);
  return 0;
}

// Appends `bytes` bytes to its own input every time it runs, so the dataset
// grows while the run is going on. Only touches files named "growing*", so a
// stray filter cannot damage a real dataset.
std::uint64_t grow(const Input& in, const Params& p, OutputSink&) {
  std::string name = std::filesystem::path(in.path).filename().string();
  if (name.rfind("growing", 0) != 0)
    throw std::runtime_error("selftest/grow appends to its input and only accepts files named growing*");
  UniqueFd fd(::open(in.path, O_WRONLY | O_APPEND | O_CLOEXEC));
  if (!fd) throw std::runtime_error(std::string("selftest: cannot open ") + in.path + ": " + std::strerror(errno));
  std::string chunk(static_cast<std::size_t>(p.get("bytes", 4096)), 'g');
  if (::write(fd.get(), chunk.data(), chunk.size()) != static_cast<ssize_t>(chunk.size()))
    throw std::runtime_error(std::string("selftest: cannot append to ") + in.path);
  return 0;
}

}  // namespace

MEMBENCH_STRATEGY("selftest", "sigbus", "reads a mapping of a truncated file, unguarded (dies of SIGBUS)", sigbus);
MEMBENCH_STRATEGY("selftest", "mmap-truncated", "hash/mmap's guarded read of a file truncated while mapped",
                  mmap_truncated);
MEMBENCH_STRATEGY("selftest", "grow", "appends bytes to its own input file (named growing*) on every run", grow,
                  {"bytes", 512});

}  // namespace membench::selftest

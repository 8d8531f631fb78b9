// hash/mmap: map the file read-only and hash the mapping. No heap buffer:
// the pages are page cache, so they show up as file-backed RSS (peak_file),
// not anonymous memory. madvise(SEQUENTIAL) doubles kernel read-ahead;
// mmap-populate pre-faults the whole mapping with MAP_POPULATE instead of
// taking one minor fault per page (or per fault-around block).
#include <sys/mman.h>
#include <sys/stat.h>

#include "hash_common.h"

namespace membench::hash {
namespace {

std::uint64_t run_mmap(const Input& in, const Params& params, OutputSink& out) {
  Sha256 hasher;
  UniqueFd fd = open_input(in.path);
  struct stat st{};
  if (::fstat(fd.get(), &st) != 0) read_failed(in.path);
  if (!S_ISREG(st.st_mode))
    throw std::runtime_error(std::string(in.path) + ": mmap needs a regular file");
  auto size = static_cast<std::size_t>(st.st_size);
  if (size > 0) {  // mmap of length 0 is EINVAL; an empty file hashes to the empty digest
    int flags = MAP_PRIVATE | (params.get("populate", 0) ? MAP_POPULATE : 0);
    void* addr = ::mmap(nullptr, size, PROT_READ, flags, fd.get(), 0);
    if (addr == MAP_FAILED) read_failed(in.path);
    Mapping mapping(addr, size);
    ::madvise(addr, size, MADV_SEQUENTIAL);
    hasher.update(mapping.data(), size);
  }
  emit(hasher, out);
  return 0;
}

}  // namespace

MEMBENCH_STRATEGY("hash", "mmap", "read-only mapping, madvise(SEQUENTIAL)", run_mmap, {"populate", 0});
MEMBENCH_STRATEGY("hash", "mmap-populate", "read-only mapping pre-faulted with MAP_POPULATE", run_mmap,
                  {"populate", 1});

}  // namespace membench::hash

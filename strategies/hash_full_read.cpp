// hash/full_read: read the whole file into one buffer, then hash it (the
// guide's `std::fs::read`). Costs a heap buffer the size of the file: peak
// RSS grows as O(n).
#include <sys/stat.h>
#include <unistd.h>

#include <memory>
#include <vector>

#include "hash_common.h"

namespace membench::hash {
namespace {

std::uint64_t run_full_read(const Input& in, const Params&, OutputSink& out) {
  Sha256 hasher;
  UniqueFd fd = open_input(in.path);
  struct stat st{};
  if (::fstat(fd.get(), &st) != 0) read_failed(in.path);
  // A regular file's size is known; a pipe grows the buffer as it goes.
  std::size_t capacity = S_ISREG(st.st_mode) && st.st_size > 0 ? static_cast<std::size_t>(st.st_size) : 1 << 16;
  auto buffer = std::make_unique_for_overwrite<char[]>(capacity);
  std::size_t size = 0;
  for (;;) {
    if (size == capacity) {
      // Full: probe with a small read before doubling, so a file whose size
      // we knew costs exactly one buffer of its size.
      char probe[4096];
      ssize_t n = ::read(fd.get(), probe, sizeof probe);
      if (n < 0) {
        if (errno == EINTR) continue;
        read_failed(in.path);
      }
      if (n == 0) break;
      auto bigger = std::make_unique_for_overwrite<char[]>(capacity * 2);
      std::memcpy(bigger.get(), buffer.get(), size);
      std::memcpy(bigger.get() + size, probe, static_cast<std::size_t>(n));
      buffer = std::move(bigger);
      capacity *= 2;
      size += static_cast<std::size_t>(n);
      continue;
    }
    ssize_t n = ::read(fd.get(), buffer.get() + size, capacity - size);
    if (n < 0) {
      if (errno == EINTR) continue;
      read_failed(in.path);
    }
    if (n == 0) break;
    size += static_cast<std::size_t>(n);
  }
  hasher.update(buffer.get(), size);
  emit(hasher, out);
  return 0;
}

}  // namespace

MEMBENCH_STRATEGY_WITH_CLASS("hash", "full_read", "read the whole file into one buffer, then hash",
                             MemoryClass::linear, run_full_read);

}  // namespace membench::hash

// hash/stream: read into one fixed buffer and hash each chunk (the guide's
// streaming). Peak RSS is the buffer, whatever the file size: O(1). The
// buffer_bytes sweep shows where syscall overhead stops mattering.
#include <unistd.h>

#include <memory>

#include "hash_common.h"

namespace membench::hash {
namespace {

std::uint64_t run_stream(const Input& in, const Params& params, OutputSink& out) {
  Sha256 hasher;
  auto size = static_cast<std::size_t>(params.get("buffer_bytes", 8192));
  auto buffer = std::make_unique_for_overwrite<char[]>(size);
  UniqueFd fd = open_input(in.path);
  for (;;) {
    ssize_t n = ::read(fd.get(), buffer.get(), size);
    if (n < 0) {
      if (errno == EINTR) continue;
      read_failed(in.path);
    }
    if (n == 0) break;
    hasher.update(buffer.get(), static_cast<std::size_t>(n));
  }
  emit(hasher, out);
  return 0;
}

}  // namespace

// A fixed buffer, whatever the file's size: peak RSS is O(1).
MEMBENCH_STRATEGY_WITH_CLASS("hash", "stream", "fixed 8 KiB buffer, read and hash chunk by chunk",
                             MemoryClass::constant, run_stream, {"buffer_bytes", 8192});
// The README's claim, checked by `run --budgets` (make bench): the 8 KiB
// buffer and nothing that grows with the file.
MEMBENCH_STRATEGY_BUDGET("hash", "stream", "memory.peak_rss_delta_bytes", 64 * 1024);
MEMBENCH_STRATEGY_WITH_CLASS("hash", "stream-4KiB", "fixed 4 KiB buffer", MemoryClass::constant, run_stream,
                             {"buffer_bytes", 4096});
MEMBENCH_STRATEGY_WITH_CLASS("hash", "stream-64KiB", "fixed 64 KiB buffer", MemoryClass::constant, run_stream,
                             {"buffer_bytes", 65536});
MEMBENCH_STRATEGY_WITH_CLASS("hash", "stream-256KiB", "fixed 256 KiB buffer", MemoryClass::constant, run_stream,
                             {"buffer_bytes", 262144});
MEMBENCH_STRATEGY_WITH_CLASS("hash", "stream-1MiB", "fixed 1 MiB buffer", MemoryClass::constant, run_stream,
                             {"buffer_bytes", 1048576});

}  // namespace membench::hash

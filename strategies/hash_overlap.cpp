// hash/overlap: two fixed buffers; a reader thread fills one while the
// calling thread hashes the other, so the read syscalls (page-cache copies,
// or disk waits when cold) overlap with hashing. Memory stays O(1): two
// buffers plus a thread stack.
#include <unistd.h>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "hash_common.h"

namespace membench::hash {
namespace {

struct Slot {
  std::unique_ptr<char[]> data;
  std::size_t size = 0;
  bool full = false;
  bool last = false;  // end of input (or error) after this slot
};

std::uint64_t run_overlap(const Input& in, const Params& params, OutputSink& out) {
  Sha256 hasher;
  auto capacity = static_cast<std::size_t>(params.get("buffer_bytes", 262144));
  UniqueFd fd = open_input(in.path);
  Slot slots[2];
  for (Slot& s : slots) s.data.reset(new char[capacity]);
  std::mutex mutex;
  std::condition_variable changed;
  int read_errno = 0;

  std::thread reader([&] {
    for (std::size_t i = 0;; i ^= 1) {
      Slot& s = slots[i];
      {
        std::unique_lock lock(mutex);
        changed.wait(lock, [&] { return !s.full; });
      }
      std::size_t size = 0;
      bool last = false;
      while (size < capacity) {
        ssize_t n = ::read(fd.get(), s.data.get() + size, capacity - size);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) read_errno = errno;
        if (n <= 0) {
          last = true;
          break;
        }
        size += static_cast<std::size_t>(n);
      }
      {
        std::lock_guard lock(mutex);
        s.size = size;
        s.last = last;
        s.full = true;
      }
      changed.notify_all();
      if (last) return;
    }
  });

  for (std::size_t i = 0;; i ^= 1) {
    Slot& s = slots[i];
    {
      std::unique_lock lock(mutex);
      changed.wait(lock, [&] { return s.full; });
    }
    hasher.update(s.data.get(), s.size);
    bool last = s.last;
    {
      std::lock_guard lock(mutex);
      s.full = false;
    }
    changed.notify_all();
    if (last) break;
  }
  reader.join();
  if (read_errno != 0) {
    errno = read_errno;
    read_failed(in.path);
  }
  emit(hasher, out);
  return 0;
}

}  // namespace

MEMBENCH_STRATEGY("hash", "overlap", "reader thread fills one 256 KiB buffer while the other is hashed",
                  run_overlap, {"buffer_bytes", 262144});

}  // namespace membench::hash

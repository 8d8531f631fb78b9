// hash/overlap: a ring of fixed slots; a reader thread fills slots while the
// calling thread hashes the filled ones, so the read syscalls (page-cache
// copies, or disk waits when cold) run on the other core instead of between
// hashes. Memory stays O(1): the ring plus a thread stack.
//
// The hashing thread is the bottleneck, so it must not pay for the hand-off:
// it never blocks while the ring has data, and it wakes the reader (a futex
// syscall) only once per half ring, not once per slot. The reader, which has
// time to spare, refills half the ring per wake-up.
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <thread>

#include "hash_common.h"

namespace membench::hash {
namespace {

// 32-bit counters: std::atomic<std::uint32_t>::wait is a plain futex on Linux.
// They count slots and wrap harmlessly (only differences are compared).
using Counter = std::atomic<std::uint32_t>;

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

// Waits in three steps. A sleeping waiter makes the other side pay for a
// wake-up syscall, and on a VM that is an inter-processor interrupt: measured
// at about a tenth of the hashing thread's time when the reader slept once per
// half ring. So a waiter first spins briefly (the other side is usually about
// to publish: the reader waits about one half ring's hashing, ~70 us), then
// yields (if both threads share one core, the other one runs at once instead
// of after our time slice), and sleeps on the futex only after `patience`.
void wait_until(const Counter& counter, auto done, std::chrono::microseconds patience = std::chrono::microseconds(200)) {
  for (int i = 0; i < 1024; ++i) {
    if (done(counter.load(std::memory_order_acquire))) return;
    cpu_relax();
  }
  auto deadline = std::chrono::steady_clock::now() + patience;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done(counter.load(std::memory_order_acquire))) return;
    std::this_thread::yield();
  }
  for (std::uint32_t seen = counter.load(std::memory_order_acquire); !done(seen);
       seen = counter.load(std::memory_order_acquire))
    counter.wait(seen, std::memory_order_acquire);
}

std::uint64_t run_overlap(const Input& in, const Params& params, OutputSink& out) {
  Sha256 hasher;
  auto slot_bytes = static_cast<std::size_t>(params.get("buffer_bytes", 32768));
  auto slots = static_cast<std::uint32_t>(params.get("slots", 8));
  if (slots < 2 || slots % 2 != 0) throw std::invalid_argument("hash/overlap: slots must be even and >= 2");
  const std::uint32_t half = slots / 2;
  UniqueFd fd = open_input(in.path);
  auto ring = std::make_unique_for_overwrite<char[]>(slot_bytes * slots);
  // Written by the reader before it publishes the slot (release), read by
  // the hasher after it sees the slot published (acquire).
  struct SlotInfo {
    std::size_t bytes = 0;
    bool last = false;  // end of input (or a read error) after this slot
  };
  auto info = std::make_unique<SlotInfo[]>(slots);
  Counter filled{0};   // slots the reader has published
  Counter drained{0};  // slots the hasher has released
  int read_errno = 0;  // published with the last slot
  std::atomic<bool> abandoned{false};  // the hasher failed: the reader stops

  std::thread reader([&] {
    for (std::uint32_t k = 0;; ++k) {
      // Ring full: sleep until half of it is free. The hasher notifies when
      // `drained` reaches a multiple of `half`, and the first such value at or
      // past k - half is at most k - 1, which it reaches without the reader.
      if (k - drained.load(std::memory_order_acquire) == slots)
        wait_until(drained, [&](std::uint32_t d) { return k - d <= half; });
      if (abandoned.load(std::memory_order_acquire)) return;
      char* slot = ring.get() + (k % slots) * slot_bytes;
      std::size_t size = 0;
      bool last = false;
      while (size < slot_bytes) {
        ssize_t n = ::read(fd.get(), slot + size, slot_bytes - size);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) read_errno = errno;
        if (n <= 0) {
          last = true;
          break;
        }
        size += static_cast<std::size_t>(n);
      }
      info[k % slots] = {size, last};
      filled.store(k + 1, std::memory_order_release);
      filled.notify_one();
      if (last) return;
    }
  });

  try {
    for (std::uint32_t k = 0;; ++k) {
      wait_until(filled, [&](std::uint32_t f) { return f != k; });
      SlotInfo slot = info[k % slots];
      hasher.update(ring.get() + (k % slots) * slot_bytes, slot.bytes);
      bool last = slot.last;
      drained.store(k + 1, std::memory_order_release);
      if ((k + 1) % half == 0) drained.notify_one();
      if (last) break;
    }
  } catch (...) {
    // Release the whole ring so a waiting reader wakes, sees the flag and
    // ends; a joinable std::thread must not be destroyed.
    abandoned.store(true, std::memory_order_release);
    drained.fetch_add(slots, std::memory_order_acq_rel);
    drained.notify_one();
    reader.join();
    throw;
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

MEMBENCH_STRATEGY_WITH_CLASS("hash", "overlap",
                             "reader thread fills a ring of eight 32 KiB slots while the calling thread hashes",
                             MemoryClass::constant, run_overlap, {"buffer_bytes", 32768}, {"slots", 8});

}  // namespace membench::hash

// The counts file of libmembench_count.so: one slot per process image of a
// command's tree, in a file the runner creates and every process maps
// (MAP_SHARED). The counter updates its slot in place on every request, so
// the totals outlive the process however it ends: exit, _exit, exec, a
// signal (docs/command-cases.md, "Counting allocations"). The runner reads
// the slots once the tree has ended (runner/count_slots.cpp).
//
// Header-only: the preloaded library links only libc.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "track/alloc_counter.h"

namespace membench::track::count_file {

inline constexpr char kMagic[8] = {'m', 'b', 'c', 'o', 'u', 'n', 't', '1'};
inline constexpr const char* kPathVariable = "MEMBENCH_COUNT_FILE";

// The counter's running state: alloc_interpose.cpp keeps it here (in the
// slot, once the library has one) and updates it with plain stores.
struct LiveCounts {
  std::uint64_t count = 0;
  std::uint64_t bytes = 0;
  std::uint64_t live = 0;  // requested and not yet freed: the leaked bytes at the end
  std::uint64_t peak_live = 0;
  std::uint64_t temporary = 0;
  std::uint64_t used = 0;  // live blocks in the size table
  std::uintptr_t last_allocated = 0;  // reset by every free (heaptrack does the same)
  // The newest block stays out of the table until the next allocation: most
  // blocks that die young die right away, and then never touch the table.
  std::uintptr_t pending = 0;
  std::uint64_t pending_size = 0;
  // And the one before it: a container that grows frees its old block right
  // after making the new one.
  std::uintptr_t older = 0;
  std::uint64_t older_size = 0;
  std::uint64_t overflow = 0;  // more live blocks than the size table holds

  std::uint64_t live_blocks() const { return used + (pending ? 1 : 0) + (older ? 1 : 0); }
};

// The totals of a window (or of a process image) from its running state:
// what is still live at the end is what leaked.
inline AllocationTotals totals_of(const LiveCounts& c) {
  return {.count = c.count, .bytes = c.bytes, .peak_live_bytes = c.peak_live, .temporary = c.temporary,
          .leaked_bytes = c.live, .leaked_count = c.live_blocks(), .table_overflow = c.overflow != 0};
}

// How a slot's process image got it and how far it has come.
enum class Origin : std::uint32_t {
  loaded = 1,  // the library was loaded into a new image (start or exec)
  forked = 2,  // a fork of a counted process: counts its own requests from zero
  marker = 3,  // not a counted image: a process that is about to exec (vfork) or was spawned
};
enum class State : std::uint32_t {
  unused = 0,       // claimed, not yet filled in
  running = 1,      // counting; left so when the process ends by _exit or a signal (the totals are its last)
  exited = 2,       // exit() ran the library's destructor
  exec_called = 3,  // called exec with `target`: these totals are the old image's; the new one takes a slot
  spawned = 4,      // marker: posix_spawn started pid with `target`; that image takes a slot if it can
  exec_failed = 5,  // marker: the exec it announced failed
};

struct alignas(64) Slot {
  std::atomic<std::uint32_t> state;  // State; set last, with release
  Origin origin;
  std::int32_t pid;
  std::int32_t parent_pid;
  std::uint32_t loads_libstdcxx;  // the image had libstdc++ loaded of its own
  LiveCounts counts;
  char allocator[16];
  char exe[256];     // this image's executable
  char target[256];  // exec_called, spawned: the program named to exec
};

struct alignas(64) Header {
  char magic[8];
  std::uint32_t slot_count;
  std::uint32_t slot_bytes;  // sizeof(Slot): a library of another build refuses the file
  std::atomic<std::uint32_t> claimed;  // slots handed out; above slot_count, processes found none
};

inline std::size_t file_bytes(std::uint32_t slot_count) { return sizeof(Header) + slot_count * sizeof(Slot); }

inline Slot* slot_at(void* base, std::uint32_t i) {
  return reinterpret_cast<Slot*>(static_cast<char*>(base) + sizeof(Header)) + i;
}

// A slot of its own for the calling process (nullptr when the file is
// full); any number of processes may claim at once.
inline Slot* claim(void* base) {
  auto* header = static_cast<Header*>(base);
  std::uint32_t i = header->claimed.fetch_add(1, std::memory_order_relaxed);
  return i < header->slot_count ? slot_at(base, i) : nullptr;
}

}  // namespace membench::track::count_file

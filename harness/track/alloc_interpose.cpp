// Interposes the malloc family for the whole process and forwards every call to
// the next definition in symbol order: glibc's, or jemalloc's when the child
// runs with jemalloc preloaded (the executable's definitions come first in the
// lookup scope, ahead of LD_PRELOAD libraries and libc).
//
// Block sizes live in an open-addressing table in its own anonymous mapping,
// so counting never allocates through malloc; that mapping is resident memory
// of the counting process, which is why RSS is measured in a separate run
// (see runner/case_child.cpp).
#include "track/alloc_counter.h"
#include "track/alloc_sites.h"
#include "track/count_slots.h"

#include <dlfcn.h>
#include <sys/mman.h>
#include <sys/single_threaded.h>

#include <atomic>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <utility>

#ifndef MEMBENCH_NO_INTERPOSE

namespace membench::track {
bool start_counting();
}

namespace {

namespace st = membench::track::sites;

using MallocFn = void* (*)(std::size_t);
using FreeFn = void (*)(void*);
using CallocFn = void* (*)(std::size_t, std::size_t);
using ReallocFn = void* (*)(void*, std::size_t);
using MemalignFn = void* (*)(std::size_t, std::size_t);
using PosixMemalignFn = int (*)(void**, std::size_t, std::size_t);
using VallocFn = void* (*)(std::size_t);

struct RealAllocator {
  MallocFn malloc = nullptr;
  FreeFn free = nullptr;
  CallocFn calloc = nullptr;
  ReallocFn realloc = nullptr;
  MemalignFn memalign = nullptr;
  MemalignFn aligned_alloc = nullptr;
  PosixMemalignFn posix_memalign = nullptr;
  VallocFn valloc = nullptr;
  VallocFn pvalloc = nullptr;
};

RealAllocator real;
std::atomic<int> resolve_state{0};  // 0 unresolved, 1 resolving, 2 ready

// dlsym may allocate while we resolve; those few requests come from here and
// are never freed to the real allocator.
alignas(64) unsigned char bootstrap_arena[64 * 1024];
std::size_t bootstrap_used = 0;

bool in_bootstrap(const void* p) {
  auto* b = static_cast<const unsigned char*>(p);
  return b >= bootstrap_arena && b < bootstrap_arena + sizeof bootstrap_arena;
}

void* bootstrap_alloc(std::size_t size, std::size_t align = 16) {
  std::size_t start = (bootstrap_used + align - 1) & ~(align - 1);
  if (start + size > sizeof bootstrap_arena) return nullptr;
  bootstrap_used = start + size;
  return bootstrap_arena + start;
}

template <typename Fn>
void lookup(Fn& fn, const char* name) {
  fn = reinterpret_cast<Fn>(dlsym(RTLD_NEXT, name));
}

// First call happens during start-up, before any thread exists.
bool ensure_resolved() {
  int state = resolve_state.load(std::memory_order_acquire);
  if (state == 2) return true;
  if (state == 1) return false;  // re-entered from dlsym
  resolve_state.store(1, std::memory_order_relaxed);
  lookup(real.malloc, "malloc");
  lookup(real.free, "free");
  lookup(real.calloc, "calloc");
  lookup(real.realloc, "realloc");
  lookup(real.memalign, "memalign");
  lookup(real.aligned_alloc, "aligned_alloc");
  lookup(real.posix_memalign, "posix_memalign");
  lookup(real.valloc, "valloc");
  lookup(real.pvalloc, "pvalloc");
  resolve_state.store(2, std::memory_order_release);
#ifdef MEMBENCH_COUNT_PRELOAD
  // Preloaded into a command (libmembench_count.so): every request from the
  // first one on counts, as heaptrack counts them.
  membench::track::start_counting();
#endif
  return true;
}

// ---- the counting state -----------------------------------------------------

struct Slot {
  std::uintptr_t key;  // 0: empty
  std::uint64_t size;
};

constexpr std::size_t kTableBits = 25;  // 32 Mi slots, 512 MiB reserved, touched as used
constexpr std::size_t kTableSlots = std::size_t{1} << kTableBits;
constexpr std::size_t kTableLimit = kTableSlots / 4 * 3;

using membench::track::count_file::LiveCounts;

struct Counter {
  std::atomic<bool> active{false};
  std::atomic_flag busy = ATOMIC_FLAG_INIT;
  Slot* table = nullptr;
  LiveCounts own;
#ifdef MEMBENCH_COUNT_PRELOAD
  // The process's slot in the counts file once it has one (share_counts),
  // else `own`: the totals then survive the process.
  LiveCounts* shared = &own;
  bool paused = false;  // pause_counting: off until resume_counting, unless stopped meanwhile
#endif
  // Allocation sites (enable_sites): the table's sizes then carry the
  // block's site in their top bits.
  bool sites = false;
  bool sites_requested = false;
  std::uintptr_t outer_cfa = 0;  // the opening thread's stack ends here (the harness above)
  std::uint32_t pending_site = 0;
  std::uint64_t window = 0;      // serial of the window, to renumber threads per window
  std::uint32_t threads_seen = 0;
};

Counter counter;

#ifdef MEMBENCH_COUNT_PRELOAD
inline LiveCounts& counts() { return *counter.shared; }
#else
inline LiveCounts& counts() { return counter.own; }
#endif

// A spin lock taken only once the process has more than one thread; a single
// threaded process (most strategies) pays nothing for it.
class Guard {
 public:
  Guard() : locked_(!__libc_single_threaded) {
    if (locked_)
      while (counter.busy.test_and_set(std::memory_order_acquire)) {
      }
  }
  ~Guard() {
    if (locked_) counter.busy.clear(std::memory_order_release);
  }
  Guard(const Guard&) = delete;
  Guard& operator=(const Guard&) = delete;

 private:
  bool locked_;
};

// The block's address in 32-byte steps (glibc's smallest chunk): blocks near each
// other in the heap share table pages and cache lines, so a process with
// millions of live blocks touches a few pages of the table, not all of them;
// within any 1 GiB of glibc heap no two blocks collide.
inline std::size_t slot_of(std::uintptr_t key) { return static_cast<std::size_t>(key >> 5) & (kTableSlots - 1); }

[[gnu::noinline]] void table_insert(std::uintptr_t key, std::uint64_t size) {
  if (counts().used >= kTableLimit) {
    counts().overflow = 1;
    return;
  }
  std::size_t i = slot_of(key);
  while (counter.table[i].key != 0) {
    if (counter.table[i].key == key) {  // stale entry: keep the new size
      counter.table[i].size = size;
      return;
    }
    i = (i + 1) & (kTableSlots - 1);
  }
  counter.table[i] = {key, size};
  ++counts().used;
}

// Removes key and returns its size; false when the block was allocated before
// the window (not ours to account for).
[[gnu::noinline]] bool table_erase(std::uintptr_t key, std::uint64_t& size) {
  std::size_t i = slot_of(key);
  while (counter.table[i].key != key) {
    if (counter.table[i].key == 0) return false;
    i = (i + 1) & (kTableSlots - 1);
  }
  size = counter.table[i].size;
  // Backward-shift deletion keeps probe chains intact without tombstones.
  std::size_t hole = i;
  std::size_t j = i;
  for (;;) {
    j = (j + 1) & (kTableSlots - 1);
    if (counter.table[j].key == 0) break;
    std::size_t home = slot_of(counter.table[j].key);
    bool movable = hole <= j ? (home <= hole || home > j) : (home <= hole && home > j);
    if (movable) {
      counter.table[hole] = counter.table[j];
      hole = j;
    }
  }
  counter.table[hole] = {0, 0};
  --counts().used;
  return true;
}

[[gnu::always_inline]] inline void note_allocation_locked(void* p, std::size_t size) {
  LiveCounts& c = counts();
  ++c.count;
  c.bytes += size;
  c.live += size;
  if (c.live > c.peak_live) c.peak_live = c.live;
  if (c.older) table_insert(c.older, c.older_size);
  c.older = c.pending;
  c.older_size = c.pending_size;
  c.pending = c.last_allocated = reinterpret_cast<std::uintptr_t>(p);
  c.pending_size = size;
}

[[gnu::always_inline]] inline void note_free_locked(void* p) {
  LiveCounts& c = counts();
  auto key = reinterpret_cast<std::uintptr_t>(p);
  std::uint64_t size = 0;
  if (key == c.pending) {
    size = c.pending_size;
    c.pending = 0;
  } else if (key == c.older) {
    size = c.older_size;
    c.older = 0;
  } else if (!table_erase(key, size)) {
    return;  // allocated before the window: not ours to account for
  }
  if (key == c.last_allocated) ++c.temporary;
  c.last_allocated = 0;
  c.live -= size;
}

inline bool counting() { return __builtin_expect(counter.active.load(std::memory_order_relaxed), 0); }

// ---- the sites path (enable_sites): each block's site rides in the top
// bits of its size in the table; the path without sites never sees them.

constexpr unsigned kSizeBits = 40;
constexpr std::uint64_t kSizeMask = (std::uint64_t{1} << kSizeBits) - 1;

struct ThreadSlot {
  std::uint64_t window = 0;
  std::uint32_t index = 0;
};
thread_local ThreadSlot this_thread;

// Thread 0 opened the window; the others are numbered as they first allocate.
std::uint64_t thread_bit_locked() {
  if (this_thread.window != counter.window) {
    this_thread.window = counter.window;
    this_thread.index = counter.threads_seen++;
  }
  return std::uint64_t{1} << (this_thread.index < 63 ? this_thread.index : 63);
}

void note_allocation_site_locked(void* p, std::size_t size, std::uint32_t id) {
  if (size > kSizeMask) id = st::kUnattributed;  // no room for a site beside it
  st::Site& s = st::at(id);
  st::touch(s);
  ++s.count;
  s.bytes += size;
  s.live += size;
  s.threads |= thread_bit_locked();
  ++counts().count;
  counts().bytes += size;
  counts().live += size;
  if (counts().live > counts().peak_live) {
    // A new peak: every site's live bytes now make it up; this one's right
    // away, the others' the next time they change (or at the end).
    counts().peak_live = counts().live;
    ++st::peak_epoch();
    st::touch(s);
  }
  if (counts().pending)
    table_insert(counts().pending,
                 counts().pending_size | (std::uint64_t{counter.pending_site} << kSizeBits));
  counts().pending = counts().last_allocated = reinterpret_cast<std::uintptr_t>(p);
  counts().pending_size = size;
  counter.pending_site = id;
}

void note_free_site_locked(void* p) {
  auto key = reinterpret_cast<std::uintptr_t>(p);
  std::uint64_t packed = 0;
  std::uint32_t id = 0;
  if (key == counts().pending) {
    packed = counts().pending_size;
    id = counter.pending_site;
    counts().pending = 0;
  } else if (table_erase(key, packed)) {
    id = static_cast<std::uint32_t>(packed >> kSizeBits);
  } else {
    return;  // allocated before the window
  }
  std::uint64_t size = packed & kSizeMask;
  st::Site& s = st::at(id);
  st::touch(s);
  if (key == counts().last_allocated) {
    ++counts().temporary;
    ++s.temporary;
  }
  counts().last_allocated = 0;
  counts().live -= size;
  s.live -= size;
}

// The stack is taken before the lock: unwinding is the slow part, and an
// unwinder that allocated would otherwise wait on a lock its thread holds.
bool capture_site(st::Stack& stack) {
  bool opener = this_thread.window == counter.window && this_thread.index == 0;
  return st::capture(stack, opener ? counter.outer_cfa : 0);
}

[[gnu::noinline]] void note_allocation_site(void* p, std::size_t size) {
  st::Stack stack;
  bool captured = capture_site(stack);
  Guard g;
  if (!counting()) return;
  std::uint32_t id = captured ? st::intern(stack) : st::kUnattributed;
  note_allocation_site_locked(p, size, id);
}

[[gnu::noinline]] void note_free_site(void* p) {
  Guard g;
  if (counting()) note_free_site_locked(p);
}

void* realloc_with_site(void* p, std::size_t size) {
  st::Stack stack;
  bool captured = capture_site(stack);
  Guard g;
  if (!counting()) return real.realloc(p, size);
  void* fresh = real.realloc(p, size);
  if (!fresh && size != 0) return nullptr;
  note_free_site_locked(p);
  if (fresh)
    note_allocation_site_locked(fresh, size,
                                captured ? st::intern(stack) : st::kUnattributed);
  return fresh;
}

// Only the thread that opened the window can close it while the process is
// single-threaded, so there the flag needs no second look under a lock.
inline void* note_allocation(void* p, std::size_t size) {
  if (counting() && p) {
    if (counter.sites) {
      note_allocation_site(p, size);
    } else if (__libc_single_threaded) {
      note_allocation_locked(p, size);
    } else {
      Guard g;
      if (counting()) note_allocation_locked(p, size);
    }
  }
  return p;
}

inline void note_free(void* p) {
  if (counting()) {
    if (counter.sites) {
      note_free_site(p);
    } else if (__libc_single_threaded) {
      note_free_locked(p);
    } else {
      Guard g;
      if (counting()) note_free_locked(p);
    }
  }
}

}  // namespace

extern "C" {

void* malloc(std::size_t size) {
  if (!ensure_resolved()) return bootstrap_alloc(size);
  return note_allocation(real.malloc(size), size);
}

void* calloc(std::size_t n, std::size_t size) {
  if (!ensure_resolved()) {
    std::size_t total;
    if (__builtin_mul_overflow(n, size, &total)) return nullptr;
    return bootstrap_alloc(total);  // the arena is zero and never reused
  }
  std::size_t total = 0;
  bool overflow = __builtin_mul_overflow(n, size, &total);
  return note_allocation(real.calloc(n, size), overflow ? 0 : total);
}

void free(void* p) {
  if (!p || in_bootstrap(p)) return;
  note_free(p);
  real.free(p);
}

void* realloc(void* p, std::size_t size) {
  if (!ensure_resolved() || in_bootstrap(p)) {
    void* fresh = ensure_resolved() ? malloc(size) : bootstrap_alloc(size);
    if (fresh && p) {
      std::size_t available = static_cast<std::size_t>(
          bootstrap_arena + sizeof bootstrap_arena - static_cast<unsigned char*>(p));
      std::memcpy(fresh, p, size < available ? size : available);
    }
    return fresh;
  }
  if (!p) return malloc(size);
  if (!counting()) return real.realloc(p, size);
  if (counter.sites) return realloc_with_site(p, size);
  // The lock is held across the real call: the old address may be reused by
  // another thread as soon as it is released.
  Guard g;
  if (!counting()) return real.realloc(p, size);
  void* fresh = real.realloc(p, size);
  if (!fresh && size != 0) return nullptr;  // failed: the old block stays
  note_free_locked(p);
  if (fresh) note_allocation_locked(fresh, size);  // realloc(p, 0) only frees
  return fresh;
}

void* reallocarray(void* p, std::size_t n, std::size_t size) {
  std::size_t total;
  if (__builtin_mul_overflow(n, size, &total)) {
    errno = ENOMEM;
    return nullptr;
  }
  return realloc(p, total);
}

void* memalign(std::size_t align, std::size_t size) {
  if (!ensure_resolved()) return bootstrap_alloc(size, align < 16 ? 16 : align);
  return note_allocation(real.memalign(align, size), size);
}

void* aligned_alloc(std::size_t align, std::size_t size) {
  if (!ensure_resolved()) return bootstrap_alloc(size, align < 16 ? 16 : align);
  return note_allocation(real.aligned_alloc(align, size), size);
}

int posix_memalign(void** out, std::size_t align, std::size_t size) {
  if (!ensure_resolved()) {
    *out = bootstrap_alloc(size, align < 16 ? 16 : align);
    return *out ? 0 : ENOMEM;
  }
  int rc = real.posix_memalign(out, align, size);
  if (rc == 0) note_allocation(*out, size);
  return rc;
}

void* valloc(std::size_t size) {
  if (!ensure_resolved()) return bootstrap_alloc(size, 4096);
  return note_allocation(real.valloc(size), size);
}

void* pvalloc(std::size_t size) {
  if (!ensure_resolved()) return bootstrap_alloc(size, 4096);
  return note_allocation(real.pvalloc(size), size);
}

}  // extern "C"

namespace membench::track {

namespace {
AllocationTotals last_totals;  // of the latest window, for write_sites
}  // namespace

bool counter_available() { return true; }

bool enable_sites(const void* outer_frame) {
  if (!sites::open_table()) return false;
  // The unwinder's first use may load and set up what it needs (allocating):
  // that happens here, before any window.
  sites::Stack warm;
  sites::capture(warm, 0);
  counter.sites_requested = true;
  counter.outer_cfa = reinterpret_cast<std::uintptr_t>(outer_frame);
  return true;
}

bool start_counting() {
  ensure_resolved();
  void* table = mmap(nullptr, kTableSlots * sizeof(Slot), PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (table == MAP_FAILED) return false;
  Guard g;
  counter.sites = counter.sites_requested && sites::table_open();
  counter.sites_requested = false;
  counter.pending_site = 0;
  ++counter.window;
  counter.threads_seen = 1;
  this_thread = {counter.window, 0};
  counter.table = static_cast<Slot*>(table);
  counts() = LiveCounts{};
#ifdef MEMBENCH_COUNT_PRELOAD
  counter.paused = false;
#endif
  counter.active.store(true, std::memory_order_release);
  return true;
}

AllocationTotals stop_counting() {
  AllocationTotals totals;
  Slot* table = nullptr;
  {
    Guard g;
#ifdef MEMBENCH_COUNT_PRELOAD
    if (!counter.active.load(std::memory_order_relaxed) && !std::exchange(counter.paused, false)) return totals;
#else
    if (!counter.active.load(std::memory_order_relaxed)) return totals;
#endif
    counter.active.store(false, std::memory_order_release);
    totals = count_file::totals_of(counts());
    if (counter.sites) sites::settle_peaks();
    table = counter.table;
    counter.table = nullptr;
  }
  // Another thread may still be inside a hook that saw the window open; it
  // re-checks `active` under the lock, so once we hold and drop it the table
  // is unused. (Single-threaded processes have nobody else.)
  {
    Guard g;
  }
  munmap(table, kTableSlots * sizeof(Slot));
  last_totals = totals;
  return totals;
}

bool write_sites(int fd) {
  if (!counter.sites || !sites::table_open()) return false;
  counter.sites = false;
  bool ok = sites::write_table(fd, last_totals.count, last_totals.bytes, last_totals.peak_live_bytes,
                               last_totals.temporary, last_totals.leaked_bytes);
  sites::close_table();
  return ok;
}

#ifdef MEMBENCH_COUNT_PRELOAD
bool pause_counting() {
  ensure_resolved();  // counting starts with resolution: it must not start after the pause
  Guard g;
  counter.paused = counter.active.exchange(false, std::memory_order_acq_rel);
  return counter.paused;
}
void resume_counting() {
  Guard g;
  if (std::exchange(counter.paused, false)) counter.active.store(true, std::memory_order_release);
}

void share_counts(count_file::LiveCounts* slot_counts) {
  Guard g;
  *slot_counts = *counter.shared;
  counter.shared = slot_counts;
}

// fork(): the lock is held across it, so the child's copy of the counter is
// consistent; the child then counts its own requests only, from zero, in
// `fresh` (its own slot) or in its private copy: never in the parent's slot,
// which the child still maps.
void before_fork() { counter.busy.test_and_set(std::memory_order_acquire); }
void after_fork_in_parent() { counter.busy.clear(std::memory_order_release); }
void after_fork_in_child(count_file::LiveCounts* fresh) {
  if (counter.table) madvise(counter.table, kTableSlots * sizeof(Slot), MADV_DONTNEED);
  counter.shared = fresh ? fresh : &counter.own;
  *counter.shared = LiveCounts{};
  counter.busy.clear(std::memory_order_release);
}
#endif

const char* underlying_allocator() {
  ensure_resolved();
  // Each allocator exports a function of its own; glibc none of these.
  if (dlsym(RTLD_DEFAULT, "mallctl")) return "jemalloc";
  if (dlsym(RTLD_DEFAULT, "tc_malloc")) return "tcmalloc";
  if (dlsym(RTLD_DEFAULT, "mi_malloc")) return "mimalloc";
  return "glibc";
}

}  // namespace membench::track

#else  // MEMBENCH_NO_INTERPOSE: sanitizer builds own malloc themselves

namespace membench::track {
bool counter_available() { return false; }
bool enable_sites(const void*) { return false; }
bool write_sites(int) { return false; }
bool start_counting() { return false; }
AllocationTotals stop_counting() { return {}; }
const char* underlying_allocator() { return "sanitizer"; }
}  // namespace membench::track

#endif

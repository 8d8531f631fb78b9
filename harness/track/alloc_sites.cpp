#include "track/alloc_sites.h"

#include <dlfcn.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <unwind.h>

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>

#ifndef MEMBENCH_NO_INTERPOSE

namespace membench::track::sites {
namespace {

// Reserved, touched only as used (MAP_NORESERVE): a window with few sites
// costs a few pages.
constexpr std::size_t kMaxSites = std::size_t{1} << 20;
constexpr std::size_t kIndexBits = 21;  // twice the sites: probe chains stay short
constexpr std::size_t kIndexSlots = std::size_t{1} << kIndexBits;
constexpr std::size_t kMaxFrames = std::size_t{1} << 24;

struct Table {
  Site* sites = nullptr;
  std::uint32_t* index = nullptr;  // site id + 1; 0: empty
  std::uintptr_t* frames = nullptr;
  std::size_t used = 0;  // sites, site 0 included
  std::size_t frames_used = 0;
  std::uint64_t epoch = 0;
  void* mapping = nullptr;
  std::size_t mapping_bytes = 0;
};

Table table;
thread_local bool in_unwinder = false;

#ifdef MEMBENCH_COUNT_PRELOAD
// libmembench_count.so links only libc (docs/architecture.md): it walks
// stacks with the unwinder of the program it is loaded into (libgcc_s, which
// every C++ program loads), found when sites are first asked for.
struct Unwinder {
  decltype(&_Unwind_Backtrace) backtrace = nullptr;
  decltype(&_Unwind_GetCFA) get_cfa = nullptr;
  decltype(&_Unwind_GetIPInfo) get_ip_info = nullptr;
};
Unwinder unwinder;

bool resolve_unwinder() {
  if (unwinder.backtrace) return true;
  unwinder.get_cfa = reinterpret_cast<decltype(&_Unwind_GetCFA)>(dlsym(RTLD_DEFAULT, "_Unwind_GetCFA"));
  unwinder.get_ip_info = reinterpret_cast<decltype(&_Unwind_GetIPInfo)>(dlsym(RTLD_DEFAULT, "_Unwind_GetIPInfo"));
  auto backtrace = reinterpret_cast<decltype(&_Unwind_Backtrace)>(dlsym(RTLD_DEFAULT, "_Unwind_Backtrace"));
  if (!unwinder.get_cfa || !unwinder.get_ip_info) return false;
  unwinder.backtrace = backtrace;
  return backtrace != nullptr;
}
#define MEMBENCH_UNWIND(fn) unwinder.fn
#else
bool resolve_unwinder() { return true; }
struct DirectUnwinder {
  static constexpr auto backtrace = &_Unwind_Backtrace;
  static constexpr auto get_cfa = &_Unwind_GetCFA;
  static constexpr auto get_ip_info = &_Unwind_GetIPInfo;
};
constexpr DirectUnwinder unwinder{};
#define MEMBENCH_UNWIND(fn) unwinder.fn
#endif

std::size_t sites_bytes() { return kMaxSites * sizeof(Site); }
std::size_t index_bytes() { return kIndexSlots * sizeof(std::uint32_t); }
std::size_t frames_bytes() { return kMaxFrames * sizeof(std::uintptr_t); }

struct Walk {
  Stack* out;
  std::uintptr_t outer_cfa;
};

_Unwind_Reason_Code step(_Unwind_Context* ctx, void* arg) {
  auto* w = static_cast<Walk*>(arg);
  if (w->outer_cfa && MEMBENCH_UNWIND(get_cfa)(ctx) > w->outer_cfa) return _URC_END_OF_STACK;
  int before_insn = 0;
  std::uintptr_t ip = MEMBENCH_UNWIND(get_ip_info)(ctx, &before_insn);
  if (ip == 0) return _URC_END_OF_STACK;
  if (w->out->depth == kMaxDepth) {
    w->out->truncated = true;
    return _URC_END_OF_STACK;
  }
  // A return address points past its call; one byte back is inside it, so
  // line tables name the calling line (a signal frame's address is exact).
  w->out->frames[w->out->depth++] = before_insn ? ip : ip - 1;
  return _URC_NO_REASON;
}

std::uint64_t hash_stack(const Stack& s) {
  std::uint64_t h = 0xcbf29ce484222325ull ^ s.depth ^ (s.truncated ? 0x100 : 0);
  for (unsigned i = 0; i < s.depth; ++i) h = (h ^ s.frames[i]) * 0x100000001b3ull;
  return h ^ (h >> 29);
}

bool same_stack(const Site& site, const Stack& s) {
  if (site.depth != s.depth || (site.truncated != 0) != s.truncated) return false;
  return std::memcmp(table.frames + site.frames_at, s.frames, s.depth * sizeof(std::uintptr_t)) == 0;
}

// Buffered write(2) from a stack buffer: nothing here allocates.
class Writer {
 public:
  explicit Writer(int fd) : fd_(fd) {}
  ~Writer() { flush(); }
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;
  template <typename... A>
  void printf(const char* fmt, A... args) {
    if (used_ + 512 > sizeof buf_) flush();
    int n = std::snprintf(buf_ + used_, sizeof buf_ - used_, fmt, args...);
    if (n > 0) used_ += static_cast<std::size_t>(n);
  }
  void text(const char* s) {
    std::size_t len = std::strlen(s);
    if (used_ + len > sizeof buf_) flush();
    if (len > sizeof buf_) return put(s, len);
    std::memcpy(buf_ + used_, s, len);
    used_ += len;
  }
  void raw(const char* data, std::size_t len) {
    flush();
    put(data, len);
  }
  void flush() {
    put(buf_, used_);
    used_ = 0;
  }
  bool ok() const { return ok_; }

 private:
  void put(const char* data, std::size_t len) {
    while (len > 0 && ok_) {
      ssize_t n = ::write(fd_, data, len);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        ok_ = false;
        return;
      }
      data += n;
      len -= static_cast<std::size_t>(n);
    }
  }
  int fd_;
  bool ok_ = true;
  std::size_t used_ = 0;
  char buf_[16384];
};

// The memory map names each module and where it was loaded: all the parent
// needs to symbolize the addresses after this process is gone.
void copy_maps(Writer& out) {
  int fd = ::open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  char chunk[8192];
  for (;;) {
    ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.raw(chunk, static_cast<std::size_t>(n));
  }
  ::close(fd);
}

}  // namespace

bool open_table() {
  close_table();
  if (!resolve_unwinder()) return false;
  std::size_t bytes = sites_bytes() + index_bytes() + frames_bytes();
  void* m = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (m == MAP_FAILED) return false;
  auto* base = static_cast<unsigned char*>(m);
  table.mapping = m;
  table.mapping_bytes = bytes;
  table.sites = reinterpret_cast<Site*>(base);
  table.index = reinterpret_cast<std::uint32_t*>(base + sites_bytes());
  table.frames = reinterpret_cast<std::uintptr_t*>(base + sites_bytes() + index_bytes());
  table.sites[kUnattributed] = Site{};
  table.used = 1;
  table.frames_used = 0;
  table.epoch = 0;
  return true;
}

void close_table() {
  if (table.mapping) ::munmap(table.mapping, table.mapping_bytes);
  table = Table{};
}

bool table_open() { return table.mapping != nullptr; }

[[gnu::noinline]] bool capture(Stack& out, std::uintptr_t outer_cfa) {
  if (in_unwinder) return false;
  in_unwinder = true;
  out.depth = 0;
  out.truncated = false;
  Walk w{&out, outer_cfa};
  MEMBENCH_UNWIND(backtrace)(step, &w);
  in_unwinder = false;
  return true;
}

namespace {
struct FrameWalk {
  unsigned skip;
  std::uintptr_t cfa;
};
_Unwind_Reason_Code find_frame(_Unwind_Context* ctx, void* arg) {
  auto* w = static_cast<FrameWalk*>(arg);
  if (w->skip-- > 0) return _URC_NO_REASON;
  w->cfa = MEMBENCH_UNWIND(get_cfa)(ctx);
  return _URC_END_OF_STACK;
}
}  // namespace

[[gnu::noinline]] std::uintptr_t frame_cfa(unsigned frames_out) {
  if (!resolve_unwinder()) return 0;
  FrameWalk w{frames_out + 1, 0};  // the first frame walked is this function's
  MEMBENCH_UNWIND(backtrace)(find_frame, &w);
  return w.cfa;
}

std::uint32_t intern(const Stack& stack) {
  std::uint64_t h = hash_stack(stack);
  std::size_t i = static_cast<std::size_t>((h * 0x9E3779B97F4A7C15ull) >> (64 - kIndexBits));
  for (;;) {
    std::uint32_t id1 = table.index[i];
    if (id1 == 0) break;
    const Site& s = table.sites[id1 - 1];
    if (s.hash == h && same_stack(s, stack)) return id1 - 1;
    i = (i + 1) & (kIndexSlots - 1);
  }
  if (table.used >= kMaxSites || table.frames_used + stack.depth > kMaxFrames) return kUnattributed;
  auto id = static_cast<std::uint32_t>(table.used++);
  Site& s = table.sites[id];
  s = Site{};
  s.hash = h;
  s.frames_at = table.frames_used;
  s.depth = stack.depth;
  s.truncated = stack.truncated ? 1 : 0;
  s.epoch = table.epoch;  // born with nothing live: its share of any earlier peak is 0
  std::memcpy(table.frames + table.frames_used, stack.frames, stack.depth * sizeof(std::uintptr_t));
  table.frames_used += stack.depth;
  table.index[i] = id + 1;
  return id;
}

Site& at(std::uint32_t id) { return table.sites[id]; }

std::uint64_t& peak_epoch() { return table.epoch; }

void settle_peaks() {
  for (std::size_t i = 0; i < table.used; ++i) touch(table.sites[i]);
}

// Format (text, one record per line; runner/sites.cpp parses it strictly):
//   membench.sites 1
//   totals COUNT BYTES PEAK_LIVE TEMPORARY LEAKED_BYTES
//   site COUNT BYTES TEMPORARY LIVE PEAK_LIVE THREADS TRUNCATED DEPTH ADDR...   (hex addresses)
//   maps
//   <this process's /proc/self/maps, verbatim, to the end>
bool write_table(int fd, std::uint64_t count, std::uint64_t bytes, std::uint64_t peak_live, std::uint64_t temporary,
                 std::uint64_t leaked_bytes) {
  Writer out(fd);
  out.printf("membench.sites 1\ntotals %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 "\n", count, bytes,
             peak_live, temporary, leaked_bytes);
  for (std::size_t i = 0; i < table.used; ++i) {
    const Site& s = table.sites[i];
    if (s.count == 0) continue;
    out.printf("site %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIx64 " %u %u", s.count, s.bytes,
               s.temporary, s.live, s.peak_live, s.threads, s.truncated, s.depth);
    for (std::uint32_t f = 0; f < s.depth; ++f)
      out.printf(" %" PRIxPTR, table.frames[s.frames_at + f]);
    out.text("\n");
  }
  out.text("maps\n");
  copy_maps(out);
  out.flush();
  return out.ok();
}

}  // namespace membench::track::sites

#endif  // MEMBENCH_NO_INTERPOSE

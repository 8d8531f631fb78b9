// hash/mmap: map the file read-only and hash the mapping. No heap buffer:
// the pages are page cache, so they show up as file-backed RSS (peak_file),
// not anonymous memory. madvise(SEQUENTIAL) doubles kernel read-ahead;
// mmap-populate pre-faults the whole mapping with MAP_POPULATE instead of
// taking one minor fault per page (or per fault-around block).
//
// A file that shrinks while it is mapped (another process truncates it) makes
// the kernel send SIGBUS on the first access past the new end. hash_mapping()
// turns that into an ordinary error naming the file and the offset, so the
// case fails with a reason and `membench hash` reports it instead of dying.
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include <atomic>
#include <csetjmp>
#include <mutex>

#include "hash_common.h"

namespace membench::hash {
namespace {

// The mapping being read by this thread, and where to go on SIGBUS inside it.
struct BusGuard {
  sigjmp_buf jump;
  const char* begin = nullptr;
  const char* end = nullptr;
  const char* fault = nullptr;
};

thread_local BusGuard* active_guard = nullptr;
struct sigaction previous_bus_action;

void on_sigbus(int sig, siginfo_t* info, void*) {
  BusGuard* guard = active_guard;
  const char* addr = static_cast<const char*>(info->si_addr);
  if (guard && info->si_code > 0 && addr >= guard->begin && addr < guard->end) {
    guard->fault = addr;
    siglongjmp(guard->jump, 1);
  }
  // Not a fault in a guarded mapping: give the signal to whoever had it
  // before (by default: the process ends with SIGBUS, as without this handler).
  // A fault repeats when we return and then meets the previous action; a
  // signal sent with kill() is raised again (blocked until we return).
  ::sigaction(SIGBUS, &previous_bus_action, nullptr);
  if (info->si_code <= 0) ::raise(sig);
}

void install_bus_handler() {
  static std::once_flag once;
  std::call_once(once, [] {
    struct sigaction sa{};
    sa.sa_sigaction = on_sigbus;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    ::sigaction(SIGBUS, &sa, &previous_bus_action);
  });
}

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
    hash_mapping(hasher, mapping.data(), size, in.path);
  }
  emit(hasher, out);
  return 0;
}

}  // namespace

void hash_mapping(Sha256& hasher, const void* data, std::size_t size, const char* path) {
  if (size == 0) return;
  install_bus_handler();
  BusGuard guard;
  guard.begin = static_cast<const char*>(data);
  guard.end = guard.begin + size;
  // Nothing with a destructor lives between here and the faulting read
  // (Sha256::update and OpenSSL's C and assembly code), so jumping back is safe.
  if (sigsetjmp(guard.jump, 1) == 0) {
    active_guard = &guard;
    std::atomic_signal_fence(std::memory_order_seq_cst);
    hasher.update(data, size);
    std::atomic_signal_fence(std::memory_order_seq_cst);
    active_guard = nullptr;
    return;
  }
  active_guard = nullptr;
  auto offset = static_cast<unsigned long long>(guard.fault - guard.begin);
  throw std::runtime_error(std::string("cannot read ") + path + ": the file shrank while it was mapped (SIGBUS at byte " +
                           std::to_string(offset) + " of " + std::to_string(size) +
                           "; truncated by another process?)");
}

MEMBENCH_STRATEGY("hash", "mmap", "read-only mapping, madvise(SEQUENTIAL)", run_mmap, {"populate", 0});
MEMBENCH_STRATEGY("hash", "mmap-populate", "read-only mapping pre-faulted with MAP_POPULATE", run_mmap,
                  {"populate", 1});

}  // namespace membench::hash

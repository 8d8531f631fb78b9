// Runs a function on a thread whose stack membench allocates and paints
// first, then reports how deep that function's stack went (its high-water
// mark). Used by the records strategies to show what a large value on the
// stack costs, which no heap or RSS figure shows.
//
// The stack is an anonymous mapping with a guard page below it; every byte is
// painted with a pattern before the thread starts. Afterwards the lowest byte
// that no longer holds the pattern marks the deepest point reached; the depth
// is measured from the thread function's own frame, so the thread descriptor
// and TLS block that glibc keeps at the top of a caller-provided stack do not
// count. A function that wrote the pattern byte itself at its deepest point
// would be under-reported by those bytes: the pattern is chosen to be rare.
#pragma once

#include <pthread.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <exception>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>

#include "util/fd.h"

namespace membench::catalogue {

inline constexpr unsigned char kStackPaint = 0xA7;

template <class Fn>
class StackProbe {
 public:
  // Runs fn() on a fresh thread with a stack of stack_bytes (rounded up to
  // pages) and returns the stack high-water mark in bytes. Exceptions thrown
  // by fn are rethrown here.
  static std::uint64_t run(std::size_t stack_bytes, Fn& fn) {
    const std::size_t page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
    stack_bytes = (stack_bytes + page - 1) / page * page;
    void* base = ::mmap(nullptr, stack_bytes + page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK,
                        -1, 0);
    if (base == MAP_FAILED) throw std::runtime_error(std::string("cannot map a thread stack: ") + std::strerror(errno));
    Mapping mapping(base, stack_bytes + page);
    ::mprotect(base, page, PROT_NONE);  // guard page: an overflow faults instead of corrupting
    unsigned char* stack = static_cast<unsigned char*>(base) + page;
    std::memset(stack, kStackPaint, stack_bytes);

    StackProbe probe(fn);
    pthread_attr_t attr;
    if (int err = ::pthread_attr_init(&attr)) fail("pthread_attr_init", err);
    int err = ::pthread_attr_setstack(&attr, stack, stack_bytes);
    pthread_t thread;
    if (!err) err = ::pthread_create(&thread, &attr, &StackProbe::entry, &probe);
    ::pthread_attr_destroy(&attr);
    if (err) fail("cannot start the measuring thread", err);
    ::pthread_join(thread, nullptr);
    if (probe.error_) std::rethrow_exception(probe.error_);

    const unsigned char* lowest = stack;
    while (lowest < probe.frame_top_ && *lowest == kStackPaint) ++lowest;
    return static_cast<std::uint64_t>(probe.frame_top_ - lowest);
  }

 private:
  explicit StackProbe(Fn& fn) : fn_(fn) {}

  [[noreturn]] static void fail(const char* what, int err) {
    throw std::runtime_error(std::string(what) + ": " + std::strerror(err));
  }

  static void* entry(void* self) {
    auto* probe = static_cast<StackProbe*>(self);
    probe->frame_top_ = static_cast<const unsigned char*>(__builtin_frame_address(0));
    try {
      probe->fn_();
    } catch (...) {
      probe->error_ = std::current_exception();
    }
    return nullptr;
  }

  Fn& fn_;
  const unsigned char* frame_top_ = nullptr;
  std::exception_ptr error_;
};

// Runs fn on a measured stack; returns the high-water mark in bytes.
template <class Fn>
std::uint64_t run_with_stack_probe(std::size_t stack_bytes, Fn&& fn) {
  return StackProbe<std::remove_reference_t<Fn>>::run(stack_bytes, fn);
}

}  // namespace membench::catalogue

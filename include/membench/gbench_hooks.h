// The opt-in for a Google Benchmark executable whose libbenchmark is linked
// statically (docs/gbench.md, "A statically linked libbenchmark").
//
// With a static libbenchmark, the loop `for (auto _ : state)` calls
// State::StartKeepRunning and FinishKeepRunning inside the executable, where
// no preloaded library can stand between them. The linker can: linked with
//
//   -Wl,--wrap=_ZN9benchmark5State16StartKeepRunningEv
//   -Wl,--wrap=_ZN9benchmark5State17FinishKeepRunningEv
//
// the loop's two calls reach the functions MEMBENCH_GBENCH_HOOKS() defines,
// which open and close membench's window around libbenchmark's own. Put
//
//   #include "membench/gbench_hooks.h"
//   MEMBENCH_GBENCH_HOOKS();
//
// in one source file of the executable, or let CMake do all three
// (cmake/MembenchGbenchHooks.cmake: membench_gbench_hooks(TARGET)).
//
// Outside membench nothing changes: the window functions are looked up once
// in the preloaded libmembench_count.so, and without it the two calls go
// straight to libbenchmark. Nothing here includes benchmark.h or links
// against membench.
#pragma once

#include <dlfcn.h>

namespace membench_gbench_hooks {

using StateFunction = void (*)(void* state);
// libmembench_count.so's window around libbenchmark's own function `real`.
using WindowFunction = void (*)(void* state, StateFunction real);

inline WindowFunction find_window_function(const char* name) {
  return reinterpret_cast<WindowFunction>(dlsym(RTLD_DEFAULT, name));
}

}  // namespace membench_gbench_hooks

// One wrapper: `symbol`'s calls, sent here by the linker's --wrap, go
// through libmembench_count.so's `window` function when it is loaded. The
// empty asm after the call keeps the wrapper's own frame (no tail call): the
// library cuts allocation sites a fixed number of frames out, at the
// benchmark function.
#define MEMBENCH_GBENCH_WRAPPER(symbol, window_name)                                               \
  extern "C" void __real_##symbol(void*);                                                           \
  extern "C" __attribute__((noinline)) void __wrap_##symbol(void* state) {                          \
    static const ::membench_gbench_hooks::WindowFunction window =                                  \
        ::membench_gbench_hooks::find_window_function(window_name);                                \
    if (window)                                                                                      \
      window(state, &__real_##symbol);                                                               \
    else                                                                                             \
      __real_##symbol(state);                                                                        \
    __asm__ __volatile__("" ::: "memory");                                                          \
  }

// State::StartKeepRunning and State::FinishKeepRunning, by their mangled names.
#define MEMBENCH_GBENCH_HOOKS()                                                                     \
  MEMBENCH_GBENCH_WRAPPER(_ZN9benchmark5State16StartKeepRunningEv, "membench_gbench_loop_start")   \
  MEMBENCH_GBENCH_WRAPPER(_ZN9benchmark5State17FinishKeepRunningEv, "membench_gbench_loop_finish") \
  static_assert(true)

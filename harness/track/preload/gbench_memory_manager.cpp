// libmembench_count.so in a Google Benchmark executable that a user runs
// themselves (LD_PRELOAD, no membench around it): a benchmark::MemoryManager
// registered from the library's constructor, so that Google Benchmark's own
// JSON output carries the loop's allocations (docs/gbench.md, "Google
// Benchmark's own output").
//
// Google Benchmark runs the benchmark once more for its MemoryManager
// (Start, a run of min(16, iterations) iterations with its set-up, Stop).
// Between Start and Stop only the loop is counted, through the same hooks as
// the windows (gbench_hooks.cpp), so the figures are the loop's as the
// windows' are, and Google Benchmark divides them by that run's iterations.
//
// The class is declared here, not taken from benchmark.h: that header makes
// every file that includes it call into libbenchmark at load, and this
// library is also loaded into programs without one. Built without RTTI: a
// class with a base would otherwise need libstdc++'s type_info classes.
#include <dlfcn.h>
#include <stdlib.h>

#include <cstdint>

#include "track/alloc_counter.h"
#include "track/gbench_window.h"
#include "track/preload/gbench_hooks.h"

namespace {

namespace gp = membench::track::gbench_preload;

// benchmark::MemoryManager as benchmark.h (1.7) declares it: what matters is
// the order of the virtual functions, which is the order of the vtable.
// 1.7 calls Stop(Result*); Stop(Result&) takes its place in later versions.
class MemoryManagerInterface {
 public:
  struct Result {
    std::int64_t num_allocs;
    std::int64_t max_bytes_used;
    std::int64_t total_allocated_bytes;
    std::int64_t net_heap_growth;
  };
  virtual ~MemoryManagerInterface() = default;
  virtual void Start() = 0;
  virtual void Stop(Result* result) = 0;
  virtual void Stop(Result& result) = 0;
};

class LoopMemoryManager final : public MemoryManagerInterface {
 public:
  void Start() override { gp::arm_manager_windows(); }
  void Stop(Result* result) override { fill(*result); }
  void Stop(Result& result) override { fill(result); }

 private:
  static void fill(Result& result) {
    membench::track::AllocationTotals t = gp::disarm_manager_windows();
    result.num_allocs = static_cast<std::int64_t>(t.count);
    result.max_bytes_used = static_cast<std::int64_t>(t.peak_live_bytes);
    result.total_allocated_bytes = static_cast<std::int64_t>(t.bytes);
    result.net_heap_growth = static_cast<std::int64_t>(t.leaked_bytes);
  }
};

constinit LoopMemoryManager manager;

using RegisterFn = void (*)(MemoryManagerInterface*);

// Not under membench (which sets one of the two files) and not turned off.
bool wanted() {
  if (getenv(membench::track::gbench::kWindowFileEnv) || getenv("MEMBENCH_COUNT_FILE")) return false;
  const char* setting = getenv(membench::track::gbench::kMemoryManagerEnv);
  return !(setting && setting[0] == '0' && setting[1] == '\0');
}

__attribute__((constructor(201))) void register_memory_manager() {
  if (!wanted() || !gp::can_hook()) return;
  auto register_manager =
      reinterpret_cast<RegisterFn>(dlsym(RTLD_DEFAULT, "_ZN9benchmark21RegisterMemoryManagerEPNS_13MemoryManagerE"));
  if (!register_manager) return;
  // Only the loops count from here on (the counter ran from the process's
  // first request, count_preload.cpp).
  membench::track::stop_counting();
  register_manager(&manager);
}

}  // namespace

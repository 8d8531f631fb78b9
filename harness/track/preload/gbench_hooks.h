// Between the loop hooks of libmembench_count.so (gbench_hooks.cpp) and the
// MemoryManager it registers with Google Benchmark (gbench_memory_manager.cpp).
#pragma once

#include "track/alloc_counter.h"

namespace membench::track::gbench_preload {

// True when a shared libbenchmark's StartKeepRunning and FinishKeepRunning
// were found: the loop can be seen.
bool can_hook();

// From arm to disarm, each benchmark loop is counted (only the loop) and
// the loops' totals are summed: peak_live_bytes is the largest of them.
void arm_manager_windows();
AllocationTotals disarm_manager_windows();

}  // namespace membench::track::gbench_preload

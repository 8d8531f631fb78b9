// The allocation counter of the measured process.
//
// Every malloc-family call and every operator new/delete form of the process
// passes through the interposer in alloc_interpose.cpp; while counting is on,
// each request is recorded once. Figures as docs/figures.md defines them:
//   count            requests (malloc, calloc, realloc, aligned forms, new)
//   bytes            sum of requested sizes
//   peak_live_bytes  high-water mark of requested-and-not-yet-freed bytes
//                    allocated inside the window
//   temporary        allocations freed with no other allocation in between
//                    (heaptrack's definition; realloc frees its old block)
//   leaked_bytes     bytes allocated inside the window and still live at its end
//   leaked_count     blocks allocated inside the window and still live at its end
// (the list of totals: track/alloc_fields.h)
#pragma once

#include <cstdint>

#include "track/alloc_fields.h"

namespace membench::track {

struct AllocationTotals {
  MEMBENCH_ALLOCATION_TOTAL_MEMBERS
  bool table_overflow = false;  // more live blocks than the size table holds
  bool operator==(const AllocationTotals&) const = default;
};

// True when this binary was built with the interposer (not under ASan).
bool counter_available();

// Starts a counting window. Maps the block-size table (outside the malloc
// heap, so counting itself allocates nothing through malloc). Returns false
// when the table cannot be mapped or the interposer is not built in.
bool start_counting();

// Ends the window and returns its totals.
AllocationTotals stop_counting();

// Allocation sites: asks the next window to record the call stack of every
// allocation, aggregated per unique stack (count, bytes, temporary, leaked
// bytes, share of the peak, threads). `outer_frame` is an address in the
// caller's stack frame: on the thread that opens the window, frames above it
// (the harness around the strategy) are not walked. Call before
// start_counting; false when the site table cannot be mapped.
bool enable_sites(const void* outer_frame);

// After stop_counting: writes that window's sites and this process's memory
// map to fd (format: track/alloc_sites.cpp) and releases the site table.
// False when the window recorded no sites or the write failed.
bool write_sites(int fd);

// Name of the allocator the interposer forwards to ("glibc", "jemalloc", ...).
const char* underlying_allocator();

}  // namespace membench::track

#ifdef MEMBENCH_COUNT_PRELOAD
namespace membench::track {
namespace count_file {
struct LiveCounts;
}
// libmembench_count.so only. From now on the counter keeps its state in
// `slot_counts` (the process's slot in the counts file, track/count_slots.h),
// starting from what it has counted so far.
void share_counts(count_file::LiveCounts* slot_counts);
// Around the library's own start-up (its dlsym and dlopen allocate): not the
// program's requests. pause_counting returns whether counting was on;
// resume_counting turns it back on unless stop_counting ended it meanwhile.
bool pause_counting();
void resume_counting();
// pthread_atfork handlers: the child counts from zero into `fresh` (its own
// slot; nullptr: a private copy nobody reads).
void before_fork();
void after_fork_in_parent();
void after_fork_in_child(count_file::LiveCounts* fresh);
}  // namespace membench::track
#endif

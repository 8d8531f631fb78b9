// The window of a Google Benchmark executable: what libmembench_count.so
// measures inside an unmodified benchmark loop, and the file it writes
// (docs/gbench.md, "How the window is measured").
//
// The runner starts the executable with the library preloaded, one benchmark
// per process (--benchmark_filter=^NAME$), and these variables:
//
//   MEMBENCH_GBENCH_FILE=PATH    turns the windows on; one line per window is
//                                appended to PATH
//   MEMBENCH_GBENCH_SITES=PATH   also records the allocation sites of each
//                                window; after each window PATH holds that
//                                window's sites (replaced by rename, so it
//                                always holds a complete one: the last)
//   MEMBENCH_GBENCH_COUNT=0      peak RSS only: the allocation counter stays
//                                off (its size table is resident memory of the
//                                process, as for strategies RSS is measured in a
//                                run of its own)
//   MEMBENCH_GBENCH_CALLGRIND=1  under callgrind --collect-atstart=no: zero
//                                callgrind's counts and turn collection on once
//                                libbenchmark's StartKeepRunning has returned,
//                                off before FinishKeepRunning (client requests;
//                                a single-threaded loop only: they act on the
//                                calling thread)
//
// A window is one call of the benchmark function by Google Benchmark: from
// State::StartKeepRunning (the loop's begin) to State::FinishKeepRunning (its
// end). Google Benchmark calls the function once per batch, growing the
// iteration count, and once more per repetition; each call is one window.
//
// Lines of PATH (space-separated keys and values, one write(2) each):
//
//   hook shared
//   hook none reason TEXT...
//       written when the library loads: whether the loop can be seen
//       (libbenchmark is a shared library whose StartKeepRunning and
//       FinishKeepRunning the library interposes).
//   hook static
//       written at the first call of the executable's opt-in wrappers
//       (include/membench/gbench_hooks.h): the loop is seen through them.
//       The file's last hook line is the one that holds.
//   window seq S threads P iterations N counted C count A bytes B peak_live L
//          temporary T leaked_bytes K leaked_count M overflow O
//          hwm_reset R rss_start S0 hwm_end H
//       written at the window's end (before Google Benchmark reports it), so
//       it survives a later crash. Keys may be added at the end of a line;
//       a reader skips the keys it does not know.
//         seq           1, 2, ... in the order the windows closed
//         threads       threads of the benchmark that ran the loop
//         iterations    iterations of the window, all threads together
//                       (State::max_iterations, plus the overshoot of
//                       KeepRunningBatch): Google Benchmark's own count
//         counted       1 when the allocation figures were counted, 0 under
//                       MEMBENCH_GBENCH_COUNT=0 (then they are 0 and mean nothing)
//         count, bytes, peak_live, temporary, leaked_bytes, leaked_count,
//         overflow      as track/alloc_counter.h defines them, for the
//                       allocations made inside the window only (the
//                       totals' keys: track/alloc_fields.h's line_key)
//         hwm_reset     1 when the kernel's high-water mark was reset at the
//                       window's start (/proc/self/clear_refs); 0: peak RSS
//                       of this window is unknown
//         rss_start     VmRSS at the window's start, after the reset (bytes)
//         hwm_end       VmHWM at the window's end (bytes): the window's peak
//                       RSS is hwm_end - rss_start
//
// The loop was not seen, and the figures are unavailable (never zero), when
// the file's last hook line is "hook none", or it has no "window" line
// although the benchmark ran (a libbenchmark linked statically into the
// executable without the opt-in: its calls do not pass through the dynamic
// linker).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "track/alloc_fields.h"

namespace membench::track::gbench {

inline constexpr const char* kWindowFileEnv = "MEMBENCH_GBENCH_FILE";
inline constexpr const char* kSitesFileEnv = "MEMBENCH_GBENCH_SITES";
inline constexpr const char* kCountEnv = "MEMBENCH_GBENCH_COUNT";
inline constexpr const char* kCallgrindEnv = "MEMBENCH_GBENCH_CALLGRIND";
// Run by a user, with neither MEMBENCH_GBENCH_FILE nor MEMBENCH_COUNT_FILE
// set, the library registers a benchmark::MemoryManager unless this is "0".
inline constexpr const char* kMemoryManagerEnv = "MEMBENCH_GBENCH_MEMORY_MANAGER";

struct Window {
  std::uint64_t seq = 0;
  std::uint64_t threads = 0;
  std::uint64_t iterations = 0;
  bool counted = false;
  MEMBENCH_ALLOCATION_TOTAL_MEMBERS  // count, bytes, peak_live_bytes, ... (track/alloc_fields.h)
  bool overflow = false;
  bool hwm_reset = false;
  std::uint64_t rss_start = 0;
  std::uint64_t hwm_end = 0;

  // Peak RSS over the RSS at the loop's start; 0 when the peak did not rise.
  std::uint64_t peak_rss_delta() const { return hwm_end > rss_start ? hwm_end - rss_start : 0; }
};

struct WindowFile {
  bool hook_seen = false;    // a "hook" line was read
  bool hooked = false;       // the last hook line is "shared" or "static"
  std::string hook;          // that line's word: shared, static or none
  std::string hook_reason;   // of "hook none"
  std::vector<Window> windows;

  // The window whose figures a benchmark reports: the last one to close,
  // i.e. the final batch of the final repetition (docs/gbench.md).
  const Window* reported() const { return windows.empty() ? nullptr : &windows.back(); }
};

// Parses the text of a window file. False, with one line in `error`, on a
// line that is neither a hook line nor a well-formed window line.
bool parse_window_file(const std::string& text, WindowFile& out, std::string& error);

}  // namespace membench::track::gbench

// libmembench_count.so inside a Google Benchmark executable: the window of
// each benchmark loop (track/gbench_window.h has the file's format,
// docs/gbench.md "How the window is measured" the why).
//
// A shared libbenchmark's State::StartKeepRunning and FinishKeepRunning are
// called through the dynamic linker (the loop `for (auto _ : state)` calls
// them from inline code in the user's function), so the definitions below,
// preloaded, come first; they open and close the window and forward to
// libbenchmark's own, found with RTLD_NEXT.
//
// A libbenchmark linked statically into the executable is reached through
// the opt-in of include/membench/gbench_hooks.h instead: the linker sends the
// loop's two calls to the executable's wrappers, which call
// membench_gbench_loop_start and _finish below with libbenchmark's own
// function. From the first such call on, the interposed definitions only
// forward (a shared libbenchmark with the opt-in would otherwise open each
// window twice).
//
// The window opens before libbenchmark's StartKeepRunning starts the timer
// and is counted until just before FinishKeepRunning stops it; what is slow
// (mapping the counter's table, resetting the high-water mark, writing the
// line) happens while the timer is off.
#include <dlfcn.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <valgrind/callgrind.h>

#include <atomic>
#include <cstdarg>
#include <cstddef>
#include <cstdint>

#include "track/alloc_counter.h"
#include "track/alloc_sites.h"
#include "track/gbench_window.h"
#include "track/preload/gbench_hooks.h"
#include "track/proc_status.h"

namespace {

namespace mt = membench::track;
namespace gb = membench::track::gbench;
namespace gp = membench::track::gbench_preload;

using StateFn = void (*)(void*);

constexpr const char* kStartSymbol = "_ZN9benchmark5State16StartKeepRunningEv";
constexpr const char* kFinishSymbol = "_ZN9benchmark5State17FinishKeepRunningEv";

// The first members of benchmark::State (benchmark.h of 1.7 and 1.8 alike):
// max_iterations is public; the two before it are what KeepRunningBatch's
// overshoot is computed from (State::iterations()).
struct StateHead {
  std::int64_t total_iterations;
  std::int64_t batch_leftover;
  std::int64_t max_iterations;
};

// libbenchmark's own definitions, found on first use: a lookup that fails
// allocates (the error message), and a program without libbenchmark must
// not see allocations of the counter's own.
class RealFunction {
 public:
  constexpr explicit RealFunction(const char* symbol) : symbol_(symbol) {}
  StateFn get() {
    StateFn f = fn_.load(std::memory_order_acquire);
    if (!f) {
      f = reinterpret_cast<StateFn>(dlsym(RTLD_NEXT, symbol_));
      fn_.store(f, std::memory_order_release);
    }
    return f;
  }
  void operator()(void* state) { get()(state); }

 private:
  const char* symbol_;
  std::atomic<StateFn> fn_{nullptr};
};

struct Hooks {
  RealFunction start{kStartSymbol};
  RealFunction finish{kFinishSymbol};
  bool windows = false;  // MEMBENCH_GBENCH_FILE is set
  // The executable's opt-in wrappers called: they, not the interposed
  // definitions, open and close the windows.
  std::atomic<bool> opt_in{false};
  // Google Benchmark's MemoryManager run is under way (gbench_memory_manager.cpp):
  // its loop's windows are counted, summed, and handed to the manager.
  std::atomic<bool> manager_armed{false};
  bool count = true;     // MEMBENCH_GBENCH_COUNT is not 0
  bool callgrind = false;  // MEMBENCH_GBENCH_CALLGRIND is 1
  char window_path[4096] = {};
  char sites_path[4096] = {};
};

// constinit: set before the constructors below run, never re-initialised after.
constinit Hooks hooks;

// The windows of the loop's threads open together (the first thread to
// enter opens it) and close together (the last to leave).
std::atomic<int> open_threads{0};
std::atomic<std::uint64_t> window_threads{0};
std::atomic<std::uint64_t> window_iterations{0};
std::uint64_t window_seq = 0;
bool window_hwm_reset = false;
std::uint64_t window_rss_start = 0;
mt::AllocationTotals manager_totals;

void append_line(const char* line, int len) {
  if (len <= 0) return;
  int fd = open(hooks.window_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return;
  (void)!write(fd, line, static_cast<size_t>(len));
  close(fd);
}

// Writing 5 to clear_refs sets the process's VmHWM back to its VmRSS
// (proc(5)), so VmHWM at the end is the peak of this window alone.
bool reset_high_water_mark() {
  int fd = open("/proc/self/clear_refs", O_WRONLY | O_CLOEXEC);
  if (fd < 0) return false;
  bool ok = write(fd, "5", 1) == 1;
  close(fd);
  return ok;
}

// `benchmark_cfa`: the frame of the function that runs the loop; sites are
// cut above it.
void open_window(std::uintptr_t benchmark_cfa) {
  window_threads.store(0, std::memory_order_relaxed);
  window_iterations.store(0, std::memory_order_relaxed);
  window_hwm_reset = reset_high_water_mark();
  mt::ProcMemory now;
  mt::ProcStatusReader status(0);
  window_rss_start = status.read(now) ? now.rss_bytes : 0;
  if (hooks.count && hooks.sites_path[0] && benchmark_cfa)
    mt::enable_sites(reinterpret_cast<const void*>(benchmark_cfa));
  if (hooks.count) mt::start_counting();
}

// Replaced whole (rename), so the file always holds one complete window's
// sites: after the process ends, the last one's.
void write_window_sites() {
  char temporary[sizeof hooks.sites_path + 8];
  snprintf(temporary, sizeof temporary, "%s.part", hooks.sites_path);
  int fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return;
  bool ok = mt::write_sites(fd);
  ok = close(fd) == 0 && ok;
  if (ok) rename(temporary, hooks.sites_path);
  else unlink(temporary);
}

// One line of the window file, built in place (the library allocates
// nothing of its own); what does not fit is cut.
struct LineBuffer {
  char text[512] = {};
  std::size_t used = 0;

  __attribute__((format(printf, 2, 3))) void add(const char* format, ...) {
    if (used + 1 >= sizeof text) return;
    va_list args;
    va_start(args, format);
    int n = vsnprintf(text + used, sizeof text - used, format, args);
    va_end(args);
    if (n <= 0) return;
    used += static_cast<std::size_t>(n);
    if (used >= sizeof text) used = sizeof text - 1;
  }
};

void close_window(const mt::AllocationTotals& t) {
  mt::ProcMemory now;
  mt::ProcStatusReader status(0);
  std::uint64_t hwm_end = status.read(now) ? now.hwm_bytes : 0;
  LineBuffer line;
  line.add("window seq %llu threads %llu iterations %llu counted %d", static_cast<unsigned long long>(++window_seq),
           static_cast<unsigned long long>(window_threads.load()),
           static_cast<unsigned long long>(window_iterations.load()), hooks.count ? 1 : 0);
  mt::for_each_allocation_total(
      [&](const mt::AllocationField& f, std::uint64_t value) {
        line.add(" %s %llu", f.line_key, static_cast<unsigned long long>(value));
      },
      t);
  line.add(" overflow %d hwm_reset %d rss_start %llu hwm_end %llu\n", t.table_overflow ? 1 : 0,
           window_hwm_reset ? 1 : 0, static_cast<unsigned long long>(window_rss_start),
           static_cast<unsigned long long>(hwm_end));
  append_line(line.text, static_cast<int>(line.used));
  if (hooks.count && hooks.sites_path[0]) write_window_sites();
}

// Before the MemoryManager's registration (gbench_memory_manager.cpp), which
// asks whether the loop can be hooked.
__attribute__((constructor(200))) void load_gbench_hooks() {
  const char* path = getenv(gb::kWindowFileEnv);
  if (!path || !*path) return;
  snprintf(hooks.window_path, sizeof hooks.window_path, "%s", path);
  if (const char* sites = getenv(gb::kSitesFileEnv)) snprintf(hooks.sites_path, sizeof hooks.sites_path, "%s", sites);
  if (const char* count = getenv(gb::kCountEnv)) hooks.count = !(count[0] == '0' && count[1] == '\0');
  if (const char* callgrind = getenv(gb::kCallgrindEnv)) hooks.callgrind = callgrind[0] == '1' && callgrind[1] == '\0';
  // On even without a shared libbenchmark: the opt-in's wrappers may call.
  hooks.windows = true;
  // The counter ran from the process's first request (count_preload.cpp);
  // here only the windows count.
  mt::stop_counting();
  char line[256];
  int len = gp::can_hook()
                ? snprintf(line, sizeof line, "hook shared\n")
                : snprintf(line, sizeof line,
                           "hook none reason no shared libbenchmark exports State::StartKeepRunning (linked "
                           "statically, without the opt-in of docs/gbench.md?)\n");
  append_line(line, len);
}

// The opt-in's first call: said in the file, after the load's own hook line,
// so that the file's last hook line is the one that holds.
void note_opt_in() {
  if (hooks.opt_in.exchange(true)) return;
  if (hooks.windows) {
    static const char line[] = "hook static\n";
    append_line(line, sizeof line - 1);
  }
}

}  // namespace

// The mangled names of benchmark::State's two members (`this` is the first
// argument in the Itanium C++ ABI).
extern "C" __attribute__((visibility("default"))) void membench_gbench_start(void* state) __asm__(
    "_ZN9benchmark5State16StartKeepRunningEv");
extern "C" __attribute__((visibility("default"))) void membench_gbench_finish(void* state) __asm__(
    "_ZN9benchmark5State17FinishKeepRunningEv");
// Called by the opt-in's wrappers (include/membench/gbench_hooks.h) with
// libbenchmark's own function.
extern "C" __attribute__((visibility("default"))) void membench_gbench_loop_start(void* state, StateFn real);
extern "C" __attribute__((visibility("default"))) void membench_gbench_loop_finish(void* state, StateFn real);

namespace membench::track::gbench_preload {

bool can_hook() { return hooks.start.get() && hooks.finish.get(); }

void arm_manager_windows() {
  manager_totals = {};
  hooks.manager_armed.store(true);
}

AllocationTotals disarm_manager_windows() {
  hooks.manager_armed.store(false);
  return manager_totals;
}

}  // namespace membench::track::gbench_preload

namespace {

void add_to_manager_totals(const mt::AllocationTotals& t) {
  mt::for_each_allocation_total(
      [](const mt::AllocationField& f, std::uint64_t& sum, std::uint64_t window) {
        if (f.in_sequence == mt::InSequence::add) sum += window;
        else if (window > sum) sum = window;
      },
      manager_totals, t);
  manager_totals.table_overflow = manager_totals.table_overflow || t.table_overflow;
}

}  // namespace

namespace {

// `benchmark_cfa`: the frame of the function that runs the loop.
void loop_start(void* state, StateFn real, std::uintptr_t benchmark_cfa) {
  if (!hooks.windows) {  // loaded without MEMBENCH_GBENCH_FILE: only forward
    if (hooks.manager_armed.load() && open_threads.fetch_add(1) == 0) mt::start_counting();
    real(state);
    return;
  }
  const bool first = open_threads.fetch_add(1, std::memory_order_acq_rel) == 0;
  if (first) open_window(benchmark_cfa);
  real(state);
  // Callgrind's counts from here on are the loop's own: zeroed (so that the
  // output holds the last window only) once libbenchmark's timer runs.
  if (first && hooks.callgrind) {
    CALLGRIND_ZERO_STATS;
    CALLGRIND_TOGGLE_COLLECT;
  }
}

void loop_finish(void* state, StateFn real) {
  if (!hooks.windows) {
    if (hooks.manager_armed.load() && open_threads.fetch_sub(1) == 1) add_to_manager_totals(mt::stop_counting());
    real(state);
    return;
  }
  if (hooks.callgrind && open_threads.load(std::memory_order_acquire) == 1) CALLGRIND_TOGGLE_COLLECT;
  const auto* head = static_cast<const StateHead*>(state);
  window_iterations.fetch_add(static_cast<std::uint64_t>(head->max_iterations + head->batch_leftover));
  window_threads.fetch_add(1);
  bool last = open_threads.fetch_sub(1, std::memory_order_acq_rel) == 1;
  mt::AllocationTotals totals;
  if (last && hooks.count) totals = mt::stop_counting();
  real(state);
  if (last) close_window(totals);
}

bool wants_sites() { return hooks.windows && hooks.count && hooks.sites_path[0]; }

}  // namespace

// frame_cfa(1): the caller of the interposed function, the benchmark's.
void membench_gbench_start(void* state) {
  if (hooks.opt_in.load(std::memory_order_relaxed)) return hooks.start(state);
  loop_start(state, hooks.start.get(), wants_sites() ? mt::sites::frame_cfa(1) : 0);
}

void membench_gbench_finish(void* state) {
  if (hooks.opt_in.load(std::memory_order_relaxed)) return hooks.finish(state);
  loop_finish(state, hooks.finish.get());
}

// frame_cfa(2): out through the executable's wrapper to the benchmark.
void membench_gbench_loop_start(void* state, StateFn real) {
  note_opt_in();
  loop_start(state, real, wants_sites() ? mt::sites::frame_cfa(2) : 0);
}

void membench_gbench_loop_finish(void* state, StateFn real) {
  note_opt_in();
  loop_finish(state, real);
}

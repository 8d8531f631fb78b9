#include "runner/injected_regression.h"

#include <sys/mman.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <new>

#include <benchmark/benchmark.h>

#ifndef MEMBENCH_INJECT_TIME_PERCENT
#define MEMBENCH_INJECT_TIME_PERCENT 0
#endif
#ifndef MEMBENCH_INJECT_ALLOCATIONS
#define MEMBENCH_INJECT_ALLOCATIONS 0
#endif
#ifndef MEMBENCH_INJECT_RSS_KIB
#define MEMBENCH_INJECT_RSS_KIB 0
#endif
#ifndef MEMBENCH_INJECT_LOOPS_PER_KIB
#define MEMBENCH_INJECT_LOOPS_PER_KIB 0
#endif

namespace membench::runner {
namespace {

std::chrono::nanoseconds process_cpu_time() {
  timespec ts{};
  ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
}

// Spins (no sleep: a sleeping thread would not look like slower code) until
// the process has used the given share of the CPU time the strategy took:
// a CPU-bound change of that size however busy the machine is, as the time
// gate's accuracy is measured with (docs/time-gate.md).
void spin_for_share_of(std::chrono::nanoseconds cpu_took, int percent) {
  const auto until = process_cpu_time() + cpu_took * percent / 100;
  while (process_cpu_time() < until) benchmark::ClobberMemory();
}

// Resident pages outside malloc, so that only RSS moves, not the
// allocation figures. They are touched before the strategy runs and held
// until it returns: pages touched after it might fit under its peak, which
// would then not move.
class ResidentPages {
 public:
  explicit ResidentPages(std::size_t bytes) : bytes_(bytes) {
    if (bytes_ == 0) return;
    p_ = ::mmap(nullptr, bytes_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p_ == MAP_FAILED) throw std::bad_alloc();
    for (std::size_t i = 0; i < bytes_; i += 4096) static_cast<volatile char*>(p_)[i] = 1;
  }
  ~ResidentPages() {
    if (bytes_ != 0) ::munmap(p_, bytes_);
  }
  ResidentPages(const ResidentPages&) = delete;
  ResidentPages& operator=(const ResidentPages&) = delete;

 private:
  std::size_t bytes_;
  void* p_ = nullptr;
};

// A fixed number of loop turns per KiB of input: more instructions, the same
// on every run (what Valgrind counts), unlike a spin that lasts a time.
void extra_instructions(std::uint64_t input_bytes, int loops_per_kib) {
  const std::uint64_t turns = (input_bytes + 1023) / 1024 * static_cast<std::uint64_t>(loops_per_kib);
  for (std::uint64_t i = 0; i < turns; ++i) benchmark::ClobberMemory();
}

// MEMBENCH_INJECT_RSS_PER_INPUT_BYTE=F (the one injection read at run time,
// so that a test can make any strategy's memory grow with its input without
// a second build): F resident bytes per input byte, held like the compile-time
// RSS injection. Read once; 0 when unset or not a number.
double rss_per_input_byte() {
  static const double factor = [] {
    const char* text = std::getenv("MEMBENCH_INJECT_RSS_PER_INPUT_BYTE");
    if (!text || !*text) return 0.0;
    char* end = nullptr;
    const double f = std::strtod(text, &end);
    return *end == '\0' && f > 0 && f <= 64 ? f : 0.0;
  }();
  return factor;
}

std::uint64_t run_with_built_in_injections(const Strategy& strategy, const Input& input, const Params& params,
                                           OutputSink& sink);

}  // namespace

std::uint64_t run_strategy(const Strategy& strategy, const Input& input, const Params& params, OutputSink& sink) {
  if (const double factor = rss_per_input_byte(); factor > 0) {
    const ResidentPages held(static_cast<std::size_t>(factor * static_cast<double>(input.size)));
    return run_with_built_in_injections(strategy, input, params, sink);
  }
  return run_with_built_in_injections(strategy, input, params, sink);
}

namespace {

std::uint64_t run_with_built_in_injections(const Strategy& strategy, const Input& input, const Params& params,
                                           OutputSink& sink) {
  if constexpr (MEMBENCH_INJECT_TIME_PERCENT == 0 && MEMBENCH_INJECT_ALLOCATIONS == 0 &&
                MEMBENCH_INJECT_RSS_KIB == 0 && MEMBENCH_INJECT_LOOPS_PER_KIB == 0) {
    return strategy.run(input, params, sink);
  } else {
    const ResidentPages held(std::size_t{MEMBENCH_INJECT_RSS_KIB} * 1024);
    const auto start = process_cpu_time();
    std::uint64_t items = strategy.run(input, params, sink);
    if constexpr (MEMBENCH_INJECT_TIME_PERCENT > 0)
      spin_for_share_of(process_cpu_time() - start, MEMBENCH_INJECT_TIME_PERCENT);
    for (int i = 0; i < MEMBENCH_INJECT_ALLOCATIONS; ++i) {
      void* extra = std::malloc(64);
      benchmark::DoNotOptimize(extra);
      std::free(extra);
    }
    if constexpr (MEMBENCH_INJECT_LOOPS_PER_KIB > 0) extra_instructions(input.size, MEMBENCH_INJECT_LOOPS_PER_KIB);
    return items;
  }
}

}  // namespace

std::string injected_regression() {
  std::string what;
  auto add = [&](const std::string& part) { what += (what.empty() ? "" : ", ") + part; };
  if (MEMBENCH_INJECT_TIME_PERCENT > 0) add("time +" + std::to_string(MEMBENCH_INJECT_TIME_PERCENT) + "%");
  if (MEMBENCH_INJECT_ALLOCATIONS > 0) add("allocations +" + std::to_string(MEMBENCH_INJECT_ALLOCATIONS) + " per run");
  if (MEMBENCH_INJECT_RSS_KIB > 0) add("peak RSS +" + std::to_string(MEMBENCH_INJECT_RSS_KIB) + " KiB");
  if (MEMBENCH_INJECT_LOOPS_PER_KIB > 0)
    add("instructions +" + std::to_string(MEMBENCH_INJECT_LOOPS_PER_KIB) + " loop turns per KiB of input");
  if (const double factor = rss_per_input_byte(); factor > 0) {
    char text[96];
    std::snprintf(text, sizeof text, "peak RSS +%g bytes per input byte (MEMBENCH_INJECT_RSS_PER_INPUT_BYTE)", factor);
    add(text);
  }
  return what;
}

}  // namespace membench::runner

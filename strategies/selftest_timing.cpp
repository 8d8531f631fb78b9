// Workload "selftest", continued: a strategy whose first run in a process is
// slow, as a fresh heap or cold cache makes a real one, so the tests can prove
// the warm-up of each timed process is run and thrown away.
#include <time.h>

#include <chrono>
#include <cstdint>

#include "core/strategy.h"

namespace membench::selftest {
namespace {

void benchmark_keep_value(std::uint64_t v) { asm volatile("" : : "g"(v) : "memory"); }

// The first call in a process burns first_ms of its own CPU time; later
// calls return at once. CPU time, not sleep: the tests compare cpu_ns, which
// a busy machine's scheduling delays do not reach (a sleep shows only in
// real_ns, which does).
std::uint64_t slow_first(const Input&, const Params& p, OutputSink&) {
  static bool first = true;
  if (first) {
    first = false;
    auto cpu_now = [] {
      timespec ts{};
      ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
      return std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
    };
    auto until = cpu_now() + std::chrono::milliseconds(p.get("first_ms", 300));
    std::uint64_t spins = 0;
    while (cpu_now() < until) benchmark_keep_value(++spins);
  }
  return 0;
}

}  // namespace

MEMBENCH_STRATEGY("selftest", "slow_first", "burns first_ms of CPU time on its first run in a process", slow_first,
                  {"first_ms", 300});

}  // namespace membench::selftest

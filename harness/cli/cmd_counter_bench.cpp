// membench __counter-bench: the cost of allocation counting on an
// allocation-heavy loop (small new/delete pairs), counting off vs on,
// alternated in one process so both see the same machine state.
#include <chrono>
#include <cstdio>
#include <vector>

#include "analyze/statistics.h"
#include "cli/command.h"
#include "track/alloc_counter.h"

namespace membench::cli {
namespace {

double loop_seconds(std::int64_t iterations) {
  auto t0 = std::chrono::steady_clock::now();
  for (std::int64_t i = 0; i < iterations; ++i) {
    auto* p = new std::uint64_t[2];
    asm volatile("" : : "g"(p) : "memory");  // keep the pair from being elided
    delete[] p;
  }
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

int counter_bench_main(const std::vector<std::string>& args) {
  ArgParser p("__counter-bench", "[--iterations N] [--rounds R] [--mode both|off|on]");
  p.option("iterations", "new/delete pairs per round (default 10000000)")
      .option("rounds", "rounds per mode, alternated (default 5)")
      .option("mode", "both (default), off or on (one mode, e.g. under heaptrack)");
  p.parse(args);
  if (p.help_requested()) {
    std::printf("%s", p.help_text().c_str());
    return 0;
  }
  std::int64_t iterations = p.integer("iterations", 1, 1'000'000'000).value_or(10'000'000);
  int rounds = static_cast<int>(p.integer("rounds", 1, 100).value_or(5));
  std::string mode = p.value("mode").value_or("both");
  if (mode != "both" && mode != "off" && mode != "on") throw UsageError("__counter-bench: --mode must be both, off or on");
  std::vector<double> off, on;
  off.reserve(static_cast<std::size_t>(rounds));  // nothing may allocate inside the window but the loop
  on.reserve(static_cast<std::size_t>(rounds));
  std::uint64_t counted = 0;
  loop_seconds(iterations / 10);  // warm up the allocator's caches
  for (int r = 0; r < rounds; ++r) {
    if (mode != "on") off.push_back(loop_seconds(iterations));
    if (mode != "off") {
      if (!track::start_counting()) throw UsageError("__counter-bench: the counter is not available in this build");
      double seconds = loop_seconds(iterations);
      counted = track::stop_counting().count;
      on.push_back(seconds);
    }
  }
  double m_off = stats::median(off), m_on = stats::median(on);
  std::printf("iterations %lld\n", static_cast<long long>(iterations));
  if (!off.empty()) std::printf("off_seconds %.4f\n", m_off);
  if (!on.empty()) std::printf("on_seconds %.4f\ncounted %llu\n", m_on, static_cast<unsigned long long>(counted));
  if (!off.empty() && !on.empty()) std::printf("ratio %.3f\n", m_on / m_off);
  return 0;
}

}  // namespace

MEMBENCH_COMMAND(counter_bench, "__counter-bench", "internal: allocation counter overhead", counter_bench_main, true);

}  // namespace membench::cli

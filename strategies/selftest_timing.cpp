// Workload "selftest", continued: a strategy whose first run in a process is
// slow, as a fresh heap or cold cache makes a real one, so the tests can prove
// the warm-up of each timed process is run and thrown away.
#include <chrono>
#include <thread>

#include "core/strategy.h"

namespace membench::selftest {
namespace {

// The first call in a process sleeps first_ms; later calls return at once.
std::uint64_t slow_first(const Input&, const Params& p, OutputSink&) {
  static bool first = true;
  if (first) {
    first = false;
    std::this_thread::sleep_for(std::chrono::milliseconds(p.get("first_ms", 300)));
  }
  return 0;
}

}  // namespace

MEMBENCH_STRATEGY("selftest", "slow_first", "sleeps first_ms on its first run in a process", slow_first,
                  {"first_ms", 300});

}  // namespace membench::selftest

// Workload "selftest", continued: a strategy whose declared memory class is
// wrong on purpose (it claims O(1) and holds a copy of its input), so the
// tests can prove `run --scale` fails a case whose fit contradicts it.
#include <cstring>
#include <memory>

#include "core/strategy.h"

namespace membench::selftest {
namespace {

void keep(const void* p) { asm volatile("" : : "g"(p) : "memory"); }

std::uint64_t copies_its_input(const Input& input, const Params&, OutputSink&) {
  auto copy = std::make_unique_for_overwrite<char[]>(input.size);
  std::memset(copy.get(), 1, input.size);  // resident, not just reserved
  keep(copy.get());
  return 0;
}

}  // namespace

MEMBENCH_STRATEGY_WITH_CLASS("selftest", "claims_constant", "declares O(1) peak RSS but copies its input",
                             MemoryClass::constant, copies_its_input);

}  // namespace membench::selftest

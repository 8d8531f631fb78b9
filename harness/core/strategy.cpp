#include "core/strategy.h"

namespace membench {

// Function-local and constinit: each registry exists before any file's
// entries register into it, whatever order the files initialise in.
WorkloadRegistry& workload_registry() {
  static constinit WorkloadRegistry registry;
  return registry;
}

StrategyRegistry& strategy_registry() {
  static constinit StrategyRegistry registry;
  return registry;
}

StrategyBudgetRegistry& strategy_budget_registry() {
  static constinit StrategyBudgetRegistry registry;
  return registry;
}

const Workload* find_workload(std::string_view name) { return workload_registry().find(name); }

const Strategy* find_strategy(std::string_view workload, std::string_view name) {
  return strategy_registry().find_if(
      [&](const Strategy& s) { return workload == s.workload && name == s.name; });
}

void OutputSink::write_u64(std::uint64_t v) {
  unsigned char bytes[8];
  for (int i = 0; i < 8; ++i) bytes[i] = static_cast<unsigned char>(v >> (8 * i));
  write(bytes, sizeof bytes);
}

}  // namespace membench

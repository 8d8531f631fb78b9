#include "core/strategy.h"

#include <cstring>

namespace membench {
namespace {
// Function-local statics of trivial type: constant-initialised, so the order
// in which translation units register does not matter.
const Workload*& workload_head() {
  static const Workload* head = nullptr;
  return head;
}
const Strategy*& strategy_head() {
  static const Strategy* head = nullptr;
  return head;
}
}  // namespace

namespace detail {
WorkloadRegistration::WorkloadRegistration(Workload& w) {
  w.next = workload_head();
  workload_head() = &w;
}
StrategyRegistration::StrategyRegistration(Strategy& s) {
  s.next = strategy_head();
  strategy_head() = &s;
}
}  // namespace detail

const Workload* first_workload() { return workload_head(); }
const Strategy* first_strategy() { return strategy_head(); }

const Workload* find_workload(std::string_view name) {
  for (const Workload* w = first_workload(); w; w = w->next)
    if (name == w->name) return w;
  return nullptr;
}

const Strategy* find_strategy(std::string_view workload, std::string_view name) {
  for (const Strategy* s = first_strategy(); s; s = s->next)
    if (workload == s->workload && name == s->name) return s;
  return nullptr;
}

void OutputSink::write_u64(std::uint64_t v) {
  unsigned char bytes[8];
  for (int i = 0; i < 8; ++i) bytes[i] = static_cast<unsigned char>(v >> (8 * i));
  write(bytes, sizeof bytes);
}

}  // namespace membench

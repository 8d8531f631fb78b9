// The strategy/workload registry: what a strategy module sees of membench.
//
// A strategy file defines one run function and registers it with
// MEMBENCH_STRATEGY; a workload file registers the task with MEMBENCH_WORKLOAD.
// Both land in a Registry (core/registry.h), which never allocates.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string_view>

#include "core/registry.h"

namespace membench {

// How a workload's input reaches a strategy.
enum class InputKind {
  path,   // the strategy does its own I/O (reading is what it measures)
  bytes,  // the runner loads the file during set-up, before the baseline
};

struct Input {
  const char* path = "";
  std::uint64_t size = 0;
  std::span<const std::byte> bytes;  // empty unless the workload asks for bytes

  std::string_view text() const {
    return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
  }
};

struct Param {
  const char* name = nullptr;
  std::int64_t value = 0;
};

// A small fixed set of integer parameters (no allocation).
class Params {
 public:
  static constexpr std::size_t capacity = 4;
  constexpr Params() = default;
  constexpr Params(std::initializer_list<Param> list) {
    for (const Param& p : list)
      if (count_ < capacity) items_[count_++] = p;
  }
  std::int64_t get(std::string_view name, std::int64_t fallback) const {
    for (std::size_t i = 0; i < count_; ++i)
      if (name == items_[i].name) return items_[i].value;
    return fallback;
  }
  bool set(std::string_view name, std::int64_t value) {
    for (std::size_t i = 0; i < count_; ++i)
      if (name == items_[i].name) { items_[i].value = value; return true; }
    return false;
  }
  std::span<const Param> items() const { return {items_, count_}; }

 private:
  Param items_[capacity]{};
  std::size_t count_ = 0;
};

// Receives a strategy's canonical output. In the memory run it is hashed
// (output_digest); in timed runs it is only kept alive from the optimizer.
class OutputSink {
 public:
  virtual void write(const void* data, std::size_t size) = 0;
  void write(std::string_view s) { write(s.data(), s.size()); }
  void write_u64(std::uint64_t v);  // little-endian, 8 bytes
  // A figure the strategy measured about itself (e.g. a stack high-water
  // mark); it lands under the case's "extra" in the report. Ignored in timed runs.
  virtual void note(const char* name, std::uint64_t value) {
    (void)name;
    (void)value;
  }

 protected:
  ~OutputSink() = default;
};

// Returns the number of items processed (words, rows, ...), 0 where the
// workload has no items.
using RunFunction = std::uint64_t (*)(const Input&, const Params&, OutputSink&);

// A task with one canonical output, registered with MEMBENCH_WORKLOAD and
// named fields:
//
//   MEMBENCH_WORKLOAD(.name = "hash", .description = "SHA-256 of a file",
//                     .input = membench::InputKind::path, .dataset_kind = "text",
//                     .reference_strategy = "stream");
//
// name, description, dataset_kind and reference_strategy are required (the
// macro refuses to compile without them); the others have defaults.
struct Workload {
  const char* name = "";
  const char* description = "";
  InputKind input = InputKind::path;
  const char* dataset_kind = "";        // which generated datasets it runs on by default
  const char* reference_strategy = "";  // whose digest the others must match
  const char* item_unit = "";           // "words", "rows", or "" (no items)
  bool hidden = false;                  // test-only: runs only when a --filter names it
};

// How a strategy's peak RSS grows with its input, as its author claims it
// (run --scale fails the case when the fit says otherwise).
enum class MemoryClass { undeclared, constant, linear };
constexpr const char* to_string(MemoryClass c) {
  return c == MemoryClass::constant ? "O(1)" : c == MemoryClass::linear ? "O(n)" : "";
}

struct Strategy {
  const char* workload;
  const char* name;
  const char* description;
  Params params;
  RunFunction run;
  MemoryClass memory_class = MemoryClass::undeclared;
};

// A limit a strategy's author promises on one of its figures, declared beside
// its registration with MEMBENCH_STRATEGY_BUDGET; `run --budgets` fails a case
// of that strategy over it (docs/budgets.md). Plain data: the metric is named
// as the report names it.
struct StrategyBudget {
  const char* workload;
  const char* strategy;
  const char* metric;  // e.g. "memory.peak_rss_delta_bytes"
  double at_most;      // in the metric's unit (bytes, a count, a ratio)
};

// Strategies sorted by workload, then name: listings and plans do not depend
// on link order.
struct StrategyOrder {
  static bool before(const Strategy& a, const Strategy& b) {
    std::string_view wa(a.workload), wb(b.workload);
    return wa != wb ? wa < wb : std::string_view(a.name) < std::string_view(b.name);
  }
};

using WorkloadRegistry = Registry<Workload, ByName>;
using StrategyRegistry = Registry<Strategy, StrategyOrder>;
using StrategyBudgetRegistry = Registry<StrategyBudget>;

// Everything registered, sorted (see the orders above).
WorkloadRegistry& workload_registry();
StrategyRegistry& strategy_registry();
StrategyBudgetRegistry& strategy_budget_registry();
const Workload* find_workload(std::string_view name);
const Strategy* find_strategy(std::string_view workload, std::string_view name);

namespace detail {
constexpr bool complete(const Workload& w) {
  return *w.name && *w.description && *w.dataset_kind && *w.reference_strategy;
}
}  // namespace detail

}  // namespace membench

// MEMBENCH_WORKLOAD(.name = ..., .description = ..., .input = ..., .dataset_kind = ...,
//                   .reference_strategy = ..., .item_unit = ..., .hidden = ...)
// Fields in that order (C++ designated initializers keep declaration order).
#define MEMBENCH_WORKLOAD(...)                                                                     \
  static constexpr ::membench::Workload MEMBENCH_CONCAT(membench_workload_, __LINE__){__VA_ARGS__}; \
  static_assert(::membench::detail::complete(MEMBENCH_CONCAT(membench_workload_, __LINE__)),       \
                "MEMBENCH_WORKLOAD needs .name, .description, .dataset_kind and .reference_strategy"); \
  static ::membench::WorkloadRegistry::Entry MEMBENCH_CONCAT(membench_workload_entry_, __LINE__){    \
      ::membench::workload_registry(), MEMBENCH_CONCAT(membench_workload_, __LINE__)}

// MEMBENCH_STRATEGY_WITH_CLASS(workload, name, description, memory_class, run_function, {"param", value}, ...)
// declares how peak RSS grows with the input (membench::MemoryClass::constant
// or ::linear); `run --scale` checks it.
#define MEMBENCH_STRATEGY_WITH_CLASS(workload, name, description, memory_class, run, ...)         \
  static const ::membench::Strategy MEMBENCH_CONCAT(membench_strategy_, __LINE__){                \
      workload, name, description, ::membench::Params{__VA_ARGS__}, run, memory_class};           \
  static ::membench::StrategyRegistry::Entry MEMBENCH_CONCAT(membench_strategy_entry_, __LINE__){ \
      ::membench::strategy_registry(), MEMBENCH_CONCAT(membench_strategy_, __LINE__)}

// MEMBENCH_STRATEGY(workload, name, description, run_function, {"param", value}, ...)
#define MEMBENCH_STRATEGY(workload, name, description, run, ...)                                  \
  static const ::membench::Strategy MEMBENCH_CONCAT(membench_strategy_, __LINE__){                \
      workload, name, description, ::membench::Params{__VA_ARGS__}, run};                         \
  static ::membench::StrategyRegistry::Entry MEMBENCH_CONCAT(membench_strategy_entry_, __LINE__){ \
      ::membench::strategy_registry(), MEMBENCH_CONCAT(membench_strategy_, __LINE__)}

// MEMBENCH_STRATEGY_BUDGET(workload, name, metric, at_most): beside a strategy's
// registration, the limit its author promises on one figure (docs/budgets.md).
#define MEMBENCH_STRATEGY_BUDGET(workload, name, metric, at_most)                                        \
  static const ::membench::StrategyBudget MEMBENCH_CONCAT(membench_budget_, __LINE__){workload, name, metric, \
                                                                                  at_most};               \
  static ::membench::StrategyBudgetRegistry::Entry MEMBENCH_CONCAT(membench_budget_entry_, __LINE__){       \
      ::membench::strategy_budget_registry(), MEMBENCH_CONCAT(membench_budget_, __LINE__)}

// The strategy/workload registry: what a strategy module sees of membench.
//
// A strategy file defines one run function and registers it with
// MEMBENCH_STRATEGY; a workload file registers the task with MEMBENCH_WORKLOAD.
// Registration links static objects into intrusive lists and never allocates,
// so a measured process starts with nothing on the heap that a strategy did not
// put there.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

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

struct Workload {
  const char* name;
  const char* description;
  InputKind input;
  const char* dataset_kind;        // which generated datasets it runs on by default
  const char* reference_strategy;  // whose digest the others must match
  const char* item_unit;           // "words", "rows", or "" (no items)
  bool hidden;                     // test-only workloads stay out of the default suite
  const Workload* next = nullptr;
};

struct Strategy {
  const char* workload;
  const char* name;
  const char* description;
  Params params;
  RunFunction run;
  const Strategy* next = nullptr;
};

// Iteration over everything registered (registration order is link order;
// callers sort where order matters).
const Workload* first_workload();
const Strategy* first_strategy();
const Workload* find_workload(std::string_view name);
const Strategy* find_strategy(std::string_view workload, std::string_view name);

namespace detail {
struct WorkloadRegistration {
  explicit WorkloadRegistration(Workload& w);
};
struct StrategyRegistration {
  explicit StrategyRegistration(Strategy& s);
};
}  // namespace detail

}  // namespace membench

#define MEMBENCH_CONCAT_INNER(a, b) a##b
#define MEMBENCH_CONCAT(a, b) MEMBENCH_CONCAT_INNER(a, b)

// MEMBENCH_WORKLOAD(name, description, input_kind, dataset_kind, reference, item_unit)
#define MEMBENCH_WORKLOAD(...)                                                   \
  static ::membench::Workload MEMBENCH_CONCAT(membench_workload_, __LINE__){    \
      __VA_ARGS__, false};                                                       \
  static const ::membench::detail::WorkloadRegistration MEMBENCH_CONCAT(        \
      membench_workload_reg_, __LINE__){MEMBENCH_CONCAT(membench_workload_, __LINE__)}

// A workload that only tests use: never in the default suite, never listed
// unless asked for by name.
#define MEMBENCH_HIDDEN_WORKLOAD(...)                                            \
  static ::membench::Workload MEMBENCH_CONCAT(membench_workload_, __LINE__){    \
      __VA_ARGS__, true};                                                        \
  static const ::membench::detail::WorkloadRegistration MEMBENCH_CONCAT(        \
      membench_workload_reg_, __LINE__){MEMBENCH_CONCAT(membench_workload_, __LINE__)}

// MEMBENCH_STRATEGY(workload, name, description, run_function, {{"param", value}, ...})
#define MEMBENCH_STRATEGY(workload, name, description, run, ...)                 \
  static ::membench::Strategy MEMBENCH_CONCAT(membench_strategy_, __LINE__){    \
      workload, name, description, ::membench::Params{__VA_ARGS__}, run};        \
  static const ::membench::detail::StrategyRegistration MEMBENCH_CONCAT(        \
      membench_strategy_reg_, __LINE__){MEMBENCH_CONCAT(membench_strategy_, __LINE__)}

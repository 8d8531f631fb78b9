// Workload "selftest": strategies that misbehave on purpose, so the tests can
// prove that one bad case costs only itself. Hidden: it runs only when a
// --filter names it, never in the default suite.
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <thread>
#include <vector>

#include "core/strategy.h"
#include "runner/protocol.h"

namespace membench::selftest {
namespace {

// The selftest strategies write no output (so their digests agree); this
// keeps their memory writes from being optimised away.
void benchmark_keep(const void* p) { asm volatile("" : : "g"(p) : "memory"); }

// Touches `mib` MiB of fresh heap (one block, so glibc maps it): the RSS
// tests expect exactly that much more resident memory.
std::uint64_t touch(const Input&, const Params& p, OutputSink&) {
  auto bytes = static_cast<std::size_t>(p.get("mib", 64)) << 20;
  auto block = std::make_unique_for_overwrite<char[]>(bytes);
  for (std::size_t i = 0; i < bytes; i += 4096) block[i] = static_cast<char>(i >> 12);
  benchmark_keep(block.get());
  // Holding the peak lets the outside sampler see it (the anon/file split).
  if (auto hold = p.get("hold_ms", 0)) std::this_thread::sleep_for(std::chrono::milliseconds(hold));
  return 0;
}

std::uint64_t segfault(const Input&, const Params&, OutputSink&) {
  volatile int* nowhere = nullptr;
  *nowhere = 1;
  return 0;
}

std::uint64_t abort_now(const Input&, const Params&, OutputSink&) { std::abort(); }

std::uint64_t throw_error(const Input&, const Params&, OutputSink&) {
  throw std::runtime_error("selftest: thrown on purpose");
}

std::uint64_t hang(const Input&, const Params&, OutputSink&) {
  for (;;) std::this_thread::sleep_for(std::chrono::seconds(1));
}

// Allocates 16 MiB blocks (touched) until the allocator says no.
std::uint64_t allocate_forever(const Input&, const Params&, OutputSink&) {
  std::vector<std::unique_ptr<char[]>> blocks;
  for (;;) {
    blocks.push_back(std::make_unique_for_overwrite<char[]>(16 << 20));
    std::memset(blocks.back().get(), 1, 16 << 20);
  }
}

std::uint64_t garbage(const Input&, const Params&, OutputSink&) {
  static const char junk[] = "\x01\xff not a result line\n";
  if (::write(runner::kResultFd, junk, sizeof junk - 1) < 0) std::abort();
  return 0;
}

std::uint64_t exit_silently(const Input&, const Params&, OutputSink&) { ::_exit(0); }

// The first call in a process leaks exactly `bytes` bytes in one allocation
// (the count run's single call sees it); later calls allocate, touch and free
// the same block. A leak per call would make the time run's memory grow with
// its number of calls, which depends on the machine's speed: under a
// --memory-limit that ends in `oom` on a fast machine and `ok` on a slow one.
std::uint64_t leak(const Input&, const Params& p, OutputSink&) {
  static bool leaked_already = false;
  auto bytes = static_cast<std::size_t>(p.get("bytes", 1 << 20));
  char* block = static_cast<char*>(std::malloc(bytes));
  if (!block) throw std::bad_alloc();
  std::memset(block, 7, bytes);
  benchmark_keep(block);
  if (leaked_already) std::free(block);
  leaked_already = true;
  return 0;
}

}  // namespace

MEMBENCH_WORKLOAD(.name = "selftest", .description = "test-only strategies that misbehave on purpose",
                  .input = InputKind::path, .dataset_kind = "text", .reference_strategy = "touch", .hidden = true);
MEMBENCH_STRATEGY("selftest", "touch", "touches mib MiB of heap", touch, {"mib", 64}, {"hold_ms", 0});
// Held long enough that the outside sampler sees the peak even when a busy
// machine delays it by tens of milliseconds.
MEMBENCH_STRATEGY("selftest", "touch-hold", "touches mib MiB of heap and holds it hold_ms", touch, {"mib", 64},
                  {"hold_ms", 500});
MEMBENCH_STRATEGY("selftest", "segfault", "dereferences a null pointer", segfault);
MEMBENCH_STRATEGY("selftest", "abort", "calls abort()", abort_now);
MEMBENCH_STRATEGY("selftest", "throw", "throws std::runtime_error", throw_error);
MEMBENCH_STRATEGY("selftest", "hang", "sleeps forever", hang);
MEMBENCH_STRATEGY("selftest", "allocate_forever", "allocates until refused", allocate_forever);
MEMBENCH_STRATEGY("selftest", "garbage", "writes garbage to the result channel", garbage);
MEMBENCH_STRATEGY("selftest", "exit_silently", "exits 0 without reporting", exit_silently);
MEMBENCH_STRATEGY("selftest", "leak", "leaks bytes in one allocation, once per process", leak, {"bytes", 1 << 20});

}  // namespace membench::selftest

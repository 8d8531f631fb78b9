// Benchmarks whose window figures are known in advance, for the tests of
// the Google Benchmark window (tests/integration/gbench_window_test.cpp).
// Fixed iteration counts: each runs one batch, one window.
#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

namespace {

constexpr std::size_t kTouched = std::size_t{64} << 20;

// Each page written, so each is resident.
void touch(char* p, std::size_t n) {
  for (std::size_t i = 0; i < n; i += 4096) p[i] = static_cast<char>(i);
  benchmark::DoNotOptimize(p);
}

// 64 MiB made resident inside the loop, and given back in it.
void BM_touch_64MiB_in_loop(benchmark::State& state) {
  for (auto _ : state) {
    auto block = std::make_unique_for_overwrite<char[]>(kTouched);
    touch(block.get(), kTouched);
  }
}
BENCHMARK(BM_touch_64MiB_in_loop)->Iterations(2);

// 64 MiB made resident and 1,000 blocks allocated before the loop (some of
// them freed inside it); the loop allocates one 32-byte block per iteration.
void BM_touch_64MiB_before_loop(benchmark::State& state) {
  auto block = std::make_unique_for_overwrite<char[]>(kTouched);
  touch(block.get(), kTouched);
  std::vector<std::unique_ptr<int>> before;
  for (int i = 0; i < 1000; ++i) before.push_back(std::make_unique<int>(i));
  for (auto _ : state) {
    auto small = std::make_unique<char[]>(32);
    benchmark::DoNotOptimize(small.get());
    if (!before.empty()) before.pop_back();
  }
}
BENCHMARK(BM_touch_64MiB_before_loop)->Iterations(100);

// The loop through KeepRunningBatch: its overshoot counts as iterations.
void BM_keep_running_batch(benchmark::State& state) {
  while (state.KeepRunningBatch(8)) {
    for (int i = 0; i < 8; ++i) {
      auto small = std::make_unique<int>(i);
      benchmark::DoNotOptimize(small.get());
    }
  }
}
BENCHMARK(BM_keep_running_batch)->Iterations(20);

// Two threads in one loop: one window, both threads' iterations.
void BM_two_threads(benchmark::State& state) {
  for (auto _ : state) {
    auto small = std::make_unique<int>(1);
    benchmark::DoNotOptimize(small.get());
  }
}
BENCHMARK(BM_two_threads)->Iterations(50)->Threads(2);

// An empty loop: the calibration run of the heaptrack cross-check.
void BM_empty(benchmark::State& state) {
  for (auto _ : state) benchmark::ClobberMemory();
}
BENCHMARK(BM_empty)->Iterations(1);

}  // namespace

BENCHMARK_MAIN();

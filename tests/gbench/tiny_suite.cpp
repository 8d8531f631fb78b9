// A small Google Benchmark suite for the run --gbench tests (docs/gbench.md):
// names with '/' and arguments, a benchmark that allocates a known number of
// blocks per iteration, and one that reports an error. Built twice: with
// TINY_SUITE_MORE, BM_blocks allocates one block more per iteration (the
// regression `ab --gbench` must name).
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <memory>
#include <vector>

namespace {

#ifdef TINY_SUITE_MORE
constexpr int kExtraBlocks = 1;
#else
constexpr int kExtraBlocks = 0;
#endif

// state.range(0) blocks of 64 bytes per iteration, each freed before the
// next; the bytes allocated are its rate (SetBytesProcessed, after the loop).
void BM_blocks(benchmark::State& state) {
  const int blocks = static_cast<int>(state.range(0)) + kExtraBlocks;
  for (auto _ : state) {
    for (int i = 0; i < blocks; ++i) {
      void* p = std::malloc(64);
      benchmark::DoNotOptimize(p);
      std::free(p);
    }
  }
  state.SetBytesProcessed(state.iterations() * blocks * 64);
}
BENCHMARK(BM_blocks)->Arg(1)->Arg(4);

void BM_nothing(benchmark::State& state) {
  int x = 0;
  for (auto _ : state) benchmark::DoNotOptimize(x += 1);
}
BENCHMARK(BM_nothing);

void BM_fails(benchmark::State& state) {
  for (auto _ : state) state.SkipWithError("broken on purpose");
}
BENCHMARK(BM_fails);

}  // namespace

BENCHMARK_MAIN();

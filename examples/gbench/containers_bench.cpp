// Allocation behaviour of everyday containers, as a Google Benchmark suite.
// Each pair differs in how it allocates; the times alone hide most of it.
#include <benchmark/benchmark.h>

#include <boost/container/flat_map.hpp>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <unordered_map>
#include <vector>

namespace {

// 1,000 push_backs into a fresh vector: libstdc++ doubles its capacity from
// 1, so 11 blocks (1, 2, 4, ..., 1024 elements) per iteration.
void BM_vector_push_back(benchmark::State& state) {
  const auto n = static_cast<int>(state.range(0));
  for (auto _ : state) {
    std::vector<int> v;
    for (int i = 0; i < n; ++i) v.push_back(i);
    benchmark::DoNotOptimize(v.data());
  }
}
BENCHMARK(BM_vector_push_back)->Arg(1000);

// The same with the capacity reserved: 1 block per iteration.
void BM_vector_reserve(benchmark::State& state) {
  const auto n = static_cast<int>(state.range(0));
  for (auto _ : state) {
    std::vector<int> v;
    v.reserve(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) v.push_back(i);
    benchmark::DoNotOptimize(v.data());
  }
}
BENCHMARK(BM_vector_reserve)->Arg(1000);

// Keys in a fixed scrambled order, so that no map sees them sorted.
std::vector<std::uint32_t> scrambled_keys(std::size_t n) {
  std::vector<std::uint32_t> keys(n);
  std::uint32_t x = 2463534242u;
  for (auto& k : keys) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    k = x;
  }
  return keys;
}

template <typename Map>
void insert_all(benchmark::State& state) {
  const std::vector<std::uint32_t> keys = scrambled_keys(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) {
    Map m;
    for (std::uint32_t k : keys) m.emplace(k, k);
    benchmark::DoNotOptimize(m.size());
  }
}

// One node per element.
void BM_map_insert(benchmark::State& state) { insert_all<std::map<std::uint32_t, std::uint32_t>>(state); }
BENCHMARK(BM_map_insert)->Arg(1000);
// One node per element plus the bucket arrays of each rehash.
void BM_unordered_map_insert(benchmark::State& state) {
  insert_all<std::unordered_map<std::uint32_t, std::uint32_t>>(state);
}
BENCHMARK(BM_unordered_map_insert)->Arg(1000);
// One sorted array, regrown like a vector.
void BM_flat_map_insert(benchmark::State& state) {
  insert_all<boost::container::flat_map<std::uint32_t, std::uint32_t>>(state);
}
BENCHMARK(BM_flat_map_insert)->Arg(1000);

// A JSON document of `records` objects, made before the loop.
std::string json_document(std::size_t records) {
  std::string doc = "[";
  for (std::size_t i = 0; i < records; ++i) {
    if (i) doc += ',';
    doc += R"({"id":)" + std::to_string(i) + R"(,"name":"item-)" + std::to_string(i * 7919 % 10007) +
           R"(","tags":["a","bb","ccc"],"price":)" + std::to_string(i % 100) + ".25}";
  }
  return doc + "]";
}

void BM_json_parse(benchmark::State& state) {
  const std::string doc = json_document(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) {
    nlohmann::json parsed = nlohmann::json::parse(doc);
    benchmark::DoNotOptimize(parsed.size());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(doc.size()));
}
BENCHMARK(BM_json_parse)->Arg(100);

// A 64-byte piece appended 100 times: the string regrows as it goes.
void BM_string_concat(benchmark::State& state) {
  const std::string piece(64, 'x');
  for (auto _ : state) {
    std::string s;
    for (int i = 0; i < state.range(0); ++i) s += piece;
    benchmark::DoNotOptimize(s.data());
  }
}
BENCHMARK(BM_string_concat)->Arg(100);

// The same with the length reserved: one block.
void BM_string_reserved(benchmark::State& state) {
  const std::string piece(64, 'x');
  for (auto _ : state) {
    std::string s;
    s.reserve(piece.size() * static_cast<std::size_t>(state.range(0)));
    for (int i = 0; i < state.range(0); ++i) s += piece;
    benchmark::DoNotOptimize(s.data());
  }
}
BENCHMARK(BM_string_reserved)->Arg(100);

}  // namespace

// Datasets: deterministic generators (same bytes on every machine) registered
// by name, materialised on demand into a cache directory that git ignores.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "core/registry.h"

namespace membench::datasets {

// Which suites include a dataset by default.
enum Tier : unsigned {
  kQuick = 1,     // --quick
  kStandard = 2,  // the default suite (make bench)
  kLarge = 4,     // opt-in only: --dataset NAME
};

// Buffered output of exactly `limit` bytes; generators write until full().
class ByteWriter {
 public:
  ByteWriter(std::FILE* out, std::uint64_t limit) : out_(out), limit_(limit) {}
  ~ByteWriter();
  ByteWriter(const ByteWriter&) = delete;
  ByteWriter& operator=(const ByteWriter&) = delete;

  void write(std::string_view s);  // truncates at the limit
  void put(char c) { write(std::string_view(&c, 1)); }
  bool full() const { return written_ >= limit_; }
  std::uint64_t written() const { return written_; }
  void flush();

 private:
  std::FILE* out_;
  std::uint64_t limit_;
  std::uint64_t written_ = 0;
  char buf_[1 << 16];
  std::size_t used_ = 0;
};

using GenerateFn = void (*)(std::uint64_t size, ByteWriter& out);

struct DatasetDef {
  const char* name;         // "text-64MiB"
  const char* kind;         // "text": matched against Workload::dataset_kind
  std::uint64_t size;       // bytes
  unsigned tiers;           // Tier bits
  GenerateFn generate;      // nullptr for corpora read from the system
  const char* sha256;       // manifest checksum, checked on materialise ("" = unrecorded)
  const char* description;
};

// Sorted by (kind, size), so listings and suites do not depend on link order.
struct DatasetOrder {
  static bool before(const DatasetDef& a, const DatasetDef& b) {
    std::string_view ka(a.kind), kb(b.kind);
    return ka != kb ? ka < kb : a.size < b.size;
  }
};

using DatasetRegistry = Registry<DatasetDef, DatasetOrder>;

DatasetRegistry& dataset_registry();
const DatasetDef* find_dataset(std::string_view name);

// A small deterministic PRNG (splitmix64): the standard library's
// distributions differ between implementations, this does not.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n).
  std::uint64_t below(std::uint64_t n) { return n ? next() % n : 0; }
  // Uniform in [0, 1).
  double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

 private:
  std::uint64_t state_;
};

// Where datasets are cached: $MEMBENCH_DATA_DIR, else datasets/cache/ of the
// source tree the binary was built from, else ~/.cache/membench/datasets.
std::string data_dir();

// Generates the dataset if it is not cached yet (streaming, to a temporary
// file renamed into place), verifies its manifest checksum, returns its path.
// Throws std::runtime_error with a one-line message on failure.
std::string materialise(const DatasetDef& def);

// SHA-256 (hex) of a file, streamed.
std::string file_sha256(const std::string& path);

}  // namespace membench::datasets

// MEMBENCH_DATASET(ident, name, kind, size, tiers, generate, sha256, description)
#define MEMBENCH_DATASET(ident, ...)                                                    \
  static const ::membench::datasets::DatasetDef membench_dataset_##ident{__VA_ARGS__}; \
  static ::membench::datasets::DatasetRegistry::Entry membench_dataset_entry_##ident{  \
      ::membench::datasets::dataset_registry(), membench_dataset_##ident}

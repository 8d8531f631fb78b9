// Random draws that come out the same with every standard library, for the
// bootstrap and permutation tests. std::mt19937_64's output sequence is fixed
// by the standard, but std::uniform_int_distribution and std::shuffle are not
// (libstdc++ and libc++ draw differently), so the mapping to an index is ours.
#pragma once

#include <cstddef>
#include <cstdint>
#include <random>
#include <span>
#include <utility>

namespace membench::stats {

class SeededRandom {
 public:
  explicit SeededRandom(std::uint64_t seed) : engine_(seed) {}

  // Uniform in [0, bound), bound > 0. Rejecting the lowest 2^64 mod bound
  // outputs leaves a multiple of bound values, so the modulo is unbiased.
  std::size_t index(std::size_t bound) {
    const std::uint64_t n = bound;
    const std::uint64_t threshold = (0 - n) % n;
    for (;;) {
      const std::uint64_t r = engine_();
      if (r >= threshold) return static_cast<std::size_t>(r % n);
    }
  }

  // Fisher-Yates.
  template <typename T>
  void shuffle(std::span<T> values) {
    for (std::size_t i = values.size(); i > 1; --i) std::swap(values[i - 1], values[index(i)]);
  }

 private:
  std::mt19937_64 engine_;
};

// Spreads a few integers into one seed (splitmix64 finaliser), so each
// permutation test can have its own stream derived from the caller's seed.
inline std::uint64_t mix_seed(std::uint64_t seed, std::uint64_t value) {
  std::uint64_t z = seed + 0x9e3779b97f4a7c15ULL * (value + 1);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace membench::stats

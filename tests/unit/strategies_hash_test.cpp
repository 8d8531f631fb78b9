// The hash strategies' output is the file's raw SHA-256, at every size that
// lands on or next to a buffer or ring boundary.
#include <random>

#include "strategies_test_support.h"

namespace membench::catalogue_test {
namespace {

std::string random_bytes(std::size_t size, unsigned seed) {
  std::mt19937 rng(seed);
  std::string bytes(size, '\0');
  for (char& c : bytes) c = static_cast<char>(rng());
  return bytes;
}

std::string raw_digest(std::string_view content) {
  Digest d = sha256_of(content);
  return {reinterpret_cast<const char*>(d.data()), d.size()};
}

// hash/overlap's ring: eight 32 KiB slots, the reader sleeping after each
// half. Sizes around a slot, a half ring, a full ring and a wrap-around.
TEST(HashStrategies, EveryStrategyAtBufferAndRingBoundaries) {
  for (std::size_t size : {0ul, 1ul, 4095ul, 4096ul, 32767ul, 32768ul, 32769ul, 131072ul, 262143ul, 262144ul,
                           262145ul, 3 * 262144ul + 5}) {
    std::string content = random_bytes(size, static_cast<unsigned>(size));
    SCOPED_TRACE(size);
    expect_output("hash", content, raw_digest(content), 0);
  }
}

// The smallest ring (two one-byte slots) makes every byte a hand-off between
// the threads, so a lost wake-up or an early reuse of a slot shows here.
TEST(HashStrategies, OverlapHandOffWithTheSmallestRing) {
  const Strategy* overlap = find_strategy("hash", "overlap");
  ASSERT_NE(overlap, nullptr);
  for (std::int64_t slots : {2, 4}) {
    Strategy tiny = *overlap;
    ASSERT_TRUE(tiny.params.set("buffer_bytes", 1));
    ASSERT_TRUE(tiny.params.set("slots", slots));
    for (int round = 0; round < 6; ++round) {
      std::string content = random_bytes(8000 + static_cast<std::size_t>(round), static_cast<unsigned>(round));
      EXPECT_EQ(run_on(tiny, content).first, hex_sha256(raw_digest(content))) << slots << " slots, round " << round;
    }
  }
}

TEST(HashStrategies, OverlapRefusesAnOddRing) {
  Strategy odd = *find_strategy("hash", "overlap");
  ASSERT_TRUE(odd.params.set("slots", 3));
  EXPECT_THROW(run_on(odd, "abc"), std::invalid_argument);
}

}  // namespace
}  // namespace membench::catalogue_test

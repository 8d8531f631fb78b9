// compact_string against a std::string model: a property test with a fixed
// seed, the layout figures, and the allocations it promises to avoid.
#include "core/compact_string.h"

#include <gtest/gtest.h>

#include <array>
#include <boost/container/string.hpp>
#include <cstdio>
#include <random>
#include <string>
#include <unordered_set>
#include <utility>

#include "track/alloc_counter.h"

namespace membench {
namespace {

void expect_matches(const compact_string& s, const std::string& model, std::size_t step) {
  ASSERT_EQ(s.size(), model.size()) << "step " << step;
  ASSERT_EQ(s.view(), std::string_view(model)) << "step " << step;
  ASSERT_EQ(s.c_str()[s.size()], '\0') << "step " << step;
  ASSERT_GE(s.capacity(), s.size()) << "step " << step;
  ASSERT_EQ(s.empty(), model.empty()) << "step " << step;
  if (s.is_inline()) {
    ASSERT_EQ(s.capacity(), compact_string::inline_capacity) << "step " << step;
  }
}

TEST(CompactString, Layout) {
  static_assert(sizeof(compact_string) == 24);
  EXPECT_EQ(compact_string().capacity(), 23u);
  compact_string full(std::string_view("abcdefghijklmnopqrstuvw"));  // 23 bytes
  EXPECT_TRUE(full.is_inline());
  EXPECT_STREQ(full.c_str(), "abcdefghijklmnopqrstuvw");
  compact_string heap(std::string_view("abcdefghijklmnopqrstuvwx"));  // 24 bytes
  EXPECT_FALSE(heap.is_inline());
  EXPECT_STREQ(heap.c_str(), "abcdefghijklmnopqrstuvwx");
}

// The figures the tokenize strategies report, printed for the record.
TEST(CompactString, KeyFiguresOfTheStringTypes) {
  std::printf("key type                  sizeof  inline capacity\n");
  std::printf("std::string               %6zu  %15zu\n", sizeof(std::string), std::string().capacity());
  std::printf("boost::container::string  %6zu  %15zu\n", sizeof(boost::container::string),
              boost::container::string().capacity());
  std::printf("membench::compact_string  %6zu  %15zu\n", sizeof(compact_string), compact_string().capacity());
  EXPECT_EQ(sizeof(std::string), 32u);
  EXPECT_EQ(std::string().capacity(), 15u);
  EXPECT_EQ(sizeof(boost::container::string), 24u);
  EXPECT_EQ(boost::container::string().capacity(), 22u);
  EXPECT_EQ(sizeof(compact_string), 24u);
  EXPECT_EQ(compact_string().capacity(), 23u);
}

TEST(CompactString, AllocatesOnlyPastTwentyThreeBytes) {
  if (!track::counter_available()) GTEST_SKIP() << "built without the allocation counter";
  std::string_view text = "0123456789012345678901234567890123456789";
  ASSERT_TRUE(track::start_counting());
  {
    compact_string a(text.substr(0, 23));
    compact_string b = a;
    compact_string c = std::move(b);
    c.append("");
    asm volatile("" : : "g"(&c) : "memory");
  }
  EXPECT_EQ(track::stop_counting().count, 0u);
  ASSERT_TRUE(track::start_counting());
  {
    compact_string a(text.substr(0, 24));
    compact_string moved = std::move(a);  // steals the block
    asm volatile("" : : "g"(&moved) : "memory");
  }
  track::AllocationTotals t = track::stop_counting();
  EXPECT_EQ(t.count, 1u);
  EXPECT_EQ(t.leaked_bytes, 0u);
}

TEST(CompactString, ComparisonsAndHash) {
  compact_string a("apple"), b("banana"), a2("apple");
  EXPECT_TRUE(a == a2);
  EXPECT_FALSE(a == b);
  EXPECT_TRUE(a < b);
  EXPECT_TRUE(a <= a2);
  EXPECT_TRUE(b > a);
  EXPECT_EQ(a <=> a2, std::strong_ordering::equal);
  EXPECT_TRUE(a == "apple");
  EXPECT_TRUE(a == std::string_view("apple"));
  EXPECT_TRUE(compact_string("\xff") > compact_string("a"));  // bytes compare unsigned, as memcmp
  EXPECT_EQ(std::hash<compact_string>{}(a), std::hash<std::string_view>{}("apple"));
  std::unordered_set<compact_string> set{a, b, a2};
  EXPECT_EQ(set.size(), 2u);
}

TEST(CompactString, SelfAppendAndAssignAcrossTheInlineBoundary) {
  compact_string s("0123456789");
  s.append(s.view());  // 20 bytes, inline
  EXPECT_EQ(s.view(), "01234567890123456789");
  s.append(s.view());  // 40 bytes: grows while reading its own bytes
  EXPECT_EQ(s.view(), "0123456789012345678901234567890123456789");
  s.assign(s.view().substr(5, 10));
  EXPECT_EQ(s.view(), "5678901234");
  s = s;  // self copy-assignment
  EXPECT_EQ(s.view(), "5678901234");
}

// Thousands of random operations on four strings, each checked against a
// std::string model after every step. The seed is fixed: a failure repeats.
TEST(CompactString, PropertyRandomOperationsMatchStdString) {
  std::mt19937_64 rng(0x636f6d70616374ull);  // "compact"
  auto below = [&](std::uint64_t n) { return rng() % n; };
  auto random_text = [&] {
    // Lengths cluster around the inline capacity; bytes include 0 and 0xFF.
    std::size_t len = below(4) == 0 ? below(80) : below(30);
    std::string t(len, '\0');
    for (char& c : t) c = static_cast<char>(below(8) == 0 ? below(256) : 'a' + below(26));
    return t;
  };
  constexpr std::size_t kSlots = 4;
  std::array<compact_string, kSlots> strings;
  std::array<std::string, kSlots> models;

  constexpr std::size_t kSteps = 20000;
  for (std::size_t step = 0; step < kSteps; ++step) {
    std::size_t i = below(kSlots), j = below(kSlots);
    switch (below(14)) {
      case 0: {
        std::string t = random_text();
        strings[i].append(t);
        models[i].append(t);
        break;
      }
      case 1: {
        std::string t = random_text();
        strings[i].assign(t);
        models[i].assign(t);
        break;
      }
      case 2: {
        std::size_t n = below(30);
        char c = static_cast<char>('A' + below(26));
        strings[i].append(n, c);
        models[i].append(n, c);
        break;
      }
      case 3: {
        char c = static_cast<char>(below(256));
        strings[i].push_back(c);
        models[i].push_back(c);
        break;
      }
      case 4:
        strings[i].clear();
        models[i].clear();
        break;
      case 5: {  // copy construction
        compact_string copy(strings[j]);
        strings[i] = std::move(copy);
        models[i] = models[j];
        break;
      }
      case 6: {  // move construction leaves the source empty
        compact_string moved(std::move(strings[j]));
        std::string moved_model = std::move(models[j]);
        models[j].clear();
        expect_matches(strings[j], models[j], step);
        expect_matches(moved, moved_model, step);
        strings[i] = std::move(moved);
        models[i] = std::move(moved_model);
        break;
      }
      case 7:  // copy assignment (also self)
        strings[i] = strings[j];
        models[i] = models[j];
        break;
      case 8:  // move assignment
        if (i != j) {
          strings[i] = std::move(strings[j]);
          models[i] = std::move(models[j]);
          models[j].clear();
        }
        break;
      case 9:
        swap(strings[i], strings[j]);
        std::swap(models[i], models[j]);
        break;
      case 10: {
        std::size_t n = below(100);
        strings[i].reserve(n);
        ASSERT_GE(strings[i].capacity(), n) << "step " << step;
        break;
      }
      case 11: {  // append a part of itself (aliasing)
        std::size_t from = models[i].empty() ? 0 : below(models[i].size());
        std::size_t len = models[i].size() - from;
        strings[i].append(strings[i].view().substr(from, len));
        models[i].append(std::string(models[i], from, len));
        break;
      }
      case 12: {  // assign a part of itself (aliasing)
        std::size_t from = models[i].empty() ? 0 : below(models[i].size());
        strings[i].assign(strings[i].view().substr(from));
        models[i] = models[i].substr(from);
        break;
      }
      case 13: {  // comparisons agree with std::string's
        const auto& a = strings[i];
        const auto& b = strings[j];
        int expected = models[i].compare(models[j]);
        ASSERT_EQ(a == b, expected == 0) << "step " << step;
        ASSERT_EQ(a < b, expected < 0) << "step " << step;
        ASSERT_EQ(a <= b, expected <= 0) << "step " << step;
        ASSERT_EQ((a <=> b) > 0, expected > 0) << "step " << step;
        ASSERT_EQ(a == std::string_view(models[j]), expected == 0) << "step " << step;
        if (expected == 0) {
          ASSERT_EQ(std::hash<compact_string>{}(a), std::hash<compact_string>{}(b)) << "step " << step;
        }
        break;
      }
    }
    for (std::size_t k = 0; k < kSlots; ++k) expect_matches(strings[k], models[k], step);
    if (HasFatalFailure()) return;
  }
}

}  // namespace
}  // namespace membench

// tokenize: every strategy writes the reference's output, on hand-checked,
// edge-case and generated inputs; each reports its key's footprint.
#include <string>

#include <set>

#include "strategies_test_support.h"
#include "strategies/tokenize_common.h"

namespace membench::catalogue_test {
namespace {

TEST(TokenizeStrategies, HandCheckedTinyInput) {
  // Words are runs of [A-Za-z0-9_]; bytes >= 0x80 separate ("caf\xc3\xa9" -> "caf").
  std::string input = "the cat, the hat.\nThe_end 42 cat\tcaf\xc3\xa9!";
  std::string expected = "42\t1\nThe_end\t1\ncaf\t1\ncat\t2\nhat\t1\nthe\t2\n";
  expect_output("tokenize", input, expected, 8);
}

TEST(TokenizeStrategies, EmptyAndSeparatorOnlyInputs) {
  expect_output("tokenize", "", "", 0);
  expect_output("tokenize", " ,.;\n\t\xff\n", "", 0);
}

TEST(TokenizeStrategies, OneHugeWord) {
  std::string word(100000, 'w');
  expect_output("tokenize", word, word + "\t1\n", 1);
  expect_all_agree("tokenize", word + " " + word + "\n" + word + "x", "two huge words");
}

TEST(TokenizeStrategies, WordsAroundEveryInlineCapacity) {
  // 15 (std::string), 22 (boost), 23 (compact_string) and their neighbours,
  // each seen more than once so lookups hit existing keys.
  std::string input;
  for (int round = 0; round < 3; ++round)
    for (std::size_t len = 1; len <= 40; ++len) input += std::string(len, static_cast<char>('a' + len % 26)) + " ";
  expect_all_agree("tokenize", input, "inline-capacity boundaries");
}

TEST(TokenizeStrategies, AgreeOnSmallInputsOfEveryKind) {
  for (const auto& [kind, content] : small_inputs_of_every_kind()) expect_all_agree("tokenize", content, kind);
}

TEST(TokenizeStrategies, ReportKeyFigures) {
  struct Expected {
    const char* strategy;
    std::uint64_t sizeof_key, inline_capacity;
  };
  for (Expected e : {Expected{"std_string", 32, 15}, Expected{"boost_string", 24, 22},
                     Expected{"compact_string", 24, 23}, Expected{"string_view", 16, 0}}) {
    const Strategy* s = find_strategy("tokenize", e.strategy);
    ASSERT_NE(s, nullptr) << e.strategy;
    Input input;
    HashingSink sink;
    s->run(input, s->params, sink);
    std::uint64_t sizeof_key = 0, inline_capacity = 99;
    for (std::size_t i = 0; i < sink.note_count(); ++i) {
      if (std::string_view(sink.notes()[i].name) == "key_sizeof") sizeof_key = sink.notes()[i].value;
      if (std::string_view(sink.notes()[i].name) == "key_inline_capacity") inline_capacity = sink.notes()[i].value;
    }
    EXPECT_EQ(sizeof_key, e.sizeof_key) << e.strategy;
    EXPECT_EQ(inline_capacity, e.inline_capacity) << e.strategy;
  }
}

TEST(TokenizeStrategies, NothingAllocatedForEmptyInput) {
  if (!track::counter_available()) GTEST_SKIP() << "built without the allocation counter";
  for (const Strategy* s : strategies_of("tokenize")) EXPECT_EQ(allocations_of(*s, ""), 0u) << s->name;
}

TEST(TokenizeStrategies, ArenaAllocatesFarLessOftenThanTheHeapTable) {
  if (!track::counter_available()) GTEST_SKIP() << "built without the allocation counter";
  std::string text = small_inputs_of_every_kind().front().second;
  std::uint64_t heap = allocations_of(*find_strategy("tokenize", "std_string"), text);
  std::uint64_t arena = allocations_of(*find_strategy("tokenize", "arena"), text);
  EXPECT_LT(arena * 20, heap);
}

// The owning-key strategies share string_view's table (same nodes, same
// bucket arrays, same sort vector), so what they allocate beyond it is one
// block per distinct word their key cannot hold inline: std::string past 15
// bytes, boost::container::string past 22, compact_string past 23. The text
// generator's tail of long words makes all three counts non-zero.
TEST(TokenizeStrategies, OwningKeysAllocateExactlyForWordsPastTheirInlineCapacity) {
  if (!track::counter_available()) GTEST_SKIP() << "built without the allocation counter";
  std::string text = generated_prefix(*smallest_of_kind("text"), 256 * 1024);
  std::set<std::string_view> distinct;
  membench::catalogue::tokenize::for_each_word(text, [&](std::string_view w) { distinct.insert(w); });
  auto longer_than = [&](std::size_t inline_capacity) {
    return static_cast<std::uint64_t>(
        std::count_if(distinct.begin(), distinct.end(), [&](std::string_view w) { return w.size() > inline_capacity; }));
  };
  std::uint64_t borrowed = allocations_of(*find_strategy("tokenize", "string_view"), text);
  struct Expectation {
    const char* strategy;
    std::size_t inline_capacity;
  };
  for (Expectation e : {Expectation{"std_string", 15}, {"boost_string", 22}, {"compact_string", 23}}) {
    std::uint64_t heap_keys = longer_than(e.inline_capacity);
    EXPECT_GT(heap_keys, 0u) << e.strategy;
    EXPECT_EQ(allocations_of(*find_strategy("tokenize", e.strategy), text) - borrowed, heap_keys) << e.strategy;
  }
  EXPECT_LT(longer_than(23), longer_than(15));
}

}  // namespace
}  // namespace membench::catalogue_test

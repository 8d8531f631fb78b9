// records: both strategies write the same records; the stack high-water mark
// shows where the 64 KiB table lived.
#include <array>
#include <string>

#include "strategies_test_support.h"

namespace membench::catalogue_test {
namespace {

std::string u64_bytes(std::uint64_t v) {
  std::string out;
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>(v >> (8 * i)));
  return out;
}

std::string record_bytes(std::uint64_t index, std::uint64_t size,
                         std::initializer_list<std::pair<const char*, int>> bigrams) {
  std::string table(65536, '\0');
  for (auto [pair, count] : bigrams)
    table[static_cast<unsigned char>(pair[0]) * 256u + static_cast<unsigned char>(pair[1])] = static_cast<char>(count);
  return u64_bytes(index) + u64_bytes(size) + table;
}

TEST(RecordsStrategies, HandCheckedTinyInput) {
  // Two documents: "aab" and "ab\nb" (an empty line separates; leading and
  // repeated empty lines make no empty document).
  std::string input = "\naab\n\n\nab\nb\n";
  std::string expected = record_bytes(0, 3, {{"aa", 1}, {"ab", 1}}) +
                         record_bytes(1, 4, {{"ab", 1}, {"b\n", 1}, {"\nb", 1}});
  expect_output("records", input, expected, 2);
}

TEST(RecordsStrategies, CountsSaturateAt255) {
  std::string input(1000, 'z');
  expect_output("records", input, record_bytes(0, 1000, {{"zz", 255}}), 1);
}

TEST(RecordsStrategies, EmptyInput) {
  expect_output("records", "", "", 0);
  expect_output("records", "\n\n\n", "", 0);
}

TEST(RecordsStrategies, AgreeOnSmallInputsOfEveryKind) {
  for (const auto& [kind, content] : small_inputs_of_every_kind()) expect_all_agree("records", content, kind);
  expect_all_agree("records", std::string(100000, 'd'), "one huge document");
}

std::uint64_t stack_high_water(const char* strategy, std::string_view content) {
  const Strategy* s = find_strategy("records", strategy);
  Input input;
  input.size = content.size();
  input.bytes = std::span<const std::byte>(reinterpret_cast<const std::byte*>(content.data()), content.size());
  HashingSink sink;
  s->run(input, s->params, sink);
  for (std::size_t i = 0; i < sink.note_count(); ++i)
    if (std::string_view(sink.notes()[i].name) == "stack_high_water_bytes") return sink.notes()[i].value;
  ADD_FAILURE() << strategy << " reported no stack_high_water_bytes";
  return 0;
}

TEST(RecordsStrategies, StackHighWaterShowsTheInlineTable) {
  std::string documents = "one document\n\nanother one\n";
  std::uint64_t inline_stack = stack_high_water("inline_array", documents);
  std::uint64_t boxed_stack = stack_high_water("boxed", documents);
  EXPECT_GT(inline_stack, 64u * 1024);
  EXPECT_LT(boxed_stack, 32u * 1024);
  EXPECT_GT(boxed_stack, 0u);
}

}  // namespace
}  // namespace membench::catalogue_test

// fields: every strategy writes the reference's output, including rows at and
// past the inline bound of the small/static vectors.
#include <string>

#include "strategies_test_support.h"

namespace membench::catalogue_test {
namespace {

void append_u64(std::string& out, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>(v >> (8 * i)));
}
void append_field(std::string& out, std::string_view field) {
  append_u64(out, field.size());
  out += field;
}
void append_row_end(std::string& out) { append_u64(out, ~std::uint64_t{0}); }

TEST(FieldsStrategies, HandCheckedTinyInput) {
  // Three rows: "a,b"; an empty line (one empty field); "1,,3" without a final newline.
  std::string expected;
  append_field(expected, "a");
  append_field(expected, "b");
  append_row_end(expected);
  append_field(expected, "");
  append_row_end(expected);
  append_field(expected, "1");
  append_field(expected, "");
  append_field(expected, "3");
  append_row_end(expected);
  expect_output("fields", "a,b\n\n1,,3", expected, 3);
  expect_output("fields", "a,b\n\n1,,3\n", expected, 3);
}

TEST(FieldsStrategies, EmptyInput) { expect_output("fields", "", "", 0); }

TEST(FieldsStrategies, OneHugeRowWithoutSeparators) {
  std::string field(100000, 'f');
  std::string expected;
  append_field(expected, field);
  append_row_end(expected);
  expect_output("fields", field, expected, 1);
}

TEST(FieldsStrategies, RowsAroundTheInlineBound) {
  std::string input;
  for (int fields = 1; fields <= 20; ++fields) {
    for (int i = 0; i < fields; ++i) {
      if (i) input += ',';
      input += std::to_string(fields * 100 + i);
    }
    input += '\n';
  }
  input += ",,,,,,,,\n,,,,,,,\n";  // 9 and 8 empty fields
  std::string wide;
  for (int i = 0; i < 5000; ++i) wide += "x,";
  input += wide + "\n";
  expect_all_agree("fields", input, "rows of 1..20, 8, 9 and 5001 fields");
}

TEST(FieldsStrategies, AgreeOnSmallInputsOfEveryKind) {
  for (const auto& [kind, content] : small_inputs_of_every_kind()) expect_all_agree("fields", content, kind);
}

TEST(FieldsStrategies, NothingAllocatedForEmptyInput) {
  if (!track::counter_available()) GTEST_SKIP() << "built without the allocation counter";
  for (const Strategy* s : strategies_of("fields")) EXPECT_EQ(allocations_of(*s, ""), 0u) << s->name;
}

TEST(FieldsStrategies, InlineRowsNeedNoBlockOfTheirOwn) {
  if (!track::counter_available()) GTEST_SKIP() << "built without the allocation counter";
  std::string input;
  for (int row = 0; row < 1000; ++row) input += "a,b,c,d,e,f,g,h\n";  // 8 fields: inline
  for (const char* name : {"small_vector", "static_vector"}) {
    // Only the rows table itself grows: a handful of blocks for 1000 rows.
    EXPECT_LT(allocations_of(*find_strategy("fields", name), input), 30u) << name;
  }
  EXPECT_EQ(allocations_of(*find_strategy("fields", "small_vector_reserve"), input), 1u);
  EXPECT_EQ(allocations_of(*find_strategy("fields", "vector_reserve"), input), 1001u);
}

}  // namespace
}  // namespace membench::catalogue_test

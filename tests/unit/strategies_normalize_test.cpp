// normalize: every strategy writes the reference's output; cow copies only
// what changes.
#include <string>

#include "strategies_test_support.h"

namespace membench::catalogue_test {
namespace {

TEST(NormalizeStrategies, HandCheckedTinyInput) {
  expect_output("normalize", "first name\nlast_name\n a  b \n\nx", "first_name\nlast_name\n_a__b_\n\nx\n", 5);
}

TEST(NormalizeStrategies, EmptyInput) { expect_output("normalize", "", "", 0); }

TEST(NormalizeStrategies, OneHugeIdentifier) {
  std::string plain(100000, 'i');
  expect_output("normalize", plain, plain + "\n", 1);
  std::string spaced = plain;
  for (std::size_t i = 0; i < spaced.size(); i += 7) spaced[i] = ' ';
  std::string fixed = plain;
  for (std::size_t i = 0; i < fixed.size(); i += 7) fixed[i] = '_';
  expect_output("normalize", spaced + "\n", fixed + "\n", 1);
}

TEST(NormalizeStrategies, AgreeOnSmallInputsOfEveryKind) {
  for (const auto& [kind, content] : small_inputs_of_every_kind()) expect_all_agree("normalize", content, kind);
}

TEST(NormalizeStrategies, CowCopiesOnlyChangedIdentifiers) {
  if (!track::counter_available()) GTEST_SKIP() << "built without the allocation counter";
  std::string input;
  for (int i = 0; i < 100; ++i) input += "a_long_identifier_without_spaces\n";
  for (int i = 0; i < 10; ++i) input += "a long identifier with spaces\n";
  const Strategy* cow = find_strategy("normalize", "cow");
  const Strategy* copy = find_strategy("normalize", "always_copy");
  EXPECT_EQ(allocations_of(*cow, input), 1u + 10u);    // the vector, then one copy per changed name
  EXPECT_EQ(allocations_of(*copy, input), 1u + 110u);  // the vector, then every name
  for (const Strategy* s : strategies_of("normalize")) EXPECT_EQ(allocations_of(*s, ""), 0u) << s->name;
}

}  // namespace
}  // namespace membench::catalogue_test

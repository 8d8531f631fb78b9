// pipeline: both strategies load the file themselves (InputKind::path) and
// write the same summary and listing.
#include <string>

#include "strategies_test_support.h"

namespace membench::catalogue_test {
namespace {

std::string u64_bytes(std::uint64_t v) {
  std::string out;
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>(v >> (8 * i)));
  return out;
}

TEST(PipelineStrategies, HandCheckedTinyInput) {
  std::string input = "ab\nCd e\n\nz\xc3\xa9";
  std::string expected = u64_bytes(input.size()) + u64_bytes(4) + "1\tAB\n2\tCD E\n3\t\n4\tZ\xc3\xa9\n";
  expect_output("pipeline", input, expected, 4);
}

TEST(PipelineStrategies, EmptyInput) { expect_output("pipeline", "", u64_bytes(0) + u64_bytes(0), 0); }

TEST(PipelineStrategies, OneHugeLine) {
  std::string line(100000, 'q');
  expect_output("pipeline", line, u64_bytes(line.size()) + u64_bytes(1) + "1\t" + std::string(100000, 'Q') + "\n",
                1);
}

TEST(PipelineStrategies, AgreeOnSmallInputsOfEveryKind) {
  for (const auto& [kind, content] : small_inputs_of_every_kind()) expect_all_agree("pipeline", content, kind);
}

TEST(PipelineStrategies, MissingFileIsAClearError) {
  for (const Strategy* s : strategies_of("pipeline")) {
    Input input;
    input.path = "/nonexistent/membench-input";
    HashingSink sink;
    EXPECT_THROW(s->run(input, s->params, sink), std::runtime_error) << s->name;
  }
}

TEST(PipelineStrategies, NothingAllocatedForAnEmptyFile) {
  if (!track::counter_available()) GTEST_SKIP() << "built without the allocation counter";
  TempFile empty("");
  for (const Strategy* s : strategies_of("pipeline")) {
    Input input;
    input.path = empty.path().c_str();
    HashingSink sink;
    ASSERT_TRUE(track::start_counting());
    s->run(input, s->params, sink);
    EXPECT_EQ(track::stop_counting().count, 0u) << s->name;
  }
}

TEST(PipelineStrategies, DropEarlyLowersThePeakOfLiveBytes) {
  if (!track::counter_available()) GTEST_SKIP() << "built without the allocation counter";
  std::string text;
  for (int i = 0; i < 20000; ++i) text += "a line of text that will be shouted\n";
  TempFile file(text);
  auto peak_live = [&](const char* name) {
    const Strategy* s = find_strategy("pipeline", name);
    Input input;
    input.path = file.path().c_str();
    HashingSink sink;
    if (!track::start_counting()) throw std::runtime_error("cannot count");
    s->run(input, s->params, sink);
    return track::stop_counting().peak_live_bytes;
  };
  std::uint64_t late = peak_live("drop_late"), early = peak_live("drop_early");
  EXPECT_EQ(late - early, text.size());  // the input is no longer live when the listing is built
}

}  // namespace
}  // namespace membench::catalogue_test

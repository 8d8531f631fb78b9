// The rule that no command writes over one of its inputs: util/paths.h.
#include "util/paths.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace fs = std::filesystem;
using membench::NamedPath;
using membench::PathConflict;
using membench::refuse_outputs_naming_one_file;
using membench::refuse_outputs_over_inputs;
using membench::same_file;

namespace {

// A fresh directory of this test's own, and a way back to the directory the
// test started in (some cases change it to test relative paths).
class OutputPaths : public ::testing::Test {
 protected:
  void SetUp() override {
    start_ = fs::current_path();
    dir_ = fs::temp_directory_path() / ("membench-paths-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "sub");
    input_ = (dir_ / "in.json").string();
    std::ofstream(input_) << "{}\n";
  }
  void TearDown() override {
    fs::current_path(start_);
    fs::remove_all(dir_);
  }
  // The message of the conflict, or "" when there is none.
  static std::string conflict(const std::vector<NamedPath>& outputs, const std::vector<NamedPath>& inputs) {
    try {
      refuse_outputs_over_inputs(outputs, inputs);
    } catch (const PathConflict& e) {
      return e.what();
    }
    return "";
  }

  fs::path start_, dir_;
  std::string input_;
};

}  // namespace

TEST_F(OutputPaths, SamePathIsRefusedWithOneLineNamingTheOption) {
  std::string why = conflict({{"-o", input_}}, {{"", input_}});
  EXPECT_EQ(why, "-o " + input_ + " is also an input; refusing to overwrite it");
  EXPECT_EQ(why.find('\n'), std::string::npos);
}

TEST_F(OutputPaths, AnInputGivenByAnOptionIsNamed) {
  EXPECT_EQ(conflict({{"--out", input_}}, {{"--dataset", input_}}),
            "--out " + input_ + " is also an input (--dataset); refusing to overwrite it");
}

TEST_F(OutputPaths, RelativeAndAbsoluteSpellingsAreOneFile) {
  fs::current_path(dir_);
  EXPECT_TRUE(same_file("in.json", input_));
  EXPECT_TRUE(same_file("./sub/../in.json", input_));
  std::string why = conflict({{"-o", "sub/../in.json"}}, {{"", input_}});
  EXPECT_NE(why.find("-o sub/../in.json is also an input (" + input_ + ", the same file)"), std::string::npos) << why;
}

TEST_F(OutputPaths, SymbolicLinkToAnInputIsRefused) {
  fs::path link = dir_ / "sub" / "link.json";
  fs::create_symlink(input_, link);
  EXPECT_TRUE(same_file(link.string(), input_));
  EXPECT_NE(conflict({{"--html", link.string()}}, {{"", input_}}), "");
  // A link to the directory holding the input, too.
  fs::path dir_link = dir_ / "dirlink";
  fs::create_directory_symlink(dir_, dir_link);
  EXPECT_TRUE(same_file((dir_link / "in.json").string(), input_));
  // The same with the output not written yet: resolved through the link.
  EXPECT_TRUE(same_file((dir_link / "new.json").string(), (dir_ / "new.json").string()));
}

TEST_F(OutputPaths, HardLinkToAnInputIsRefused) {
  fs::path hard = dir_ / "sub" / "hard.json";
  fs::create_hard_link(input_, hard);
  EXPECT_TRUE(same_file(hard.string(), input_));
  EXPECT_NE(conflict({{"--markdown", hard.string()}}, {{"", input_}}), "");
}

TEST_F(OutputPaths, AnOutputThatDoesNotExistYetIsCheckedByItsPath) {
  std::string fresh = (dir_ / "out.html").string();
  EXPECT_FALSE(same_file(fresh, input_));
  EXPECT_EQ(conflict({{"-o", fresh}}, {{"", input_}}), "");
  // An input that does not exist either (it will fail to open later): the
  // same path is still refused first, nothing is created.
  std::string missing = (dir_ / "missing.json").string();
  EXPECT_NE(conflict({{"-o", missing}}, {{"", missing}}), "");
  EXPECT_FALSE(fs::exists(missing));
  fs::current_path(dir_);
  EXPECT_TRUE(same_file("missing.json", missing));
  EXPECT_FALSE(same_file("sub/missing.json", missing));
}

TEST_F(OutputPaths, DifferentFilesAreNotAConflict) {
  std::string other = (dir_ / "other.json").string();
  std::ofstream(other) << "{}\n";
  EXPECT_FALSE(same_file(other, input_));
  EXPECT_EQ(conflict({{"-o", other}, {"--markdown", (dir_ / "x.md").string()}}, {{"", input_}}), "");
  // A copy with the same bytes is another file.
  std::string copy = (dir_ / "copy.json").string();
  fs::copy_file(input_, copy);
  EXPECT_FALSE(same_file(copy, input_));
}

TEST_F(OutputPaths, TwoOutputsNamingOneFileAreRefused) {
  std::string out = (dir_ / "out.md").string();
  try {
    refuse_outputs_naming_one_file({{"--markdown", out}, {"--html", (dir_ / "sub" / ".." / "out.md").string()}});
    FAIL() << "no conflict";
  } catch (const PathConflict& e) {
    EXPECT_NE(std::string(e.what()).find("name the same file"), std::string::npos) << e.what();
  }
  EXPECT_NO_THROW(refuse_outputs_naming_one_file({{"--markdown", out}, {"--html", (dir_ / "out.html").string()}}));
}

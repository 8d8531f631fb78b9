// The report's git_commit (runner/context.h): the commit of a checkout, with
// "-dirty" when a tracked file differs from it, read from one git process.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "runner/context.h"
#include "util/shell.h"

namespace membench::runner {
namespace {

class SourceRevisionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("membench-source-revision-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  // A git command in the directory; its output.
  std::string git(const std::string& args) {
    int status = 0;
    std::string out = shell_capture("git -C " + shell_quote(dir_.string()) +
                                        " -c user.name=membench -c user.email=membench@localhost " + args + " 2>&1",
                                    &status);
    EXPECT_EQ(status, 0) << args << ": " << out;
    while (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
  }
  void write(const std::string& name, const std::string& text) { std::ofstream(dir_ / name) << text; }
  std::filesystem::path dir_;
};

TEST_F(SourceRevisionTest, NotACheckoutHasNoCommit) {
  SourceRevision r = source_revision(dir_.string());
  EXPECT_EQ(r.commit, "");
  EXPECT_FALSE(r.dirty);
}

TEST_F(SourceRevisionTest, ARepositoryWithoutACommitHasNoCommit) {
  git("init -q");
  EXPECT_EQ(source_revision(dir_.string()).commit, "");
}

TEST_F(SourceRevisionTest, CommitAndDirtyAsGitSaysThem) {
  git("init -q");
  write("tracked.txt", "one\n");
  git("add tracked.txt");
  git("commit -q -m first");
  const std::string head = git("rev-parse HEAD");
  ASSERT_EQ(head.size(), 40u) << head;
  SourceRevision clean = source_revision(dir_.string());
  EXPECT_EQ(clean.commit, head);
  EXPECT_FALSE(clean.dirty);
  // An untracked file does not make the checkout dirty; a changed tracked one does.
  write("untracked.txt", "new\n");
  EXPECT_FALSE(source_revision(dir_.string()).dirty);
  write("tracked.txt", "two\n");
  SourceRevision dirty = source_revision(dir_.string());
  EXPECT_EQ(dirty.commit, head);
  EXPECT_TRUE(dirty.dirty);
  // Staged counts too.
  git("add tracked.txt");
  EXPECT_TRUE(source_revision(dir_.string()).dirty);
}

}  // namespace
}  // namespace membench::runner

// `membench hash` prints exactly what sha256sum prints, for every strategy.
#include <gtest/gtest.h>

#include <fstream>
#include <random>

#include "process_helpers.h"

namespace {

// Joins shell words (appending, which also sidesteps a GCC 12 -Wrestrict
// false positive on chained std::string operator+).
std::string words(std::initializer_list<std::string_view> parts) {
  std::string s;
  for (std::string_view p : parts) {
    if (!s.empty()) s += ' ';
    s += p;
  }
  return s;
}

const char* kStrategies[] = {"full_read", "stream", "stream-4KiB", "stream-1MiB", "mmap", "mmap-populate", "overlap"};

std::string make_file(const std::string& dir, const std::string& name, std::size_t size, unsigned seed) {
  std::string path = dir + "/" + name;
  std::mt19937 rng(seed);
  std::string bytes(size, '\0');
  for (char& c : bytes) c = static_cast<char>(rng());
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

}  // namespace

TEST(HashCli, EveryStrategyMatchesSha256sum) {
  std::string dir = test_dir("hash_cli");
  std::vector<std::string> files;
  for (std::size_t size : {0ul, 1ul, 8191ul, 8192ul, 8193ul, (3ul << 20) + 17})
    files.push_back(make_file(dir, std::string("f").append(std::to_string(size)), size, static_cast<unsigned>(size)));
  std::string expected_all;
  for (const std::string& f : files) {
    CommandResult ref = run_shell(words({"sha256sum", shell_quote(f)}));
    ASSERT_EQ(ref.exit_code, 0);
    expected_all += ref.out;
  }
  for (const char* strategy : kStrategies) {
    std::vector<std::string> args{"hash", "--strategy", strategy};
    args.insert(args.end(), files.begin(), files.end());
    CommandResult r = run_membench(args);
    EXPECT_EQ(r.exit_code, 0) << strategy << ": " << r.err;
    EXPECT_EQ(r.out, expected_all) << strategy;
  }
}

TEST(HashCli, StdinMatchesSha256sum) {
  std::string dir = test_dir("hash_stdin");
  std::string f = make_file(dir, "input", (1 << 20) + 5, 7);
  CommandResult ref = run_shell(words({"cat", shell_quote(f), "| sha256sum"}));
  ASSERT_EQ(ref.exit_code, 0);
  for (const char* strategy : kStrategies) {
    // Through a pipe (not mappable) and as a redirected regular file.
    CommandResult piped = run_shell(
        words({"cat", shell_quote(f), "|", shell_quote(MEMBENCH_BINARY), "hash --strategy", strategy, "-"}));
    EXPECT_EQ(piped.exit_code, 0) << strategy << ": " << piped.err;
    EXPECT_EQ(piped.out, ref.out) << strategy;
    CommandResult redirected = run_shell(
        words({shell_quote(MEMBENCH_BINARY), "hash --strategy", strategy, "<", shell_quote(f)}));
    EXPECT_EQ(redirected.out, ref.out) << strategy;
  }
}

TEST(HashCli, EscapedNamesMatchSha256sum) {
  std::string dir = test_dir("hash_names");
  std::string f = make_file(dir, "back\\slash name", 10, 1);
  CommandResult ref = run_shell(words({"sha256sum", shell_quote(f)}));
  CommandResult r = run_membench({"hash", f});
  EXPECT_EQ(r.out, ref.out);
}

TEST(HashCli, BufferSizeAndErrors) {
  std::string dir = test_dir("hash_errors");
  std::string f = make_file(dir, "x", 100000, 3);
  CommandResult ref = run_shell(words({"sha256sum", shell_quote(f)}));
  EXPECT_EQ(run_membench({"hash", "--buffer-size", "3", f}).out, ref.out);
  CommandResult missing = run_membench({"hash", dir + "/nope"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("No such file"), std::string::npos);
  EXPECT_EQ(run_membench({"hash", dir}).exit_code, 2);
  EXPECT_EQ(run_membench({"hash", "--strategy", "bogus", f}).exit_code, 2);
  EXPECT_EQ(run_membench({"hash", "--buffer-size", "0", f}).exit_code, 2);
  EXPECT_EQ(run_membench({"hash", "--strategy", "mmap", "--buffer-size", "8", f}).exit_code, 2);
}

// `membench hash` on hostile files: one truncated while mapped, an empty one.
// docs/reliability.md tables them.
#include "reliability_support.h"

// `membench hash --strategy mmap` runs the strategy in its own process: the
// truncation is an error on stderr and exit 2, not a crash.
TEST(ReliabilityFaults, HashCommandReportsAFileTruncatedWhileMapped) {
  std::string dir = test_dir("truncated_hash");
  TruncationRace race(dir);
  Background hash({"hash", "--strategy", "mmap", race.path}, dir + "/hash");
  bool truncated = race.truncate_when_mapped(hash, [&] { return hash.pid(); });
  int status = hash.wait();
  ASSERT_TRUE(WIFEXITED(status)) << "killed by signal " << WTERMSIG(status);
  // Lost the race: the whole file was hashed before the truncation.
  if (WEXITSTATUS(status) == 0) GTEST_SKIP() << "the hash finished before the file could be truncated";
  ASSERT_TRUE(truncated) << "hash failed without the file being truncated: " << hash.err();
  EXPECT_EQ(WEXITSTATUS(status), 2);
  EXPECT_EQ(line_count(hash.err()), 1) << hash.err();
  EXPECT_NE(hash.err().find("big.bin: the file shrank while it was mapped (SIGBUS at byte"), std::string::npos)
      << hash.err();
  EXPECT_EQ(hash.out(), "");
}

TEST(ReliabilityInput, ZeroLengthMmapHashesToTheEmptyDigest) {
  std::string dir = test_dir("zero_mmap");
  std::string file = dir + "/empty.txt";
  write_text(file, "");
  std::string empty_sha = sha256_hex("");
  ASSERT_EQ(empty_sha, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  for (const char* strategy : {"mmap", "mmap-populate", "full_read", "stream"}) {
    CommandResult r = run_membench({"hash", "--strategy", strategy, file});
    EXPECT_EQ(r.exit_code, 0) << strategy << ": " << r.err;
    EXPECT_EQ(r.out, empty_sha + "  " + file + "\n") << strategy;
    EXPECT_EQ(r.err, "") << strategy;
  }
}

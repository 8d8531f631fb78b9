#include "track/proc_status.h"

#include <gtest/gtest.h>

#include <cstring>
#include <memory>

using membench::track::ProcMemory;

TEST(ProcStatus, ParsesKernelFormat) {
  const char text[] =
      "Name:\tmembench\nVmPeak:\t  123456 kB\nVmHWM:\t    2048 kB\nVmRSS:\t    1024 kB\n"
      "RssAnon:\t     512 kB\nRssFile:\t     500 kB\nRssShmem:\t      12 kB\nThreads:\t1\n";
  ProcMemory m;
  ASSERT_TRUE(membench::track::parse_proc_status(text, std::strlen(text), m));
  EXPECT_EQ(m.rss_bytes, 1024u * 1024);
  EXPECT_EQ(m.hwm_bytes, 2048u * 1024);
  EXPECT_EQ(m.anon_bytes, 512u * 1024);
  EXPECT_EQ(m.file_bytes, 500u * 1024);
  EXPECT_EQ(m.shmem_bytes, 12u * 1024);
}

TEST(ProcStatus, MissingRssIsAFailure) {
  const char zombie[] = "Name:\tx\nState:\tZ (zombie)\n";
  ProcMemory m;
  EXPECT_FALSE(membench::track::parse_proc_status(zombie, std::strlen(zombie), m));
  // VmRSSx must not be taken for VmRSS, nor a key in the middle of a line.
  const char tricky[] = "Foo: VmRSS: 5 kB\nVmRSSx:\t7 kB\n";
  EXPECT_FALSE(membench::track::parse_proc_status(tricky, std::strlen(tricky), m));
}

TEST(ProcStatus, SelfReadSeesTouchedMemory) {
  membench::track::ProcStatusReader self(0);
  ASSERT_TRUE(self.ok());
  ProcMemory before, after;
  ASSERT_TRUE(self.read(before));
  constexpr std::size_t kBytes = 32 << 20;
  auto block = std::make_unique_for_overwrite<char[]>(kBytes);
  std::memset(block.get(), 1, kBytes);
  ASSERT_TRUE(self.read(after));
  EXPECT_GE(after.anon_bytes, before.anon_bytes + kBytes * 95 / 100);
  EXPECT_GE(after.hwm_bytes, after.rss_bytes);
  EXPECT_EQ(after.rss_bytes, after.anon_bytes + after.file_bytes + after.shmem_bytes);
}

TEST(ProcStatus, PrefaultTouchesTheWholeExecutable) {
  // The test binary's code alone is far above 100 KiB; afterwards its pages
  // are resident, so a second pass finds the same mappings.
  std::uint64_t touched = membench::track::prefault_executable();
  EXPECT_GT(touched, 100u << 10);
  EXPECT_EQ(membench::track::prefault_executable(), touched);
}

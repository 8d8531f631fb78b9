// Exactness of the allocation counter on programs whose allocations are known.
#include "track/alloc_counter.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <new>
#include <string>
#include <thread>
#include <vector>

using membench::track::AllocationTotals;
using membench::track::start_counting;
using membench::track::stop_counting;

namespace {

// Keeps the optimiser from eliding a new/delete pair (it may, since C++14).
template <typename T>
T* keep(T* p) {
  asm volatile("" : : "g"(p) : "memory");
  return p;
}

class Counter : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!membench::track::counter_available()) GTEST_SKIP() << "built without the interposer (sanitizer build)";
  }
};

}  // namespace

TEST_F(Counter, NNewAndDelete) {
  std::vector<int*> ptrs;
  ptrs.reserve(1000);  // outside the window
  ASSERT_TRUE(start_counting());
  for (int i = 0; i < 1000; ++i) ptrs.push_back(keep(new int(i)));
  for (int i = 999; i >= 0; --i) delete ptrs[static_cast<std::size_t>(i)];
  AllocationTotals t = stop_counting();
  EXPECT_EQ(t.count, 1000u);
  EXPECT_EQ(t.bytes, 4000u);
  EXPECT_EQ(t.peak_live_bytes, 4000u);
  // Only the last allocation is freed with nothing allocated in between.
  EXPECT_EQ(t.temporary, 1u);
  EXPECT_EQ(t.leaked_bytes, 0u);
}

TEST_F(Counter, ReallocChain) {
  ASSERT_TRUE(start_counting());
  void* p = keep(std::malloc(16));
  for (std::size_t size = 32; size <= 1024; size *= 2) p = keep(std::realloc(p, size));
  std::free(p);
  AllocationTotals t = stop_counting();
  EXPECT_EQ(t.count, 7u);  // malloc + 6 reallocs, each one request
  EXPECT_EQ(t.bytes, 16u + 32 + 64 + 128 + 256 + 512 + 1024);
  EXPECT_EQ(t.peak_live_bytes, 1024u);
  // heaptrack's view: each realloc frees the block allocated just before it.
  EXPECT_EQ(t.temporary, 7u);
  EXPECT_EQ(t.leaked_bytes, 0u);
}

TEST_F(Counter, CallocCountsElementsTimesSize) {
  ASSERT_TRUE(start_counting());
  void* p = keep(std::calloc(10, 100));
  void* q = keep(std::malloc(5));
  std::free(p);
  std::free(q);
  AllocationTotals t = stop_counting();
  EXPECT_EQ(t.count, 2u);
  EXPECT_EQ(t.bytes, 1005u);
  EXPECT_EQ(t.peak_live_bytes, 1005u);
  // Freeing p resets "the last allocation" (as heaptrack does), so q, freed
  // next, is not temporary either.
  EXPECT_EQ(t.temporary, 0u);
}

TEST_F(Counter, AlignedNewIsOneRequest) {
  struct alignas(64) Wide {
    char bytes[200];
  };
  ASSERT_TRUE(start_counting());
  Wide* w = keep(new Wide);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(w) % 64, 0u);
  delete w;
  void* a = keep(std::aligned_alloc(4096, 8192));
  std::free(a);
  void* m = nullptr;
  ASSERT_EQ(posix_memalign(&m, 128, 300), 0);
  std::free(keep(m));
  AllocationTotals t = stop_counting();
  EXPECT_EQ(t.count, 3u);
  EXPECT_EQ(t.bytes, sizeof(Wide) + 8192 + 300);
  EXPECT_EQ(t.temporary, 3u);
  EXPECT_EQ(t.leaked_bytes, 0u);
}

TEST_F(Counter, StringGrowth) {
  ASSERT_TRUE(start_counting());
  {
    std::string s;
    for (int i = 0; i < 100; ++i) s.push_back('x');
    keep(s.data());
  }
  AllocationTotals t = stop_counting();
  // libstdc++ doubles capacity: 15 (inline) -> 30 -> 60 -> 120, plus the
  // terminating NUL in each request.
  EXPECT_EQ(t.count, 3u);
  EXPECT_EQ(t.bytes, 31u + 61 + 121);
  EXPECT_EQ(t.peak_live_bytes, 61u + 121);
  // Each growth frees the old block after allocating the new one: never
  // temporary; the final block follows a free, so it is not either.
  EXPECT_EQ(t.temporary, 0u);
  EXPECT_EQ(t.leaked_bytes, 0u);
}

TEST_F(Counter, TemporaryMeansFreedBeforeAnyOtherAllocation) {
  ASSERT_TRUE(start_counting());
  void* a = keep(std::malloc(10));
  std::free(a);                     // temporary
  void* b = keep(std::malloc(20));
  void* c = keep(std::malloc(30));
  std::free(b);                     // not: c came in between
  std::free(c);                     // not: the free of b came in between
  void* d = keep(std::malloc(40));
  std::free(d);                     // temporary
  AllocationTotals t = stop_counting();
  EXPECT_EQ(t.count, 4u);
  EXPECT_EQ(t.temporary, 2u);
  EXPECT_EQ(t.peak_live_bytes, 50u);
}

TEST_F(Counter, LeakAndPreWindowBlocks) {
  void* before = keep(std::malloc(1000));  // allocated before the window
  ASSERT_TRUE(start_counting());
  std::free(before);                    // not ours: ignored, no underflow
  void* leaked = keep(std::malloc(123));
  AllocationTotals t = stop_counting();
  std::free(leaked);
  EXPECT_EQ(t.count, 1u);
  EXPECT_EQ(t.bytes, 123u);
  EXPECT_EQ(t.peak_live_bytes, 123u);
  EXPECT_EQ(t.leaked_bytes, 123u);
  EXPECT_EQ(t.leaked_count, 1u);
  EXPECT_EQ(t.temporary, 0u);
}

TEST_F(Counter, NothingOutsideTheWindow) {
  ASSERT_TRUE(start_counting());
  AllocationTotals empty = stop_counting();
  delete keep(new int(1));
  EXPECT_EQ(empty.count, 0u);
  ASSERT_TRUE(start_counting());
  AllocationTotals again = stop_counting();
  EXPECT_EQ(again.count, 0u);
}

TEST_F(Counter, MultithreadedBurst) {
  constexpr int kThreads = 4, kPerThread = 20000;
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  // Thread start-up allocates too (stacks are mmap'd, TLS is not): start
  // the threads first and release them together inside the window.
  std::atomic<bool> go{false};
  std::atomic<int> finished{0};
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&] {
      while (!go.load()) std::this_thread::yield();
      for (int i = 0; i < kPerThread; ++i) delete[] keep(new std::uint64_t[4]);
      finished.fetch_add(1);
    });
  ASSERT_TRUE(start_counting());
  go = true;
  while (finished.load() < kThreads) std::this_thread::yield();
  AllocationTotals t = stop_counting();
  for (auto& th : threads) th.join();
  EXPECT_EQ(t.count, static_cast<std::uint64_t>(kThreads) * kPerThread);
  EXPECT_EQ(t.bytes, static_cast<std::uint64_t>(kThreads) * kPerThread * 32);
  EXPECT_LE(t.peak_live_bytes, static_cast<std::uint64_t>(kThreads) * 32);
  EXPECT_GE(t.peak_live_bytes, 32u);
  EXPECT_EQ(t.leaked_bytes, 0u);
}

TEST_F(Counter, UnderlyingAllocatorIsGlibcHere) {
  EXPECT_STREQ(membench::track::underlying_allocator(), "glibc");
}

// The two newest blocks stay out of the size table until two more are made
// (alloc_interpose.cpp): frees of either, in any order, and blocks still
// held there at the end count exactly.
TEST_F(Counter, TheTwoNewestBlocksAreCountedLikeTheRest) {
  ASSERT_TRUE(start_counting());
  char* a = static_cast<char*>(keep(std::malloc(10)));
  char* b = static_cast<char*>(keep(std::malloc(20)));
  std::free(a);  // the one before the newest
  char* c = static_cast<char*>(keep(std::malloc(30)));
  char* d = static_cast<char*>(keep(std::malloc(40)));  // b goes to the table
  std::free(c);                                         // the one before the newest again
  std::free(b);                                         // from the table
  char* e = static_cast<char*>(keep(std::malloc(50)));  // d and e: the two newest, both live at the end
  AllocationTotals t = stop_counting();
  EXPECT_EQ(t.count, 5u);
  EXPECT_EQ(t.bytes, 150u);
  EXPECT_EQ(t.peak_live_bytes, 90u);  // b, c and d live together
  EXPECT_EQ(t.leaked_bytes, 90u);     // d and e
  EXPECT_EQ(t.leaked_count, 2u);
  EXPECT_EQ(t.temporary, 0u);
  std::free(d);
  std::free(e);
}

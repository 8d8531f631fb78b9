// Reading callgrind's output (runner/cachegrind.h): the totals, and the self
// cost of one object taken out of them (docs/gbench.md, "Instructions per
// iteration": membench's own library inside a measured loop).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

#include "runner/cachegrind.h"

namespace {

namespace mr = membench::runner;

// A file in callgrind's format: compressed names (a callee's object named
// first by "cob=" and used later by "ob="), relative positions, a call's
// inclusive cost after "calls=", and costs with trailing events left out.
constexpr const char* kOutput = R"(version: 1
creator: callgrind-3.19.0
positions: line
events: Ir Dr Dw I1mr D1mr D1mw ILmr DLmr DLmw
summary: 1000 100 50 1 2 3 0 0 0

ob=(1) /usr/bin/bench
fl=(1) bench.cpp
fn=(1) BM_x
10 300 40 20
calls=2 0
cob=(2) /opt/membench/libmembench_count.so
cfn=(2) malloc
+1 500 60 30 1 2 3
+2 100

ob=(2)
fl=(2) alloc_interpose.cpp
fn=(2)
20 40 6 4
calls=2 0
cob=(3) /usr/lib/libc.so.6
cfn=(3) malloc
* 460 54 26 1 2 3
+1 4 1

ob=(3)
fl=(3) malloc.c
fn=(3)
5 460 54 26 1 2 3

totals: 1004 101 50 1 2 3 0 0 0
)";

// The output in a file of this test's own: CTest runs the tests of this file
// in parallel processes, and one shared name let a test read the file while
// another was writing it.
class OutputFile {
 public:
  OutputFile()
      : path_(std::filesystem::temp_directory_path() /
              ("membench-callgrind-read-" + std::to_string(::getpid()) + "-" +
               ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".out")) {
    std::ofstream(path_) << kOutput;
  }
  ~OutputFile() {
    std::error_code ignored;
    std::filesystem::remove(path_, ignored);
  }
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;
  std::string path() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

}  // namespace

TEST(CallgrindRead, TotalsComeFromTheTotalsLine) {
  const OutputFile output;
  membench::report::CpuCost c = mr::read_callgrind_totals(output.path());
  EXPECT_EQ(c.instructions, 1004u);
  EXPECT_EQ(c.d1_misses, 5u);
  EXPECT_EQ(c.ll_misses, 0u);
  // accesses 1004 + 101 + 50, first-level misses 1 + 2 + 3, none of the last level.
  EXPECT_EQ(c.estimated_cycles, (1155u - 6u) + 5u * 6u);
}

TEST(CallgrindRead, AnObjectsSelfCostIsTakenOut) {
  // The library's own lines: 40 + 4 instructions, 6 + 1 reads, 4 writes;
  // its call into libc (460) is libc's, not its own.
  const OutputFile output;
  membench::report::CpuCost c = mr::read_callgrind_totals(output.path(), "libmembench_count.so");
  EXPECT_EQ(c.instructions, 1004u - 44u);
  EXPECT_EQ(c.d1_misses, 5u);
  EXPECT_EQ(c.estimated_cycles, (1004u - 44u + 101u - 7u + 50u - 4u - 6u) + 5u * 6u);
  // An object that is not in the file takes nothing out.
  EXPECT_EQ(mr::read_callgrind_totals(output.path(), "libabsent.so").instructions, 1004u);
}

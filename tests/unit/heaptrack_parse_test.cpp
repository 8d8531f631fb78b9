#include "runner/heaptrack.h"

#include <gtest/gtest.h>

using namespace membench::runner;

TEST(HeaptrackParse, SummaryLines) {
  const std::string text =
      "reading file \"x.zst\" - please wait, this might take some time...\n"
      "Debuggee command was: ./a.out\nfinished reading file, now analyzing data:\n\n"
      "total runtime: 1.142000s.\n"
      "calls to allocation functions: 4916 (4304/s)\n"
      "temporary memory allocations: 804 (704/s)\n"
      "peak heap memory consumption: 1.22M\n"
      "peak RSS (including heaptrack overhead): 9.97M\n"
      "total memory leaked: 4.45K\n"
      "suppressed leaks: 1.04K\n";
  std::vector<std::string> missing;
  HeaptrackFigures f = parse_heaptrack_summary(text, missing);
  EXPECT_TRUE(missing.empty());
  EXPECT_EQ(f.calls, 4916u);
  EXPECT_EQ(f.temporary, 804u);
  EXPECT_EQ(f.peak_heap_bytes, 1220000u);
  EXPECT_EQ(f.peak_rss_bytes, 9970000u);
  EXPECT_EQ(f.leaked_bytes, 4450u);
}

TEST(HeaptrackParse, MissingLinesAreNamed) {
  std::vector<std::string> missing;
  parse_heaptrack_summary("calls to allocation functions: 3 (1/s)\n", missing);
  ASSERT_EQ(missing.size(), 4u);
  EXPECT_EQ(missing[0], "temporary memory allocations");
}

TEST(HeaptrackParse, SiSizesAndFlameGraphSums) {
  EXPECT_EQ(parse_si_size("0B"), 0.0);
  EXPECT_EQ(parse_si_size("512B"), 512.0);
  EXPECT_EQ(parse_si_size("1.5K"), 1500.0);
  EXPECT_EQ(parse_si_size("2G"), 2e9);
  EXPECT_FALSE(parse_si_size("lots"));
  EXPECT_EQ(sum_flamegraph_costs("main;f;malloc 10\nmain;g;operator new(unsigned long) 5\nbroken\n\n"), 15u);
}

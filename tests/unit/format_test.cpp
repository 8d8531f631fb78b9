// The one way figures are written for people (terminal, Markdown, HTML, compare).
#include "util/format.h"

#include <gtest/gtest.h>

namespace {

using membench::format_bytes;
using membench::format_count;
using membench::format_rate;

TEST(Format, BytesInBinaryUnitsTwoDecimalsBelowTen) {
  EXPECT_EQ(format_bytes(0), "0 B");
  EXPECT_EQ(format_bytes(1023), "1023 B");
  EXPECT_EQ(format_bytes(8192), "8.00 KiB");
  EXPECT_EQ(format_bytes(1.5 * (1 << 20)), "1.50 MiB");
  EXPECT_EQ(format_bytes(16.0 * (1 << 20)), "16.0 MiB");
  EXPECT_EQ(format_bytes(-2.0 * (1 << 20)), "-2.00 MiB");
  EXPECT_EQ(format_bytes(1024.0 * 1024 * 1024 * 1024 * 3), "3.00 TiB");
}

TEST(Format, CountsWithThousandsSeparators) {
  EXPECT_EQ(format_count(0), "0");
  EXPECT_EQ(format_count(999), "999");
  EXPECT_EQ(format_count(1234567), "1,234,567");
  EXPECT_EQ(format_count(-83005), "-83,005");
  EXPECT_EQ(format_count(2.5), "2.5");
}

TEST(Format, RatesInDecimalBytesPerSecondSigned) {
  EXPECT_EQ(format_rate(1.92e9), "1.92 GB/s");
  EXPECT_EQ(format_rate(435.14e6), "435.1 MB/s");
  EXPECT_EQ(format_rate(500e3), "500 kB/s");
  EXPECT_EQ(format_rate(-1.5e9), "-1.50 GB/s");  // a change between two reports
  EXPECT_EQ(format_rate(-2e6), "-2.0 MB/s");
}

}  // namespace

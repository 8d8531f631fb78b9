// The one way figures are written for people (terminal, Markdown, HTML, compare).
#include "util/format.h"

#include <gtest/gtest.h>

#include <limits>

namespace {

using membench::format_bytes;
using membench::format_count;
using membench::format_rate;
using membench::Unit;

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

TEST(Format, DurationsPickTheirUnitSigned) {
  EXPECT_EQ(membench::format_duration_ns(950), "950 ns");
  EXPECT_EQ(membench::format_duration_ns(1250), "1.25 us");
  EXPECT_EQ(membench::format_duration_ns(1.25e6), "1.25 ms");
  EXPECT_EQ(membench::format_duration_ns(2.5e9), "2.500 s");
  EXPECT_EQ(membench::format_duration_ns(-1.25e6), "-1.25 ms");
}

TEST(Format, RelativeChangesSignedNewAndGone) {
  EXPECT_EQ(membench::format_relative(0), "0%");
  EXPECT_EQ(membench::format_relative(0.05), "+5.0%");
  EXPECT_EQ(membench::format_relative(-0.123), "-12.3%");
  EXPECT_EQ(membench::format_relative(0.0004), "+0.040%");  // a small change keeps its digits
  EXPECT_EQ(membench::format_relative(std::numeric_limits<double>::infinity()), "new");
  EXPECT_EQ(membench::format_relative(-std::numeric_limits<double>::infinity()), "-100%");
}

TEST(Format, PercentAndPValues) {
  EXPECT_EQ(membench::format_percent(0.079), "7.9%");
  EXPECT_EQ(membench::format_percent(1), "100.0%");
  EXPECT_EQ(membench::format_p_value(0.032), "0.032");
  EXPECT_EQ(membench::format_p_value(1.2e-5), "1.2e-05");
}

// Every unit through the one switch, so a renderer's cell, compare's table and
// the page's bar label cannot disagree.
TEST(Format, ValuesInEachUnit) {
  EXPECT_EQ(membench::format_value(Unit::count, 1234567), "1,234,567");
  EXPECT_EQ(membench::format_value(Unit::bytes, 8192), "8.00 KiB");
  EXPECT_EQ(membench::format_value(Unit::nanoseconds, 1.25e6), "1.25 ms");
  EXPECT_EQ(membench::format_value(Unit::bytes_per_second, 1.92e9), "1.92 GB/s");
  EXPECT_EQ(membench::format_value(Unit::items_per_second, 1.5e6), "1.50 M items/s");
  EXPECT_EQ(membench::format_value(Unit::items_per_second, 12), "12.0 items/s");
  EXPECT_EQ(membench::format_value(Unit::ratio, 0.079), "7.9%");
  EXPECT_EQ(membench::format_value(Unit::milliseconds, 1234.4), "1234 ms");
  EXPECT_EQ(membench::format_value(Unit::plain, 3.14159), "3.14");
  EXPECT_EQ(membench::format_delta(Unit::bytes, 1536), "+1.50 KiB");
  EXPECT_EQ(membench::format_delta(Unit::count, -3), "-3");
  EXPECT_EQ(membench::format_delta(Unit::count, 0), "0");
}

TEST(Format, AxisTicksShortInEachUnit) {
  EXPECT_EQ(membench::format_tick(Unit::bytes, 1.5 * (1 << 20)), "1.5 MiB");
  EXPECT_EQ(membench::format_tick(Unit::bytes, 512), "512 B");
  EXPECT_EQ(membench::format_tick(Unit::bytes_per_second, 2.5e9), "2.5 GB/s");
  EXPECT_EQ(membench::format_tick(Unit::bytes_per_second, 500), "0.5 kB/s");
  EXPECT_EQ(membench::format_tick(Unit::milliseconds, 250), "250 ms");
  EXPECT_EQ(membench::format_tick(Unit::milliseconds, 1500), "1.5 s");
  EXPECT_EQ(membench::format_tick(Unit::count, 12000), "12k");
  EXPECT_EQ(membench::format_tick(Unit::items_per_second, 3e6), "3M");
  EXPECT_EQ(membench::format_tick(Unit::count, 7), "7");
  EXPECT_EQ(membench::format_tick(Unit::ratio, 0.25), "25%");
}

TEST(Format, ComparisonWordsFollowTheUnitsDirection) {
  EXPECT_STREQ(membench::unit_words(Unit::count).smaller, "fewer");
  EXPECT_STREQ(membench::unit_words(Unit::bytes).smaller, "less");
  EXPECT_STREQ(membench::unit_words(Unit::nanoseconds).smaller, "faster");
  EXPECT_STREQ(membench::unit_words(Unit::bytes_per_second).smaller, "slower");
  EXPECT_STREQ(membench::unit_words(Unit::ratio).larger, "higher");
}

}  // namespace

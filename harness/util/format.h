// How figures are written for people, the same in every renderer and command
// (docs/report-format.md): sizes in binary units, counts with thousands
// separators, rates in decimal bytes per second. Renderers and compare write
// every figure through these functions and keep no formatting of their own.
#pragma once

#include <cstddef>
#include <string>

namespace membench {

std::string format_bytes(double bytes);  // "512 B", "8.00 KiB", "1.5 MiB" (signed)
std::string format_count(double n);      // "1,234,567"; a fraction or a huge value as %.4g
std::string format_rate(double bytes_per_second);  // "1.92 GB/s", "435.1 MB/s" (signed)
std::string format_items_rate(double items_per_second);  // "1.50 M items/s"
std::string format_duration_ns(double ns);     // "1.25 ms" (signed)
std::string format_relative(double relative);  // "+5.0%", "new" (from 0), "-100%"
std::string format_percent(double fraction);   // 0.123 -> "12.3%"
std::string format_p_value(double p);          // "0.032", "1.2e-05"
std::string format_fixed(double v, int decimals = 1);  // "%.*f"
std::string format_significant(double v);      // three significant digits, "%.3g"

// The unit a figure is in. The metric catalogue's units (report/metrics.h)
// are these; the rest are for figures outside it.
enum class Unit {
  count, bytes, nanoseconds, bytes_per_second, items_per_second,
  ratio,         // a fraction, written as a percentage
  milliseconds,  // whole milliseconds: elapsed time on a chart axis
  plain,         // a bare number, three significant digits
};
std::string format_value(Unit unit, double value);  // as tables write it
std::string format_delta(Unit unit, double delta);  // signed: "+1.50 MiB"
std::string format_tick(Unit unit, double value);   // short, for chart axes: "1.5 MiB", "12k"

// Words for a smaller and a larger figure of a unit ("fewer"/"more",
// "faster"/"slower"), as comparisons with a reference say them.
struct UnitWords {
  const char* smaller;
  const char* larger;
};
UnitWords unit_words(Unit unit);

// The last line of a text with trailing blanks dropped, at most max_chars
// (a failed child's stderr, quoted in its error).
std::string last_line(const std::string& text, std::size_t max_chars = 200);

}  // namespace membench

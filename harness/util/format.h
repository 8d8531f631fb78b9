// How figures are written for people, the same in every renderer and command:
// sizes in binary units, counts with thousands separators, rates in decimal
// bytes per second.
#pragma once

#include <cstddef>
#include <string>

namespace membench {

std::string format_bytes(double bytes);  // "512 B", "8.00 KiB", "1.5 MiB" (signed)
std::string format_count(double n);      // "1,234,567"; a fraction or a huge value as %.4g
std::string format_rate(double bytes_per_second);  // "1.92 GB/s", "435.1 MB/s" (signed)

// The last line of a text with trailing blanks dropped, at most max_chars
// (a failed child's stderr, quoted in its error).
std::string last_line(const std::string& text, std::size_t max_chars = 200);

}  // namespace membench

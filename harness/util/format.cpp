#include "util/format.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace membench {

std::string format_bytes(double bytes) {
  static const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double v = std::fabs(bytes);
  int u = 0;
  while (v >= 1024 && u < 4) {
    v /= 1024;
    ++u;
  }
  char buf[48];
  const char* sign = bytes < 0 ? "-" : "";
  if (u == 0) std::snprintf(buf, sizeof buf, "%s%.0f B", sign, v);
  else std::snprintf(buf, sizeof buf, "%s%.*f %s", sign, v < 10 ? 2 : 1, v, units[u]);
  return buf;
}

std::string format_count(double n) {
  char buf[64];
  if (std::fabs(n) >= 1e18 || n != std::floor(n)) {
    std::snprintf(buf, sizeof buf, "%.4g", n);
    return buf;
  }
  std::snprintf(buf, sizeof buf, "%.0f", std::fabs(n));
  std::string digits = buf, out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return (n < 0 ? "-" : "") + out;
}

std::string format_rate(double bps) {
  char buf[48];
  double a = std::fabs(bps);
  if (a >= 1e9) std::snprintf(buf, sizeof buf, "%.2f GB/s", bps / 1e9);
  else if (a >= 1e6) std::snprintf(buf, sizeof buf, "%.1f MB/s", bps / 1e6);
  else std::snprintf(buf, sizeof buf, "%.0f kB/s", bps / 1e3);
  return buf;
}

std::string last_line(const std::string& text, std::size_t max_chars) {
  std::size_t end = text.find_last_not_of(" \t\r\n");
  if (end == std::string::npos) return "";
  std::size_t start = text.rfind('\n', end);
  start = start == std::string::npos ? 0 : start + 1;
  return text.substr(start, std::min(end + 1 - start, max_chars));
}

}  // namespace membench

#include "util/format.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <initializer_list>
#include <utility>

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

std::string format_items_rate(double ips) {
  char buf[48];
  double a = std::fabs(ips);
  if (a >= 1e9) std::snprintf(buf, sizeof buf, "%.2f G items/s", ips / 1e9);
  else if (a >= 1e6) std::snprintf(buf, sizeof buf, "%.2f M items/s", ips / 1e6);
  else if (a >= 1e3) std::snprintf(buf, sizeof buf, "%.2f k items/s", ips / 1e3);
  else std::snprintf(buf, sizeof buf, "%.1f items/s", ips);
  return buf;
}

std::string format_duration_ns(double ns) {
  double v = std::fabs(ns);
  char buf[48];
  const char* sign = ns < 0 ? "-" : "";
  if (v < 1e3) std::snprintf(buf, sizeof buf, "%s%.0f ns", sign, v);
  else if (v < 1e6) std::snprintf(buf, sizeof buf, "%s%.2f us", sign, v / 1e3);
  else if (v < 1e9) std::snprintf(buf, sizeof buf, "%s%.2f ms", sign, v / 1e6);
  else std::snprintf(buf, sizeof buf, "%s%.3f s", sign, v / 1e9);
  return buf;
}

std::string format_relative(double relative) {
  if (std::isinf(relative)) return relative > 0 ? "new" : "-100%";
  if (relative == 0) return "0%";
  char buf[32];
  if (std::fabs(relative) < 0.001) std::snprintf(buf, sizeof buf, "%+.3f%%", relative * 100);
  else std::snprintf(buf, sizeof buf, "%+.1f%%", relative * 100);
  return buf;
}

std::string format_percent(double fraction) { return format_fixed(fraction * 100, 1) + "%"; }

std::string format_p_value(double p) {
  char buf[32];
  if (p < 0.001) std::snprintf(buf, sizeof buf, "%.1e", p);
  else std::snprintf(buf, sizeof buf, "%.3f", p);
  return buf;
}

std::string format_fixed(double v, int decimals) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string format_significant(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g", v);
  return buf;
}

std::string format_value(Unit unit, double value) {
  switch (unit) {
    case Unit::count: return format_count(value);
    case Unit::bytes: return format_bytes(value);
    case Unit::nanoseconds: return format_duration_ns(value);
    case Unit::bytes_per_second: return format_rate(value);
    case Unit::items_per_second: return format_items_rate(value);
    case Unit::ratio: return format_percent(value);
    case Unit::milliseconds: return format_fixed(value, 0) + " ms";
    case Unit::plain: break;
  }
  return format_significant(value);
}

std::string format_delta(Unit unit, double delta) {
  std::string s = format_value(unit, delta);
  return delta > 0 ? "+" + s : s;
}

namespace {

// `v` scaled by the largest of `steps` (ascending) it reaches, with that step's suffix.
std::string scaled_tick(double v, std::initializer_list<std::pair<double, const char*>> steps) {
  std::pair<double, const char*> chosen = *steps.begin();
  for (const auto& step : steps)
    if (std::fabs(v) >= step.first) chosen = step;
  return format_significant(v / chosen.first) + chosen.second;
}

}  // namespace

std::string format_tick(Unit unit, double value) {
  switch (unit) {
    case Unit::bytes: {
      static const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
      double a = std::fabs(value);
      int u = 0;
      while (a >= 1024 && u < 4) {
        a /= 1024;
        ++u;
      }
      std::string out = value < 0 ? "-" : "";
      return out.append(format_significant(a)).append(" ").append(units[u]);
    }
    case Unit::bytes_per_second:  // decimal, as format_rate writes rates
      return scaled_tick(value, {{1e3, " kB/s"}, {1e6, " MB/s"}, {1e9, " GB/s"}});
    case Unit::milliseconds: return scaled_tick(value, {{1, " ms"}, {1e3, " s"}});
    case Unit::nanoseconds: return format_duration_ns(value);
    case Unit::count:
    case Unit::items_per_second: return scaled_tick(value, {{1, ""}, {1e3, "k"}, {1e6, "M"}, {1e9, "G"}});
    case Unit::ratio: return format_significant(value * 100) + "%";
    case Unit::plain: break;
  }
  return format_significant(value);
}

UnitWords unit_words(Unit unit) {
  switch (unit) {
    case Unit::count: return {"fewer", "more"};
    case Unit::bytes: return {"less", "more"};
    case Unit::nanoseconds:
    case Unit::milliseconds: return {"faster", "slower"};
    case Unit::bytes_per_second:
    case Unit::items_per_second: return {"slower", "faster"};
    case Unit::ratio:
    case Unit::plain: break;
  }
  return {"lower", "higher"};
}

std::string last_line(const std::string& text, std::size_t max_chars) {
  std::size_t end = text.find_last_not_of(" \t\r\n");
  if (end == std::string::npos) return "";
  std::size_t start = text.rfind('\n', end);
  start = start == std::string::npos ? 0 : start + 1;
  return text.substr(start, std::min(end + 1 - start, max_chars));
}

}  // namespace membench

#include "track/gbench_window.h"

#include <charconv>
#include <sstream>
#include <string_view>

namespace membench::track::gbench {
namespace {

std::vector<std::string_view> split_words(std::string_view line) {
  std::vector<std::string_view> words;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && line[i] == ' ') ++i;
    std::size_t start = i;
    while (i < line.size() && line[i] != ' ') ++i;
    if (i > start) words.push_back(line.substr(start, i - start));
  }
  return words;
}

bool to_number(std::string_view s, std::uint64_t& out) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size();
}

// The keys every window line carries besides the allocation totals; the
// order on the line is free.
struct Field {
  const char* key;
  std::uint64_t Window::*number;
  bool Window::*flag;
};

constexpr Field kFields[] = {
    {"seq", &Window::seq, nullptr},
    {"threads", &Window::threads, nullptr},
    {"iterations", &Window::iterations, nullptr},
    {"counted", nullptr, &Window::counted},
    {"overflow", nullptr, &Window::overflow},
    {"hwm_reset", nullptr, &Window::hwm_reset},
    {"rss_start", &Window::rss_start, nullptr},
    {"hwm_end", &Window::hwm_end, nullptr},
};
constexpr std::size_t kFieldCount = sizeof kFields / sizeof kFields[0];

bool parse_window(const std::vector<std::string_view>& words, Window& w, std::string& error) {
  if (words.size() % 2 == 0) {
    error = "a window line has a key without a value";
    return false;
  }
  bool seen[kFieldCount] = {};
  bool total_seen[kAllocationFieldCount] = {};
  for (std::size_t i = 1; i + 1 < words.size(); i += 2) {
    std::uint64_t value = 0;
    if (!to_number(words[i + 1], value)) {
      error = "window line: '" + std::string(words[i]) + "' has no number";
      return false;
    }
    for (std::size_t f = 0; f < kFieldCount; ++f) {
      if (words[i] != kFields[f].key) continue;
      if (kFields[f].number) w.*kFields[f].number = value;
      else w.*kFields[f].flag = value != 0;
      seen[f] = true;
    }
    std::size_t t = 0;
    for_each_allocation_total(
        [&](const AllocationField& field, std::uint64_t& total) {
          if (words[i] == field.line_key) {
            total = value;
            total_seen[t] = true;
          }
          ++t;
        },
        w);
  }
  for (std::size_t f = 0; f < kFieldCount; ++f) {
    if (!seen[f]) {
      error = std::string("window line without '") + kFields[f].key + "'";
      return false;
    }
  }
  for (std::size_t t = 0; t < kAllocationFieldCount; ++t) {
    if (!total_seen[t]) {
      error = std::string("window line without '") + kAllocationFields[t].line_key + "'";
      return false;
    }
  }
  return true;
}

}  // namespace

bool parse_window_file(const std::string& text, WindowFile& out, std::string& error) {
  out = WindowFile{};
  std::istringstream in(text);
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    std::vector<std::string_view> words = split_words(line);
    if (words.empty()) continue;
    std::string why;
    if (words[0] == "hook" && words.size() >= 2 &&
        (words[1] == "shared" || words[1] == "static" || words[1] == "none")) {
      out.hook_seen = true;
      out.hooked = words[1] != "none";
      out.hook = std::string(words[1]);
      out.hook_reason.clear();
      for (std::size_t i = 3; words[1] == "none" && i < words.size(); ++i) {
        if (!out.hook_reason.empty()) out.hook_reason += ' ';
        out.hook_reason += words[i];
      }
      continue;
    }
    if (words[0] == "window") {
      Window w;
      if (parse_window(words, w, why)) {
        out.windows.push_back(w);
        continue;
      }
    } else {
      why = "unknown line '" + std::string(words[0]) + "'";
    }
    error = "window file line " + std::to_string(number) + ": " + why;
    return false;
  }
  return true;
}

}  // namespace membench::track::gbench

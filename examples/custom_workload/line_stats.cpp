// A user's own workload: the longest line and the number of lines of a text,
// computed two ways. Registered exactly like membench's built-in strategies.
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/strategy.h"

namespace {

void emit(membench::OutputSink& out, std::uint64_t lines, std::uint64_t longest) {
  out.write_u64(lines);
  out.write_u64(longest);
}

// Copies every line into a vector of strings first.
std::uint64_t copy_lines(const membench::Input& in, const membench::Params&, membench::OutputSink& out) {
  std::vector<std::string> lines;
  std::string_view text = in.text();
  while (!text.empty()) {
    std::size_t nl = text.find('\n');
    lines.emplace_back(text.substr(0, nl));
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
  }
  std::uint64_t longest = 0;
  for (const std::string& l : lines) longest = std::max<std::uint64_t>(longest, l.size());
  emit(out, lines.size(), longest);
  return lines.size();
}

// Scans the input in place: no allocation at all.
std::uint64_t scan_lines(const membench::Input& in, const membench::Params&, membench::OutputSink& out) {
  std::string_view text = in.text();
  std::uint64_t count = 0, longest = 0;
  while (!text.empty()) {
    std::size_t nl = text.find('\n');
    std::size_t len = nl == std::string_view::npos ? text.size() : nl;
    longest = std::max<std::uint64_t>(longest, len);
    ++count;
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
  }
  emit(out, count, longest);
  return count;
}

}  // namespace

MEMBENCH_WORKLOAD(.name = "line_stats", .description = "number of lines and the longest line",
                  .input = membench::InputKind::bytes, .dataset_kind = "text", .reference_strategy = "scan_lines",
                  .item_unit = "lines");
MEMBENCH_STRATEGY("line_stats", "copy_lines", "a std::string per line, then the figures", copy_lines);
MEMBENCH_STRATEGY("line_stats", "scan_lines", "one pass over the input, no allocation", scan_lines);

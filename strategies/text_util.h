// Shared by the catalogue workloads (tokenize, fields, normalize, pipeline,
// records): line splitting and a buffered writer in front of the OutputSink.
//
// Lines: the input is split at every '\n'; a final piece without '\n' is a
// line too when it is not empty. So "" has no lines, "\n" has one empty line,
// "a\nb" and "a\nb\n" both have the lines "a" and "b".
#pragma once

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "core/strategy.h"

namespace membench::catalogue {

template <class Fn>
void for_each_line(std::string_view text, Fn&& fn) {
  const char* p = text.data();
  const char* end = p + text.size();
  while (p < end) {
    auto* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
    const char* line_end = nl ? nl : end;
    fn(std::string_view(p, static_cast<std::size_t>(line_end - p)));
    p = nl ? nl + 1 : end;
  }
}

inline std::uint64_t count_lines(std::string_view text) {
  auto newlines = static_cast<std::uint64_t>(std::count(text.begin(), text.end(), '\n'));
  return newlines + (!text.empty() && text.back() != '\n' ? 1 : 0);
}

// Gathers small writes into a fixed buffer so the sink (a SHA-256 update per
// call) sees few large writes. Lives on the stack: never allocates.
class BufferedOutput {
 public:
  explicit BufferedOutput(OutputSink& sink) : sink_(sink) {}
  BufferedOutput(const BufferedOutput&) = delete;
  BufferedOutput& operator=(const BufferedOutput&) = delete;
  ~BufferedOutput() { flush(); }

  void write(std::string_view s) {
    if (s.size() >= sizeof buf_) {  // large pieces go straight through
      flush();
      sink_.write(s.data(), s.size());
      return;
    }
    if (s.size() > sizeof buf_ - used_) flush();
    std::memcpy(buf_ + used_, s.data(), s.size());
    used_ += s.size();
  }
  void put(char c) {
    if (used_ == sizeof buf_) flush();
    buf_[used_++] = c;
  }
  void write_decimal(std::uint64_t v) {
    char digits[20];
    auto [end, ec] = std::to_chars(digits, digits + sizeof digits, v);
    (void)ec;  // 20 digits hold any uint64
    write(std::string_view(digits, static_cast<std::size_t>(end - digits)));
  }
  // Little-endian, the same bytes as OutputSink::write_u64.
  void write_u64(std::uint64_t v) {
    char bytes[8];
    for (int i = 0; i < 8; ++i) bytes[i] = static_cast<char>(v >> (8 * i));
    write(std::string_view(bytes, sizeof bytes));
  }
  void flush() {
    if (used_) sink_.write(buf_, used_);
    used_ = 0;
  }

 private:
  OutputSink& sink_;
  std::size_t used_ = 0;
  char buf_[8192];
};

}  // namespace membench::catalogue

// The result channel between a case child and the runner: one "key value"
// line per figure, written with plain write(2) from a stack buffer so the
// child allocates nothing to report. The runner trusts nothing it reads:
// every line is parsed strictly, and anything malformed fails the case.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace membench::runner {

inline constexpr int kResultFd = 3;  // child writes results here
inline constexpr int kAckFd = 4;     // child waits for EOF here before exiting (memory phase)

// Child side.
class ResultWriter {
 public:
  explicit ResultWriter(int fd) : fd_(fd) {}
  void line(const char* key);
  void line(const char* key, std::uint64_t value);
  void line(const char* key, double value);
  void line(const char* key, const char* text);  // text: newlines become spaces

 private:
  void emit(const char* buf, std::size_t len);
  int fd_;
};

// Parent side: the accumulated lines of one child.
struct ChildReport {
  std::map<std::string, std::string, std::less<>> values;  // last value per key
  std::vector<std::string> repeated;                        // "rep" lines, in order
  std::vector<std::pair<std::string, std::uint64_t>> notes; // "note NAME VALUE"
  bool saw_start = false;
  bool saw_end = false;
  bool done = false;
  std::string malformed;  // first line that did not parse, if any

  void add_line(std::string_view line);
  std::optional<std::uint64_t> u64(std::string_view key) const;
  std::optional<std::string> text(std::string_view key) const;
};

}  // namespace membench::runner

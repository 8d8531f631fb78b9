// Reads a whole input file (a report, a thresholds file) into memory, refusing
// what could never be one: a FIFO or a device (reading /dev/zero never ends,
// opening a FIFO waits for a writer), a directory, or a file beyond a size cap
// (reading it would only exhaust memory before the parser refused it).
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace membench {

// 512 MiB: a case takes at most some tens of KiB of a report (its timeline
// is thinned to 2,000 points), so real reports stay far below; JSON parsing
// needs several times the file's size in memory, so this cap keeps a hostile
// or mistaken file from costing gigabytes. Documented in docs/commands.md
// ("Exit codes (every command)") and docs/report-format.md.
inline constexpr std::uint64_t kMaxInputFileBytes = std::uint64_t{512} << 20;

// what() is one line: "PATH: <problem>".
class InputFileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Reads `path`, a regular file of at most `max_bytes` bytes. `what` names the
// kind of file in messages ("report", "thresholds file"). The size is checked
// with fstat before reading and enforced while reading, so a file that grows
// meanwhile (or a /proc file, whose size reads as 0) is refused all the same.
// Throws InputFileError.
std::string read_regular_file(const std::string& path, const std::string& what,
                              std::uint64_t max_bytes = kMaxInputFileBytes);

// "512 MiB" for the messages and the help texts.
std::string describe_limit(std::uint64_t bytes);

}  // namespace membench

// Turns return addresses of a process that has exited into functions,
// files and lines, inlined frames included, with elfutils' libdw.
//
// libdw is loaded with dlopen by the runner when it symbolizes, never
// linked: the case child is this same executable, and a linked libdw (with
// libelf, zlib, lzma, bzip2) would be mapped into every measured process.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace membench::runner {

struct SymbolFrame {
  std::string function;  // demangled, parameter lists left out; "" when unknown
  std::string file;      // source file, or the module's file name without debug information
  std::uint32_t line = 0;
  bool in_hook = false;  // the allocator interposer or the unwinder (cut off the bottom of a stack)
  bool operator==(const SymbolFrame&) const = default;
};

// One file mapped by a process: [low, high) from its first mapping to its
// last, grouped the way libdw groups /proc/PID/maps lines into modules.
struct MappedFile {
  std::string path;
  std::uintptr_t low = 0, high = 0;
};

// The files a process mapped, from its /proc/PID/maps as it was. Throws
// std::runtime_error on a line that is not a maps line.
std::vector<MappedFile> parse_mapped_files(const std::string& maps);

// Symbolizes the addresses of many processes of the same executables. Each
// module file's debug information is read once, at its own addresses, and
// kept while the file on disk stays the same (device, inode, size and
// modification time): every case's child maps membench and its libraries at
// other bases (ASLR), and reading them again for each case was most of the
// time symbolizing took. One lock: safe to share between threads.
class Symbolizer {
 public:
  // `source_dir`: file names under it are written relative to it. Throws
  // std::runtime_error when libdw cannot be loaded.
  explicit Symbolizer(std::string source_dir);
  ~Symbolizer();
  Symbolizer(const Symbolizer&) = delete;
  Symbolizer& operator=(const Symbolizer&) = delete;

  // For each of `addresses` (addresses inside call instructions) of the
  // process whose /proc/PID/maps was `maps`, its frames innermost first: the
  // inlined calls, then the function containing them. Throws
  // std::runtime_error when `maps` cannot be read.
  std::vector<std::vector<SymbolFrame>> frames(const std::string& maps, const std::vector<std::uintptr_t>& addresses);

  // How many times a module file has been opened and read so far (for
  // tests: a file read once is not read again for the next process).
  std::size_t files_read() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// "ns::f<int>(long) const" -> "ns::f<int>": parameter lists left out, the
// standard string types spelt short. Exposed for tests.
std::string short_function_name(const std::string& demangled);

}  // namespace membench::runner

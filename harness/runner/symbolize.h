// Turns return addresses of a process that has exited into functions,
// files and lines, inlined frames included, with elfutils' libdw.
//
// libdw is loaded with dlopen by the runner when it symbolizes, never
// linked: the case child is this same executable, and a linked libdw (with
// libelf, zlib, lzma, bzip2) would be mapped into every measured process.
#pragma once

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
};

class Symbolizer {
 public:
  // `maps`: the process's /proc/PID/maps as it was; `source_dir`: file
  // names under it are written relative to it. Throws std::runtime_error
  // when libdw cannot be loaded or the map names no module.
  Symbolizer(const std::string& maps, std::string source_dir);
  ~Symbolizer();
  Symbolizer(const Symbolizer&) = delete;
  Symbolizer& operator=(const Symbolizer&) = delete;

  // The frames at `address` (an address inside a call instruction),
  // innermost first: the inlined calls, then the function containing them.
  std::vector<SymbolFrame> frames(std::uintptr_t address);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// "ns::f<int>(long) const" -> "ns::f<int>": parameter lists left out, the
// standard string types spelt short. Exposed for tests.
std::string short_function_name(const std::string& demangled);

}  // namespace membench::runner

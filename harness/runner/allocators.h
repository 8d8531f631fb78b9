// The allocators a case can run under. glibc is built in; the others are
// Debian's shared libraries, preloaded into the case child (LD_PRELOAD): the
// executable's own malloc family stays first in symbol lookup and forwards to
// whichever allocator comes next.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace membench::runner {

struct AllocatorDef {
  const char* name;     // "jemalloc"
  const char* package;  // Debian package that provides it
  std::vector<const char*> libraries;  // candidate paths, first readable wins
};

const std::vector<AllocatorDef>& known_allocators();  // glibc first
const AllocatorDef* find_allocator(std::string_view name);

// Path of the shared object to preload; "" for glibc or when not installed.
std::string allocator_library(const AllocatorDef& a);
bool allocator_installed(const AllocatorDef& a);

// "glibc, jemalloc, tcmalloc, mimalloc"
std::string allocator_names();

// The environment that puts `allocator` in place in a measured process
// (LD_PRELOAD, or nothing for glibc); nothing, with the reason in `why`, when
// the case must be skipped: the library is not installed, or the process is
// a sanitizer build (whose runtime must come first).
std::optional<std::vector<std::string>> allocator_environment(const std::string& allocator, bool sanitized_process,
                                                              std::string& why);

}  // namespace membench::runner

// The allocators a case can run under. glibc is built in; the others are
// Debian's shared libraries, preloaded into the case child (LD_PRELOAD): the
// executable's own malloc family stays first in symbol lookup and forwards to
// whichever allocator comes next.
#pragma once

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

}  // namespace membench::runner

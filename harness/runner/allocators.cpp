#include "runner/allocators.h"

#include <unistd.h>

namespace membench::runner {

const std::vector<AllocatorDef>& known_allocators() {
  static const std::vector<AllocatorDef> all = {
      {"glibc", "libc6", {}},
      {"jemalloc", "libjemalloc2",
       {MEMBENCH_JEMALLOC_PATH, "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2", "/usr/lib/aarch64-linux-gnu/libjemalloc.so.2"}},
      {"tcmalloc", "libtcmalloc-minimal4",
       {"/usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4", "/usr/lib/aarch64-linux-gnu/libtcmalloc_minimal.so.4"}},
      {"mimalloc", "libmimalloc2.0",
       {"/usr/lib/x86_64-linux-gnu/libmimalloc.so.2", "/usr/lib/aarch64-linux-gnu/libmimalloc.so.2"}},
  };
  return all;
}

const AllocatorDef* find_allocator(std::string_view name) {
  for (const AllocatorDef& a : known_allocators())
    if (name == a.name) return &a;
  return nullptr;
}

std::string allocator_library(const AllocatorDef& a) {
  for (const char* path : a.libraries)
    if (path && *path && ::access(path, R_OK) == 0) return path;
  return "";
}

bool allocator_installed(const AllocatorDef& a) { return a.libraries.empty() || !allocator_library(a).empty(); }

std::string allocator_names() {
  std::string s;
  for (const AllocatorDef& a : known_allocators()) s += (s.empty() ? "" : ", ") + std::string(a.name);
  return s;
}

std::optional<std::vector<std::string>> allocator_environment(const std::string& allocator, bool sanitized_process,
                                                              std::string& why) {
  const AllocatorDef* def = find_allocator(allocator);
  if (!def || def->libraries.empty()) return std::vector<std::string>{};
  if (sanitized_process) {
    why = "a sanitizer build cannot preload " + allocator + " (the sanitizer's runtime must come first)";
    return std::nullopt;
  }
  std::string lib = allocator_library(*def);
  if (lib.empty()) {
    why = allocator + " is not installed (" + def->package + ")";
    return std::nullopt;
  }
  return std::vector<std::string>{"LD_PRELOAD=" + lib};
}

}  // namespace membench::runner

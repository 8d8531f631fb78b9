// Shared by the hash strategies: open a file for reading, and finish a digest
// into the output sink.
#pragma once

#include <fcntl.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

#include "core/strategy.h"
#include "util/fd.h"
#include "util/sha256.h"

namespace membench::hash {

inline UniqueFd open_input(const char* path) {
  // "-" is standard input (membench hash -); dup so closing it is harmless.
  UniqueFd fd(std::strcmp(path, "-") == 0 ? ::fcntl(0, F_DUPFD_CLOEXEC, 3)
                                          : ::open(path, O_RDONLY | O_CLOEXEC));
  if (!fd) throw std::runtime_error(std::string("cannot open ") + path + ": " + std::strerror(errno));
  return fd;
}

[[noreturn]] inline void read_failed(const char* path) {
  throw std::runtime_error(std::string("cannot read ") + path + ": " + std::strerror(errno));
}

// Hashes `size` bytes of a file mapping (hash_mmap.cpp). If the file shrinks
// while mapped, the SIGBUS of reading past its new end becomes a
// std::runtime_error naming `path` and the offset, instead of ending the process.
void hash_mapping(Sha256& hasher, const void* data, std::size_t size, const char* path);

inline void emit(Sha256& hasher, OutputSink& out) {
  Digest d = hasher.finish();
  out.write(d.data(), d.size());
}

}  // namespace membench::hash

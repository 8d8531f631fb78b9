// Shared by the pipeline strategies: the steps of a load -> compute -> save
// job, as in the guide's "drop large resources early" example:
//
//   load     the whole file into a heap buffer of its size (n bytes);
//   summary  byte and line count (lines as in text_util.h);
//   compute  the result: an uppercase copy of the text (ASCII a-z; n bytes);
//   save     render the result as a numbered listing, "<line number>\t<LINE>\n"
//            per line, numbers from 1, into one output buffer (about 1.1 n
//            bytes, as a serializer that builds the document first would),
//            and write it.
//
// Canonical output: write_u64(bytes), write_u64(lines), then the listing.
// The save step reads only the result, so the input can be freed before it.
#pragma once

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include "strategies/text_util.h"
#include "util/fd.h"

namespace membench::catalogue::pipeline {

// A heap buffer of known size; reset() frees it.
struct Buffer {
  std::unique_ptr<char[]> data;
  std::size_t size = 0;

  std::string_view view() const { return {data.get(), size}; }
  void reset() {
    data.reset();
    size = 0;
  }
};

// Uninitialised (every byte is written next); an empty buffer allocates nothing.
inline Buffer allocate_buffer(std::size_t size) {
  Buffer buffer;
  buffer.size = size;
  if (size) buffer.data = std::make_unique_for_overwrite<char[]>(size);
  return buffer;
}

[[noreturn]] inline void io_failed(const char* what, const char* path) {
  throw std::runtime_error(std::string(what) + " " + path + ": " + std::strerror(errno));
}

inline Buffer load_file(const char* path) {
  UniqueFd fd(::open(path, O_RDONLY | O_CLOEXEC));
  if (!fd) io_failed("cannot open", path);
  struct stat st{};
  if (::fstat(fd.get(), &st) != 0) io_failed("cannot stat", path);
  if (!S_ISREG(st.st_mode)) throw std::runtime_error(std::string(path) + ": not a regular file");
  Buffer buffer = allocate_buffer(static_cast<std::size_t>(st.st_size));
  std::size_t done = 0;
  while (done < buffer.size) {
    ssize_t n = ::read(fd.get(), buffer.data.get() + done, buffer.size - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) io_failed("cannot read", path);
    if (n == 0) throw std::runtime_error(std::string(path) + ": file shrank while reading");
    done += static_cast<std::size_t>(n);
  }
  return buffer;
}

struct Summary {
  std::uint64_t bytes = 0;
  std::uint64_t lines = 0;
};

inline Summary summarise(std::string_view text) { return {text.size(), count_lines(text)}; }

inline Buffer uppercase_copy(std::string_view text) {
  Buffer result = allocate_buffer(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    result.data[i] = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
  }
  return result;
}

inline std::size_t decimal_digits(std::uint64_t v) {
  std::size_t n = 1;
  while (v >= 10) {
    v /= 10;
    ++n;
  }
  return n;
}

// The listing is sized exactly first, so it is one allocation.
inline Buffer render_listing(std::string_view result) {
  std::size_t size = 0;
  std::uint64_t number = 0;
  for_each_line(result, [&](std::string_view line) { size += decimal_digits(++number) + 1 + line.size() + 1; });
  Buffer listing = allocate_buffer(size);
  char* at = listing.data.get();
  number = 0;
  for_each_line(result, [&](std::string_view line) {
    at = std::to_chars(at, listing.data.get() + size, ++number).ptr;
    *at++ = '\t';
    std::memcpy(at, line.data(), line.size());
    at += line.size();
    *at++ = '\n';
  });
  return listing;
}

inline void save(const Summary& summary, const Buffer& listing, OutputSink& out) {
  out.write_u64(summary.bytes);
  out.write_u64(summary.lines);
  out.write(listing.view());
}

}  // namespace membench::catalogue::pipeline

// Small text helpers the page and report tests share.
#pragma once

#include <cstddef>
#include <string>

// How many times `what` occurs in `text`, without overlaps.
inline std::size_t count_occurrences(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
  return n;
}

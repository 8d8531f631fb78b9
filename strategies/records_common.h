// Shared by the records strategies. The input is a set of documents separated
// by empty lines (a document is a maximal run of non-empty lines; its text
// runs from its first line's start to its last line's end, inner '\n'
// included). Each document becomes a record holding a 64 KiB table: the
// document's byte-bigram profile, table[a * 256 + b] = how often byte b
// follows byte a, saturating at 255 (as a language guesser or a compression
// model keeps per document). All records are built and kept, then written.
//
// Canonical output, per record in document order: write_u64(index),
// write_u64(document bytes), then the 65536 table bytes.
//
// The work runs on a thread with a painted stack (stack_probe.h) and the
// stack high-water mark is reported as the note "stack_high_water_bytes".
// Painting makes that stack resident: both strategies' RSS and time include
// the same 512 KiB for it.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "strategies/stack_probe.h"
#include "strategies/text_util.h"

namespace membench::catalogue::records {

using BigramTable = std::array<std::uint8_t, 256 * 256>;
static_assert(sizeof(BigramTable) == 64 * 1024);

// Room for a few inline records (an overflow hits the guard page, it does
// not corrupt memory); small, because painting it is part of every run.
inline constexpr std::size_t kProbeStackBytes = 512 * 1024;

template <class Fn>
void for_each_document(std::string_view text, Fn&& fn) {
  const char* start = nullptr;
  const char* end = nullptr;
  for_each_line(text, [&](std::string_view line) {
    if (line.empty()) {
      if (start) fn(std::string_view(start, static_cast<std::size_t>(end - start)));
      start = nullptr;
      return;
    }
    if (!start) start = line.data();
    end = line.data() + line.size();
  });
  if (start) fn(std::string_view(start, static_cast<std::size_t>(end - start)));
}

// `table` must be zeroed.
inline void fill_bigrams(std::string_view document, BigramTable& table) {
  for (std::size_t i = 1; i < document.size(); ++i) {
    auto& cell = table[static_cast<unsigned char>(document[i - 1]) * 256u + static_cast<unsigned char>(document[i])];
    if (cell != 255) ++cell;
  }
}

inline void write_record(BufferedOutput& out, std::uint64_t index, std::uint64_t bytes, const BigramTable& table) {
  out.write_u64(index);
  out.write_u64(bytes);
  out.write(std::string_view(reinterpret_cast<const char*>(table.data()), table.size()));
}

}  // namespace membench::catalogue::records

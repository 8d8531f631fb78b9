// Shared by the tokenize strategies: what a word is, the counting loop, and
// the canonical output.
//
// A word is a maximal run of the bytes [A-Za-z0-9_]; every other byte
// (whitespace, punctuation, bytes >= 0x80) separates words. Words are
// case-sensitive. Canonical output: one line "word\tcount\n" per distinct word,
// sorted bytewise by word (unsigned byte order, as memcmp).
//
// The strategies differ only in the key type of the frequency table and in
// where its memory comes from. All of them except std_string_naive look a
// word up by std::string_view first (heterogeneous lookup) and build an
// owning key only for a word not seen before.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <string_view>

#include "strategies/text_util.h"

namespace membench::catalogue::tokenize {

inline constexpr std::array<bool, 256> kWordByte = [] {
  std::array<bool, 256> table{};
  for (int c = 0; c < 256; ++c)
    table[static_cast<std::size_t>(c)] =
        (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  return table;
}();

inline bool is_word_byte(char c) { return kWordByte[static_cast<unsigned char>(c)]; }

template <class Fn>
void for_each_word(std::string_view text, Fn&& fn) {
  const char* p = text.data();
  const char* end = p + text.size();
  for (;;) {
    while (p < end && !is_word_byte(*p)) ++p;
    if (p == end) return;
    const char* start = p;
    while (p < end && is_word_byte(*p)) ++p;
    fn(std::string_view(start, static_cast<std::size_t>(p - start)));
  }
}

// Hash and equality on the bytes of any string-like key, so a map keyed by an
// owning string can be searched with a string_view without building a key.
struct TextHash {
  using is_transparent = void;
  template <class Text>
  std::size_t operator()(const Text& s) const {
    return std::hash<std::string_view>{}(std::string_view(s.data(), s.size()));
  }
};
struct TextEqual {
  using is_transparent = void;
  template <class A, class B>
  bool operator()(const A& a, const B& b) const {
    return std::string_view(a.data(), a.size()) == std::string_view(b.data(), b.size());
  }
};

// Counts every word of `text` into `counts`; make_key builds the owning key of
// a new word. Returns the number of words.
template <class Map, class MakeKey>
std::uint64_t count_words(std::string_view text, Map& counts, MakeKey&& make_key) {
  std::uint64_t words = 0;
  for_each_word(text, [&](std::string_view word) {
    ++words;
    auto it = counts.find(word);
    if (it != counts.end())
      ++it->second;
    else
      counts.emplace(make_key(word), 1);
  });
  return words;
}

// Writes the table sorted by word. `order` is an empty vector of entry
// pointers, passed in so a strategy decides where that memory comes from.
template <class Map, class PointerVector>
void write_sorted(const Map& counts, PointerVector& order, OutputSink& sink) {
  order.reserve(counts.size());
  for (const auto& entry : counts) order.push_back(&entry);
  auto key_of = [](const auto* entry) { return std::string_view(entry->first.data(), entry->first.size()); };
  std::sort(order.begin(), order.end(), [&](const auto* a, const auto* b) { return key_of(a) < key_of(b); });
  BufferedOutput out(sink);
  for (const auto* entry : order) {
    out.write(key_of(entry));
    out.put('\t');
    out.write_decimal(entry->second);
    out.put('\n');
  }
}

// Reports the key type's footprint: sizeof and how many bytes it holds
// without a heap block (measured on an empty key, which never allocates).
template <class Key>
void note_key_figures(OutputSink& sink, const Key& empty_key) {
  sink.note("key_sizeof", sizeof(Key));
  sink.note("key_inline_capacity", empty_key.capacity());
}

}  // namespace membench::catalogue::tokenize

// "documents": short prose documents of 8-24 KiB, separated by one empty
// line, for the records workload (one 64 KiB record per document, so the
// sizes stay small: 64 KiB of documents make about 4 records). Words come from
// a synthetic vocabulary of 2000 words; each document draws from its own
// slice of it, so documents differ in their byte-bigram profiles. Lines wrap
// near 72 columns. Memory O(vocabulary).
#include <string>
#include <vector>

#include "datasets/dataset.h"

namespace membench::datasets {
namespace {

constexpr std::size_t kWords = 2000;

std::vector<std::string> make_words(Rng& rng) {
  static constexpr std::string_view syllables[] = {"ka", "lo", "mi", "ne", "ra", "su", "ti", "vo", "an", "el",
                                                   "or", "th", "qu", "ex", "ing", "ed", "st", "pr", "ow", "ay"};
  std::vector<std::string> words(kWords);
  for (std::string& w : words) {
    std::uint64_t n = 1 + rng.below(4);
    for (std::uint64_t i = 0; i < n; ++i) w += syllables[rng.below(std::size(syllables))];
  }
  return words;
}

// Writes until the writer is full: the first N bytes are the same for every size.
void generate_documents(std::uint64_t /*size*/, ByteWriter& out) {
  Rng rng(0x646f63756d656e74ull);  // "document"
  const std::vector<std::string> words = make_words(rng);
  bool first = true;
  while (!out.full()) {
    if (!first) out.put('\n');  // the empty line between documents
    first = false;
    std::uint64_t target = (8 + rng.below(17)) * 1024;
    std::uint64_t slice = rng.below(kWords - 400);  // this document's part of the vocabulary
    std::uint64_t written = 0, column = 0;
    while (written < target && !out.full()) {
      const std::string& word = words[slice + rng.below(400)];
      if (column > 0) {
        char sep = column + word.size() >= 72 ? '\n' : ' ';
        out.put(sep);
        column = sep == '\n' ? 0 : column + 1;
        ++written;
      }
      out.write(word);
      column += word.size();
      written += word.size();
    }
    out.put('\n');
  }
}

}  // namespace

MEMBENCH_DATASET(documents_64k, "documents-64KiB", "documents", 64ull << 10, kQuick | kStandard, generate_documents,
                 "67924283abf0bb82f3c5744726557e6ea9761f8de313554581885e5d2e0d1fc9",
                 "prose documents of 8-24 KiB separated by empty lines, 64 KiB");
MEMBENCH_DATASET(documents_256k, "documents-256KiB", "documents", 256ull << 10, kStandard, generate_documents,
                 "284362643361860c234708f8aecc9c539fd473ad258cad7b8ccdf5f7ebc616c6",
                 "prose documents of 8-24 KiB separated by empty lines, 256 KiB");
MEMBENCH_DATASET(documents_1m, "documents-1MiB", "documents", 1ull << 20, kStandard, generate_documents,
                 "3c24fa441af6f2a90358669e07fd8e86d06229711b3d7f8755f93b17ed1c1190",
                 "prose documents of 8-24 KiB separated by empty lines, 1 MiB");

}  // namespace membench::datasets

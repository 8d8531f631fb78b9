// "text": English-like prose. Words come from a fixed synthetic vocabulary
// drawn with Zipf frequencies (s = 1), word lengths follow a skewed
// distribution with a tail longer than 24 bytes (so small-string strategies
// meet the heap), lines wrap near 80 columns. Memory is O(vocabulary).
#include <algorithm>
#include <charconv>
#include <string>
#include <vector>

#include "datasets/dataset.h"

namespace membench::datasets {
namespace {

constexpr std::size_t kVocabulary = 50000;

std::size_t word_length(Rng& rng) {
  // Short words dominate; about 2% are 25..48 bytes long.
  double u = rng.unit();
  if (u < 0.30) return 1 + rng.below(3);    // 1..3
  if (u < 0.75) return 4 + rng.below(4);    // 4..7
  if (u < 0.93) return 8 + rng.below(6);    // 8..13
  if (u < 0.98) return 14 + rng.below(11);  // 14..24
  return 25 + rng.below(24);                // 25..48
}

std::vector<std::string> make_vocabulary(Rng& rng) {
  static constexpr char letters[] = "etaoinshrdlcumwfgypbvkjxqz";
  std::vector<std::string> words;
  words.reserve(kVocabulary);
  for (std::size_t i = 0; i < kVocabulary; ++i) {
    std::size_t len = word_length(rng);
    std::string w;
    w.reserve(len + 8);
    for (std::size_t k = 0; k < len; ++k) {
      // Skew towards frequent letters, as in real text.
      double u = rng.unit();
      w.push_back(letters[static_cast<std::size_t>(u * u * 26)]);
    }
    // Make words unique by a suffix; frequent (low-index) words stay short.
    // Digits go through to_chars rather than `w += std::to_string(...)`,
    // which trips GCC 12's -Wrestrict false positive (same bytes either way).
    if (i >= 26 * 26) {
      char digits[8];
      auto [end, ec] = std::to_chars(digits, digits + sizeof digits, i % 1000);
      (void)ec;  // three digits always fit
      w.append(digits, end);
    }
    words.push_back(std::move(w));
  }
  // Frequent words should be short, as in natural language.
  std::stable_sort(words.begin(), words.begin() + 2000,
                   [](const std::string& a, const std::string& b) { return a.size() < b.size(); });
  return words;
}

// Writes until the writer is full: the size is the writer's limit, so the
// first N bytes are the same for every size.
void generate_text(std::uint64_t /*size*/, ByteWriter& out) {
  Rng rng(0x6d656d62656e6368ull);  // "membench"
  std::vector<std::string> words = make_vocabulary(rng);
  std::vector<double> cdf(kVocabulary);
  double total = 0;
  for (std::size_t i = 0; i < kVocabulary; ++i) cdf[i] = (total += 1.0 / static_cast<double>(i + 1));
  for (double& c : cdf) c /= total;

  std::size_t column = 0;
  bool sentence_start = true;
  while (!out.full()) {
    auto it = std::lower_bound(cdf.begin(), cdf.end(), rng.unit());
    std::size_t idx = static_cast<std::size_t>(it - cdf.begin());
    if (idx >= kVocabulary) idx = kVocabulary - 1;
    std::string word = words[idx];
    if (sentence_start && !word.empty() && word[0] >= 'a' && word[0] <= 'z') word[0] = static_cast<char>(word[0] - 32);
    sentence_start = false;
    if (column > 0) {
      if (column + word.size() >= 78) {
        out.put('\n');
        column = 0;
      } else {
        out.put(' ');
        ++column;
      }
    }
    out.write(word);
    column += word.size();
    std::uint64_t r = rng.below(100);
    if (r < 6) {
      out.put('.');
      ++column;
      sentence_start = true;
    } else if (r < 12) {
      out.put(',');
      ++column;
    }
  }
}

}  // namespace

MEMBENCH_DATASET(text_1m, "text-1MiB", "text", 1ull << 20, kQuick | kStandard, generate_text,
                 "c0fd82ad47a3122e9125c920079061896a57f70be084c16b0bd5d695a24beed5",
                 "Zipf-distributed words, 1 MiB");
MEMBENCH_DATASET(text_4m, "text-4MiB", "text", 4ull << 20, kQuick | kStandard, generate_text,
                 "af8b7a53c7700e19323ef928142ffabb56ec438663f4b30b5e94bcc4d55c0fe1",
                 "Zipf-distributed words, 4 MiB");
MEMBENCH_DATASET(text_16m, "text-16MiB", "text", 16ull << 20, kStandard, generate_text,
                 "0062e22406cb0c717c403994f6c79c234da6df62d9bb0d13dc76060be42130ec",
                 "Zipf-distributed words, 16 MiB");
MEMBENCH_DATASET(text_64m, "text-64MiB", "text", 64ull << 20, kLarge, generate_text,
                 "562c3f8fc672e516bbb33b49043fd335fc659dd490c4d6c5a2f3a94d620e2cba",
                 "Zipf-distributed words, 64 MiB");
MEMBENCH_DATASET(text_256m, "text-256MiB", "text", 256ull << 20, kLarge, generate_text,
                 "88056551dbd904f6c0bd916e18886fcb0c4dbbe9974fe8646bebed66e2efedd4",
                 "Zipf-distributed words, 256 MiB");
MEMBENCH_DATASET(text_1g, "text-1GiB", "text", 1ull << 30, kLarge, generate_text,
                 "63f5e123d69950b8fb39e9cc4c1586f3af15a387bc5b69e3fd94b9858ca60f67",
                 "Zipf-distributed words, 1 GiB (opt-in)");

}  // namespace membench::datasets

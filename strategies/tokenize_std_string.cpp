// tokenize/std_string: the table owns a std::string key per distinct word.
// Costs one node per distinct word plus a heap block for every word longer
// than libstdc++'s 15 inline bytes; a std::string is 32 bytes.
// tokenize/std_string_naive: the everyday `++counts[std::string(word)]`, which
// builds a temporary key for every occurrence: each word over 15 bytes costs an
// allocation that is freed at once (the report's "temporary" figure).
#include <string>
#include <unordered_map>
#include <vector>

#include "strategies/tokenize_common.h"

namespace membench::catalogue::tokenize {
namespace {

using Counts = std::unordered_map<std::string, std::uint64_t, TextHash, TextEqual>;

std::uint64_t run_std_string(const Input& in, const Params&, OutputSink& out) {
  Counts counts;
  std::uint64_t words = count_words(in.text(), counts, [](std::string_view w) { return std::string(w); });
  std::vector<const Counts::value_type*> order;
  write_sorted(counts, order, out);
  note_key_figures(out, std::string());
  return words;
}

std::uint64_t run_std_string_naive(const Input& in, const Params&, OutputSink& out) {
  std::unordered_map<std::string, std::uint64_t> counts;
  std::uint64_t words = 0;
  for_each_word(in.text(), [&](std::string_view w) {
    ++words;
    ++counts[std::string(w)];
  });
  std::vector<const decltype(counts)::value_type*> order;
  write_sorted(counts, order, out);
  note_key_figures(out, std::string());
  return words;
}

}  // namespace

MEMBENCH_STRATEGY("tokenize", "std_string", "std::string key per distinct word, looked up by string_view",
                  run_std_string);
MEMBENCH_STRATEGY("tokenize", "std_string_naive", "counts[std::string(word)]: a temporary key per occurrence",
                  run_std_string_naive);

}  // namespace membench::catalogue::tokenize

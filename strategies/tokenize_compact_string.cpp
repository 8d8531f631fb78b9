// tokenize/compact_string: keys are membench::compact_string (24 bytes, 23
// inline; harness/core/compact_string.h), the C++ form of the guide's
// CompactString. Words up to 23 bytes cost no heap block of their own, and
// each node is 8 bytes smaller than with std::string.
#include <unordered_map>
#include <vector>

#include "core/compact_string.h"
#include "strategies/tokenize_common.h"

namespace membench::catalogue::tokenize {
namespace {

using Counts = std::unordered_map<compact_string, std::uint64_t, TextHash, TextEqual>;

std::uint64_t run_compact_string(const Input& in, const Params&, OutputSink& out) {
  Counts counts;
  std::uint64_t words = count_words(in.text(), counts, [](std::string_view w) { return compact_string(w); });
  std::vector<const Counts::value_type*> order;
  write_sorted(counts, order, out);
  note_key_figures(out, compact_string());
  return words;
}

}  // namespace

MEMBENCH_STRATEGY("tokenize", "compact_string", "membench::compact_string keys (24 bytes, 23 inline)",
                  run_compact_string);

}  // namespace membench::catalogue::tokenize

// tokenize/string_view: keys borrow from the input (the guide's "use
// references"): a key is a 16-byte view into the loaded text, no word is
// copied. Costs only the table's nodes and buckets; the price is that the
// table must not outlive the input.
#include <string_view>
#include <unordered_map>
#include <vector>

#include "strategies/tokenize_common.h"

namespace membench::catalogue::tokenize {
namespace {

using Counts = std::unordered_map<std::string_view, std::uint64_t, TextHash, TextEqual>;

std::uint64_t run_string_view(const Input& in, const Params&, OutputSink& out) {
  Counts counts;
  std::uint64_t words = count_words(in.text(), counts, [](std::string_view w) { return w; });
  std::vector<const Counts::value_type*> order;
  write_sorted(counts, order, out);
  out.note("key_sizeof", sizeof(std::string_view));
  out.note("key_inline_capacity", 0);  // a view holds no bytes of its own
  return words;
}

}  // namespace

MEMBENCH_STRATEGY("tokenize", "string_view", "keys borrow from the input: std::string_view",
                  run_string_view);

}  // namespace membench::catalogue::tokenize

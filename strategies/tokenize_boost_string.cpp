// tokenize/boost_string: keys are boost::container::string, 24 bytes with 22
// inline: the packaged small-string alternative to std::string (32/15). Words
// up to 22 bytes cost no heap block; each node is 8 bytes smaller.
#include <boost/container/string.hpp>
#include <unordered_map>
#include <vector>

#include "strategies/tokenize_common.h"

namespace membench::catalogue::tokenize {
namespace {

using Key = boost::container::string;
using Counts = std::unordered_map<Key, std::uint64_t, TextHash, TextEqual>;

std::uint64_t run_boost_string(const Input& in, const Params&, OutputSink& out) {
  Counts counts;
  std::uint64_t words = count_words(in.text(), counts, [](std::string_view w) { return Key(w.data(), w.size()); });
  std::vector<const Counts::value_type*> order;
  write_sorted(counts, order, out);
  note_key_figures(out, Key());
  return words;
}

}  // namespace

MEMBENCH_STRATEGY("tokenize", "boost_string", "boost::container::string keys (24 bytes, 22 inline)",
                  run_boost_string);

}  // namespace membench::catalogue::tokenize

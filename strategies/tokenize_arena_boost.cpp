// tokenize/arena_boost: the arena strategy with Boost.Container's pmr instead
// of the standard library's: boost::container::pmr::monotonic_buffer_resource,
// boost::container::pmr::string keys (Boost's string layout, 22 bytes inline
// plus the resource pointer) in the same std::unordered_map. Same costs as
// tokenize/arena; shows whether the Boost arena behaves differently.
#include <boost/container/pmr/monotonic_buffer_resource.hpp>
#include <boost/container/pmr/polymorphic_allocator.hpp>
#include <boost/container/pmr/string.hpp>
#include <boost/container/pmr/vector.hpp>
#include <unordered_map>

#include "strategies/tokenize_common.h"

namespace membench::catalogue::tokenize {
namespace {

namespace bpmr = boost::container::pmr;
using Key = bpmr::string;
using Counts = std::unordered_map<Key, std::uint64_t, TextHash, TextEqual,
                                  bpmr::polymorphic_allocator<std::pair<const Key, std::uint64_t>>>;

std::uint64_t run_arena_boost(const Input& in, const Params& params, OutputSink& out) {
  bpmr::monotonic_buffer_resource arena(static_cast<std::size_t>(params.get("initial_bytes", 65536)));
  bpmr::polymorphic_allocator<char> alloc(&arena);
  std::uint64_t words = 0;
  {
    Counts counts(Counts::allocator_type{&arena});
    // The key is built with the arena's allocator; moving it into the node
    // keeps that allocator, so its bytes stay in the arena.
    words = count_words(in.text(), counts, [&](std::string_view w) { return Key(w.data(), w.size(), alloc); });
    bpmr::vector<const Counts::value_type*> order(&arena);
    write_sorted(counts, order, out);
    note_key_figures(out, Key(alloc));
  }
  return words;
}

}  // namespace

MEMBENCH_STRATEGY("tokenize", "arena_boost", "boost::container::pmr monotonic arena holds table and keys",
                  run_arena_boost, {"initial_bytes", 65536});

}  // namespace membench::catalogue::tokenize

// tokenize/arena: the whole table (nodes, buckets, key bytes, the sort order)
// lives in one std::pmr::monotonic_buffer_resource, the C++ form of the
// guide's bumpalo arena. Allocation is a pointer bump and everything is freed
// at once when the arena goes out of scope; the cost is that nothing is freed
// before that (outgrown bucket arrays stay in the arena), and a pmr::string
// key is 40 bytes (32 + the resource pointer), 15 inline.
#include <memory_resource>
#include <string>
#include <unordered_map>
#include <vector>

#include "strategies/tokenize_common.h"

namespace membench::catalogue::tokenize {
namespace {

using Counts = std::pmr::unordered_map<std::pmr::string, std::uint64_t, TextHash, TextEqual>;

std::uint64_t run_arena(const Input& in, const Params& params, OutputSink& out) {
  std::pmr::monotonic_buffer_resource arena(static_cast<std::size_t>(params.get("initial_bytes", 65536)));
  std::uint64_t words = 0;
  {
    Counts counts(&arena);
    words = count_words(in.text(), counts, [&](std::string_view w) { return std::pmr::string(w, &arena); });
    std::pmr::vector<const Counts::value_type*> order(&arena);
    write_sorted(counts, order, out);
    note_key_figures(out, std::pmr::string(&arena));
  }  // the containers' destructors hand memory back to the arena, which ignores it
  return words;
}

}  // namespace

MEMBENCH_STRATEGY("tokenize", "arena", "std::pmr::monotonic_buffer_resource holds table and keys",
                  run_arena, {"initial_bytes", 65536});

}  // namespace membench::catalogue::tokenize

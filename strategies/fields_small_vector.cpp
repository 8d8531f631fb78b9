// fields/small_vector: boost::container::small_vector<std::string_view, 8> per
// row (the guide's SmallVec): rows of up to 8 fields store them inline, with
// no heap block; longer rows spill to the heap. The price is the row's size:
// 152 bytes in the rows table instead of a std::vector's 24, and the table's
// doubling moves and holds (old + new) all of them, so with push_back growth
// the peak can exceed fields/vector's.
// fields/small_vector_reserve: the same rows in a table reserved from a line
// count (small_vector plus the guide's "pre-allocate collections"): one block
// for the table, one per row over 8 fields, nothing else.
#include <boost/container/small_vector.hpp>
#include <string_view>
#include <vector>

#include "strategies/fields_common.h"

namespace membench::catalogue::fields {
namespace {

using Row = boost::container::small_vector<std::string_view, 8>;

std::uint64_t run_small_vector(const Input& in, const Params&, OutputSink& out) {
  std::vector<Row> rows;
  parse_rows(in.text(), rows);
  write_rows(rows, out);
  return rows.size();
}

std::uint64_t run_small_vector_reserve(const Input& in, const Params&, OutputSink& out) {
  std::vector<Row> rows;
  rows.reserve(count_lines(in.text()));
  parse_rows(in.text(), rows);
  write_rows(rows, out);
  return rows.size();
}

}  // namespace

MEMBENCH_STRATEGY("fields", "small_vector", "boost small_vector<string_view, 8> per row", run_small_vector);
MEMBENCH_STRATEGY("fields", "small_vector_reserve", "small_vector rows in a table reserved from a line count",
                  run_small_vector_reserve);

}  // namespace membench::catalogue::fields

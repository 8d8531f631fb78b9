// fields/vector: a std::vector<std::string_view> per row, grown by push_back,
// in a std::vector of rows grown by push_back (the guide's "grows
// incrementally"). Costs a heap block per row, several reallocations for the
// rows with many fields, and the outer vector's doubling (while it moves the
// rows, old and new storage are live at once: up to 3x the rows' size).
// fields/vector_reserve: the same containers reserved from a pre-count: one
// pass counts the lines, each row counts its commas first (the guide's
// "pre-allocate collections"). Exactly one block per row and one for the
// table; the price is reading the input twice.
#include <string_view>
#include <vector>

#include "strategies/fields_common.h"

namespace membench::catalogue::fields {
namespace {

using Row = std::vector<std::string_view>;

std::uint64_t run_vector(const Input& in, const Params&, OutputSink& out) {
  std::vector<Row> rows;
  parse_rows(in.text(), rows);
  write_rows(rows, out);
  return rows.size();
}

std::uint64_t run_vector_reserve(const Input& in, const Params&, OutputSink& out) {
  std::vector<Row> rows;
  rows.reserve(count_lines(in.text()));
  parse_rows(in.text(), rows, [](Row& row, std::string_view line) { row.reserve(count_fields(line)); });
  write_rows(rows, out);
  return rows.size();
}

}  // namespace

MEMBENCH_STRATEGY("fields", "vector", "std::vector<string_view> per row, push_back growth", run_vector);
MEMBENCH_STRATEGY("fields", "vector_reserve", "rows and fields reserved from a pre-count", run_vector_reserve);

}  // namespace membench::catalogue::fields

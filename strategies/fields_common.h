// Shared by the fields strategies: how a CSV-like text splits into rows and
// fields, and the canonical output.
//
// Rows are the lines of the input (see text_util.h); a row's fields are the
// pieces between commas, so an empty line is one empty field and "a,,b" is
// three fields. There is no quoting: a comma always separates, and a '\r'
// before the '\n' stays in the last field. Every row is kept (as views into
// the input) until all are parsed, then written.
//
// Canonical output, per row: each field as write_u64(length) + its bytes, then
// the row separator write_u64(kRowEnd) (no field is that long).
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "strategies/text_util.h"

namespace membench::catalogue::fields {

inline constexpr std::uint64_t kRowEnd = ~std::uint64_t{0};

template <class Fn>
void for_each_field(std::string_view line, Fn&& fn) {
  const char* p = line.data();
  const char* end = p + line.size();
  for (;;) {
    auto* comma = static_cast<const char*>(std::memchr(p, ',', static_cast<std::size_t>(end - p)));
    const char* field_end = comma ? comma : end;
    fn(std::string_view(p, static_cast<std::size_t>(field_end - p)));
    if (!comma) return;
    p = comma + 1;
  }
}

inline std::size_t count_fields(std::string_view line) {
  return 1 + static_cast<std::size_t>(std::count(line.begin(), line.end(), ','));
}

// Parses every row into a new element of rows; prepare(row, line) runs on
// the empty row first (e.g. to reserve). Rows are built in place, not moved.
template <class Rows, class Prepare>
void parse_rows(std::string_view text, Rows& rows, Prepare&& prepare) {
  for_each_line(text, [&](std::string_view line) {
    auto& row = rows.emplace_back();
    prepare(row, line);
    for_each_field(line, [&](std::string_view field) { row.push_back(field); });
  });
}

template <class Rows>
void parse_rows(std::string_view text, Rows& rows) {
  parse_rows(text, rows, [](auto&, std::string_view) {});
}

// `fields_of(row)` gives a range of string_view for one row.
template <class Rows, class FieldsOf>
void write_rows(const Rows& rows, OutputSink& sink, FieldsOf&& fields_of) {
  BufferedOutput out(sink);
  for (const auto& row : rows) {
    for (std::string_view field : fields_of(row)) {
      out.write_u64(field.size());
      out.write(field);
    }
    out.write_u64(kRowEnd);
  }
}

template <class Rows>
void write_rows(const Rows& rows, OutputSink& sink) {
  write_rows(rows, sink, [](const auto& row) -> const auto& { return row; });
}

}  // namespace membench::catalogue::fields

// The allocation totals, declared once. The counter's totals
// (track::AllocationTotals), a Google Benchmark window line
// (track::gbench::Window), the case child's result message
// (runner::AllocationFigures), the report model (report::Allocations) and
// its JSON all take their members and keys from MEMBENCH_ALLOCATION_TOTALS,
// and every copy, sum, read and write of them is a loop over it: adding a
// figure is one line here plus its row in the metric catalogue
// (docs/architecture.md, "Adding an allocation figure"). What each figure
// means: docs/figures.md.
//
// Header-only, including only <cstddef> and <cstdint>: the preloaded
// counting library compiles it.
#pragma once

#include <cstddef>
#include <cstdint>

// X(member, report_key, line_key, when_read, in_sequence)
//   member       the member's name in each struct above (std::uint64_t)
//   report_key   its key under a case's "allocations" (docs/report-format.md)
//   line_key     its key on a window line (docs/gbench.md); on the case
//                child's result channel the key is "alloc_" line_key
//   when_read    required: a report without it is refused; optional: reports
//                written before the figure existed lack it, and it reads as 0
//   in_sequence  how the totals of windows run one after another combine:
//                add, or highest (a high-water mark)
#define MEMBENCH_ALLOCATION_TOTALS(X)                                   \
  X(count, "count", "count", required, add)                             \
  X(bytes, "bytes", "bytes", required, add)                             \
  X(peak_live_bytes, "peak_live_bytes", "peak_live", required, highest) \
  X(temporary, "temporary", "temporary", required, add)                 \
  X(leaked_bytes, "leaked_bytes", "leaked_bytes", required, add)        \
  X(leaked_count, "leaked_count", "leaked_count", optional, add)

// Inside a struct: one std::uint64_t member per total, zero-initialised, in
// the list's order.
#define MEMBENCH_ALLOCATION_TOTAL_MEMBER(member, report_key, line_key, when_read, in_sequence) \
  std::uint64_t member = 0;
#define MEMBENCH_ALLOCATION_TOTAL_MEMBERS MEMBENCH_ALLOCATION_TOTALS(MEMBENCH_ALLOCATION_TOTAL_MEMBER)

namespace membench::track {

enum class WhenRead { required, optional };
enum class InSequence { add, highest };

struct AllocationField {
  const char* member;
  const char* report_key;
  const char* line_key;
  const char* protocol_key;
  WhenRead when_read;
  InSequence in_sequence;
};

#define MEMBENCH_ALLOCATION_FIELD(member, report_key, line_key, when_read, in_sequence) \
  AllocationField{#member, report_key, line_key, "alloc_" line_key, WhenRead::when_read, InSequence::in_sequence},

inline constexpr AllocationField kAllocationFields[] = {MEMBENCH_ALLOCATION_TOTALS(MEMBENCH_ALLOCATION_FIELD)};
inline constexpr std::size_t kAllocationFieldCount = sizeof kAllocationFields / sizeof kAllocationFields[0];

#undef MEMBENCH_ALLOCATION_FIELD

// Calls visit(field, totals.member...) once per total, in the list's order:
// with one struct it reads or writes each member, with two it pairs them
// (copying, summing).
template <class Visit, class... Totals>
constexpr void for_each_allocation_total(Visit&& visit, Totals&... totals) {
  std::size_t index = 0;
#define MEMBENCH_VISIT_ALLOCATION_TOTAL(member, report_key, line_key, when_read, in_sequence) \
  visit(kAllocationFields[index++], totals.member...);
  MEMBENCH_ALLOCATION_TOTALS(MEMBENCH_VISIT_ALLOCATION_TOTAL)
#undef MEMBENCH_VISIT_ALLOCATION_TOTAL
}

template <class From, class To>
constexpr void copy_allocation_totals(const From& from, To& to) {
  for_each_allocation_total([](const AllocationField&, std::uint64_t value, std::uint64_t& target) { target = value; },
                            from, to);
}

}  // namespace membench::track

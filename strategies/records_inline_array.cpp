// records/inline_array: the 64 KiB table is a member of the record, as the
// guide's `struct Config { data: [u8; N] }`. A record is built in a local
// (64 KiB of stack), then copied into a std::vector<Record>; each time the
// vector grows, every record is copied again (old and new storage live at
// once). Expect a stack high-water mark above 64 KiB (GCC 12 at -O3 gives the
// building frame room for two records, 128 KiB) and a heap peak of up to 3x
// the records (the old storage plus the doubled new one).
#include <vector>

#include "strategies/records_common.h"

namespace membench::catalogue::records {
namespace {

struct InlineRecord {
  std::uint64_t index;
  std::uint64_t bytes;
  BigramTable bigrams;
};

InlineRecord make_record(std::uint64_t index, std::string_view document) {
  InlineRecord record{index, document.size(), {}};
  fill_bigrams(document, record.bigrams);
  return record;
}

std::uint64_t run_inline_array(const Input& in, const Params&, OutputSink& out) {
  std::vector<InlineRecord> records;
  std::uint64_t stack_used = run_with_stack_probe(kProbeStackBytes, [&] {
    for_each_document(in.text(), [&](std::string_view document) {
      records.push_back(make_record(records.size(), document));
    });
    BufferedOutput buffered(out);
    for (const InlineRecord& r : records) write_record(buffered, r.index, r.bytes, r.bigrams);
  });
  out.note("stack_high_water_bytes", stack_used);
  out.note("record_sizeof", sizeof(InlineRecord));
  return records.size();
}

}  // namespace

MEMBENCH_STRATEGY("records", "inline_array", "64 KiB table inline in each record (built on the stack)",
                  run_inline_array);

}  // namespace membench::catalogue::records

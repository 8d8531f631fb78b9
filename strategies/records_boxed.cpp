// records/boxed: the record holds a std::unique_ptr to its 64 KiB table (the
// guide's `Box<[u8; N]>`). The table is allocated once, zeroed, filled in
// place and never copied; the record itself is 24 bytes, so the vector's
// growth moves pointers, and the stack stays small. Expect a stack high-water
// mark of a few KiB and a heap peak of about the tables alone.
#include <memory>
#include <vector>

#include "strategies/records_common.h"

namespace membench::catalogue::records {
namespace {

struct BoxedRecord {
  std::uint64_t index;
  std::uint64_t bytes;
  std::unique_ptr<BigramTable> bigrams;
};

BoxedRecord make_record(std::uint64_t index, std::string_view document) {
  BoxedRecord record{index, document.size(), std::make_unique<BigramTable>()};  // value-initialised: zeroed
  fill_bigrams(document, *record.bigrams);
  return record;
}

std::uint64_t run_boxed(const Input& in, const Params&, OutputSink& out) {
  std::vector<BoxedRecord> records;
  std::uint64_t stack_used = run_with_stack_probe(kProbeStackBytes, [&] {
    for_each_document(in.text(), [&](std::string_view document) {
      records.push_back(make_record(records.size(), document));
    });
    BufferedOutput buffered(out);
    for (const BoxedRecord& r : records) write_record(buffered, r.index, r.bytes, *r.bigrams);
  });
  out.note("stack_high_water_bytes", stack_used);
  out.note("record_sizeof", sizeof(BoxedRecord));
  return records.size();
}

}  // namespace

MEMBENCH_STRATEGY("records", "boxed", "std::unique_ptr to the 64 KiB table in each record", run_boxed);

}  // namespace membench::catalogue::records

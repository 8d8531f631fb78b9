// pipeline/drop_late: the input buffer lives until the function returns, so
// input, result and listing (about 3.1 n bytes) are live at once.
// pipeline/drop_early: the input is freed as soon as the result is computed
// (the guide's `drop(data)`), so at most two of the three are live: the peak
// is about 2.1 n. Whether RSS falls too depends on the allocator handing the
// pages back: glibc unmaps blocks above its mmap threshold at once, jemalloc
// purges blocks above its oversize threshold (8 MiB) at once but keeps smaller
// freed pages until they decay. allocations.peak_live_bytes shows the saving
// under either.
#include "strategies/pipeline_common.h"

namespace membench::catalogue::pipeline {
namespace {

std::uint64_t run_drop_late(const Input& in, const Params&, OutputSink& out) {
  Buffer input = load_file(in.path);
  Summary summary = summarise(input.view());
  Buffer result = uppercase_copy(input.view());
  Buffer listing = render_listing(result.view());
  save(summary, listing, out);
  return summary.lines;
}

std::uint64_t run_drop_early(const Input& in, const Params&, OutputSink& out) {
  Buffer input = load_file(in.path);
  Summary summary = summarise(input.view());
  Buffer result = uppercase_copy(input.view());
  input.reset();  // nothing below reads the input: give its memory back now
  Buffer listing = render_listing(result.view());
  save(summary, listing, out);
  return summary.lines;
}

}  // namespace

MEMBENCH_STRATEGY("pipeline", "drop_late", "input buffer kept alive until the end", run_drop_late);
MEMBENCH_STRATEGY("pipeline", "drop_early", "input buffer freed before the result is saved", run_drop_early);

}  // namespace membench::catalogue::pipeline

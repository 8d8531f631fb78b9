// normalize/always_copy: every identifier becomes a new std::string, changed
// or not. Costs a 32-byte string per line and a heap block for every
// identifier longer than 15 bytes, even the ~90% that are returned unchanged.
#include <string>
#include <vector>

#include "strategies/normalize_common.h"

namespace membench::catalogue::normalize {
namespace {

std::uint64_t run_always_copy(const Input& in, const Params&, OutputSink& out) {
  std::vector<std::string> names;
  names.reserve(count_lines(in.text()));
  for_each_line(in.text(), [&](std::string_view line) {
    std::string name(line);
    std::replace(name.begin(), name.end(), ' ', '_');
    names.push_back(std::move(name));
  });
  write_names(names, out);
  return names.size();
}

}  // namespace

MEMBENCH_STRATEGY("normalize", "always_copy", "always build a new std::string", run_always_copy);

}  // namespace membench::catalogue::normalize

// Shared by the normalize strategies. Input: identifiers, one per line (lines
// as in text_util.h). Each is normalized by replacing every space with an
// underscore. All results are kept (as a column of normalized names would be),
// then written one per line, each followed by '\n'.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string_view>

#include "strategies/text_util.h"

namespace membench::catalogue::normalize {

template <class Names>
void write_names(const Names& names, OutputSink& sink) {
  BufferedOutput out(sink);
  for (const auto& name : names) {
    out.write(std::string_view(name));
    out.put('\n');
  }
}

}  // namespace membench::catalogue::normalize

// Figures of no fixed shape (a case's extra figures, allocator statistics,
// heaptrack's object) as generic tables: shown as given, sizes in binary
// units where the key says they are bytes.
#pragma once

#include <string>
#include <vector>

#include "report/model.h"

namespace membench::render::html {

// A collapsed block of tables; empty when no case has such figures.
std::string extras_section(const std::vector<const report::CaseResult*>& cases);

}  // namespace membench::render::html

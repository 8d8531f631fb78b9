// The trend section of a report page given a history of reports: each
// metric over the runs per case, and the regressions between consecutive
// runs (computed by analyze/trend) marked.
#pragma once

#include <string>
#include <vector>

#include "report/model.h"

namespace membench::render::html {

// `reports` oldest first.
std::string trend_section(const std::vector<report::Report>& reports);

}  // namespace membench::render::html

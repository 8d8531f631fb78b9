// What a reader of a workload wants first: each strategy against the
// workload's reference strategy (context.workloads[w].reference_strategy),
// per dataset and allocator, as ratios of the headline metrics, with the
// best strategy per metric marked. The raw figures follow in the results
// table.
#pragma once

#include <string>
#include <vector>

#include "report/model.h"

namespace membench::render::html {

std::string lead_section(const report::Report& r, const std::string& workload,
                         const std::vector<const report::CaseResult*>& cases);

}  // namespace membench::render::html

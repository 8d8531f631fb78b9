// The allocators section of a workload: per strategy and dataset, what the
// strategy requested beside what each allocator held and the process's peak
// RSS (retention and fragmentation), as a table and clustered bars.
#pragma once

#include <string>
#include <vector>

#include "report/model.h"

namespace membench::render::html {

// Whether the report calls for the section: several allocators, or any allocator statistics.
bool allocator_view_wanted(const report::Report& r);
std::string allocators_section(const std::vector<const report::CaseResult*>& cases);

}  // namespace membench::render::html

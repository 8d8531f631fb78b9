// The heaptrack section of a workload: heaptrack's figures beside
// membench's, with the agreement verdict, links to the recordings and a
// flame graph of each strategy's allocation stacks.
#pragma once

#include <string>
#include <vector>

#include "render/attachments.h"
#include "report/model.h"

namespace membench::render::html {

// Empty when no case has heaptrack figures.
std::string heaptrack_section(const std::vector<const report::CaseResult*>& cases, const ReportAttachments& att);

}  // namespace membench::render::html

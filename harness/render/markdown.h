// Markdown rendering of a report's results (membench report --markdown): one
// table per workload, dataset and allocator, every strategy beside the
// workload's reference strategy, for READMEs, pull requests and CI job
// summaries. Like every renderer it only presents what the report holds.
#pragma once

#include <string>

#include "report/model.h"

namespace membench::render {

// Groups are ordered by workload, then dataset size, then allocator; the
// reference strategy (context.workloads.<w>.reference_strategy) leads its
// group and the "vs reference" columns compare with it. A report without
// that entry (older membench) gets the tables without those columns' figures.
std::string results_markdown(const report::Report& report);

}  // namespace membench::render

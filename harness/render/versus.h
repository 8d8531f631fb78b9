// Each strategy against its workload's reference strategy (the naive
// baseline named in the report's context.workloads), as the Markdown tables
// and the HTML page's lead table write it.
#pragma once

#include <string>

#include "report/metrics.h"
#include "report/model.h"

namespace membench::render {

struct WorkloadInfo {
  std::string reference, description;  // empty when the report does not say (older membench)
};
WorkloadInfo workload_info(const report::Report& report, const std::string& workload);

// "12× fewer", "1.50× more", "same", "none", "+3 (reference: none)": the
// ratio of two figures, in the metric's words (fewer/more for counts,
// less/more for sizes, faster/slower for time and throughput).
std::string ratio_text(const report::Metric& m, double mine, double reference);
// "+1.50 MiB", "−4.00 KiB", "same": the difference, in the metric's unit.
std::string difference_text(const report::Metric& m, double mine, double reference);
// What a "vs reference" column shows: counts as a ratio, other figures as a difference.
std::string versus_text(const report::Metric& m, double mine, double reference);

}  // namespace membench::render

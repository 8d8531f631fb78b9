// The folded stacks of every case's allocation sites, beside `run`'s report.
#pragma once

#include <cstdint>
#include <string>

#include "report/model.h"

namespace membench::cli {

// REPORT.sites.count.folded, .bytes.folded and .peak.folded beside the report
// at report_path (flamegraph.pl's format, each case's id as the root frame),
// each written atomically; names them in the report's context ("sites").
// Nothing when no case has sites.
void write_site_stacks(report::Report& report, const std::string& report_path, std::uint32_t top);

}  // namespace membench::cli

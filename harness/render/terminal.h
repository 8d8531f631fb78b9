// Plain-text rendering for the terminal: the summary table printed at the
// end of `run`, and the progress lines printed while it runs.
#pragma once

#include <string>

#include "report/model.h"
#include "util/format.h"

namespace membench::render {

// One row per case: its status and the catalogue's terminal metrics
// (report/metrics.h). Failed cases show their error below the table.
std::string summary_table(const report::Report& report);

// "ok  1.92 GB/s  ΔRSS 8.0 KiB  allocs 3" — the figures of one finished case.
std::string case_summary(const report::CaseResult& result);

}  // namespace membench::render
